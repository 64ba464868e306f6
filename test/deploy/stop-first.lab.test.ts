import { mkdtempSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lab } from '../lab/lab.js';
import { runDistAction, type ActionRun } from '../support/action-runner.js';
import { labSshInputs, onHost, removeAppContainers, sampleBotInputs, uniqueApp } from '../support/lab-host.js';

/** How long the old bot takes to stop: far past command-timeout, as a bot that ignores SIGTERM. */
const graceSeconds = 20;

/** A polling bot whose PID 1 ignores SIGTERM, so `compose stop` waits out the whole grace period. */
const composeFile = `services:
  bot:
    image: \${IMAGE}
    command: ["sh", "-c", "trap '' TERM; while :; do sleep 1; done"]
    environment:
      VERSION: \${VERSION}
    restart: unless-stopped
    stop_grace_period: ${graceSeconds}s
`;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('ssh-deploy stop-first when stopping the old release fails', () => {
  const app = uniqueApp('stopfirst');
  const appDir = `${lab.appRoot}/${app}`;
  const workspace = mkdtempSync(join(tmpdir(), 'stop-first-'));
  writeFileSync(join(workspace, 'compose.yml'), composeFile);
  const deployInputs = (version: string, inputs: Record<string, string> = {}): Record<string, string> => ({
        ...labSshInputs(),
        ...sampleBotInputs('polling', app, appDir),
        'compose-file': 'compose.yml',
        version,
        strategy: 'stop-first',
        service: 'bot',
        ...inputs,
  });
  const deploy = (version: string, inputs: Record<string, string> = {}, options: Parameters<typeof runDistAction>[2] = {}): Promise<ActionRun> =>
    runDistAction('ssh-deploy', deployInputs(version, inputs), { cwd: workspace, ...options });
  const running = (): string =>
    onHost(`docker ps --filter label=com.docker.compose.project=${app} --filter label=com.docker.compose.service=bot --format '{{.Label "dev.bot-deploy.version"}}'`).trim();

  afterAll(() => removeAppContainers(app));

  it('a stop that exceeds command-timeout fails the step and leaves the old release running, current unchanged', async () => {
    const first = await deploy('v1');
    expect(`exit ${first.code}\n${first.log}`).toMatch(/^exit 0\n/);
    expect(running()).toBe('v1');

    const started = Date.now();
    const second = await deploy('v2', { 'command-timeout': '5s' });
    expect(second.code).toBe(1);
    expect(second.log).toMatch(/^::error::Stopping v1 on 127\.0\.0\.1 did not finish within the command timeout and was stopped\.$/m);
    expect(readlinkSync(`${appDir}/current`)).toBe('releases/v1');

    // Docker's daemon finishes a stop its client gave up on: the old bot must still run once the grace period is over.
    await sleep(Math.max(0, started + (graceSeconds + 5) * 1000 - Date.now()));
    expect(running()).toBe('v1');
    expect(readlinkSync(`${appDir}/current`)).toBe('releases/v1');
  });

  it('a job cancelled while the old release stops gets it started again by the post step', async () => {
    expect(running()).toBe('v1');
    // Killed a moment into the old bot's 20 s stop: the daemon goes on stopping it after the run is gone.
    const main = await deploy('v2', {}, { killAt: { line: /^Stopping bot of v1 first/, signal: 'SIGKILL', afterMs: 1500 } });
    const killed = Date.now();
    expect(main.code).not.toBe(0);
    expect(main.state['cleanup-journal']).toContain('"kind":"restore"');

    const post = await deploy('v2', {}, { postOf: main });
    expect(post.code).toBe(0);
    expect(post.log).toMatch(/Starting v1 again \(this run died while switching\) on 127\.0\.0\.1: done\./);
    expect(running()).toBe('v1');
    // Still running once the stop the daemon was finishing would have ended it.
    await sleep(Math.max(0, killed + (graceSeconds + 3) * 1000 - Date.now()));
    expect(running()).toBe('v1');
    expect(readlinkSync(`${appDir}/current`)).toBe('releases/v1');
  });
});
