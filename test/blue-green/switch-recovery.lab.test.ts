import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { lab } from '../lab/lab.js';
import { runDistAction, type ActionRun } from '../support/action-runner.js';
import { freePort, labNginxInputs, labSshInputs, onHost, removeAppContainers, sampleBotInputs, uniqueApp } from '../support/lab-host.js';

/** Switches that collide or get cut off: the lock serialises them, and a re-run converges. */
describe('blue-green-switch when runs collide or die', () => {
  const app = uniqueApp('bgrec');
  const appDir = `${lab.appRoot}/${app}`;
  const upstreamFile = join(lab.nginx.upstreamDir, `${app}.conf`);
  let inputs: Record<string, string>;
  const running = (color: string): string =>
    onHost(`docker ps --filter label=com.docker.compose.project=${app}-${color} --filter label=com.docker.compose.service=bot --format '{{.Label "dev.bot-deploy.version"}}'`).trim();
  const stage = (version: string): Promise<ActionRun> =>
    runDistAction('ssh-deploy', { ...labSshInputs(), ...sampleBotInputs('webhook', app, appDir), version, strategy: 'none', env: 'BOT_TOKEN=123:rec\n' });

  beforeAll(async () => {
    inputs = {
      ...labSshInputs(),
      app,
      'app-dir': appDir,
      service: 'bot',
      ...labNginxInputs({ blue: await freePort(), green: await freePort() }, upstreamFile),
      interval: '300ms',
      'success-threshold': '2',
    };
    for (const version of ['v1', 'v2']) expect((await stage(version)).code).toBe(0);
  });
  afterAll(() => {
    [app, `${app}-blue`, `${app}-green`].forEach(removeAppContainers);
    rmSync(upstreamFile, { force: true });
    execFileSync('nginx', ['-s', 'reload', '-c', lab.nginx.conf], { stdio: 'ignore' });
  });

  it('serialises two switches at once by the deploy lock: one waits, both succeed, state matches what runs', async () => {
    const [first, second] = await Promise.all([
      runDistAction('blue-green-switch', { ...inputs, version: 'v1' }, { env: { GITHUB_RUN_ID: '5001' } }),
      runDistAction('blue-green-switch', { ...inputs, version: 'v2' }, { env: { GITHUB_RUN_ID: '5002' } }),
    ]);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect([first.log, second.log].filter((log) => log.includes('Waiting for the deploy lock'))).toHaveLength(1);
    const state = JSON.parse(readFileSync(`${appDir}/state.json`, 'utf8')) as { color: 'blue' | 'green'; active: string };
    expect(running(state.color)).toBe(state.active);
    expect(readFileSync(upstreamFile, 'utf8')).toContain(`server 127.0.0.1:${inputs[`${state.color}-port`]};`);
  });

  it('converges when a run dies in the middle of a switch: its post step frees the lock and a re-run finishes it', async () => {
    const state = JSON.parse(readFileSync(`${appDir}/state.json`, 'utf8')) as { color: 'blue' | 'green'; active: string };
    const target = state.active === 'v1' ? 'v2' : 'v1';
    const idle = state.color === 'blue' ? 'green' : 'blue';
    const killed = await runDistAction('blue-green-switch', { ...inputs, version: target }, { killAt: { line: new RegExp(`^::group::Starting ${target} in ${idle}`), signal: 'SIGKILL', afterMs: 300 } });
    expect(killed.code).not.toBe(0);
    const post = await runDistAction('blue-green-switch', { ...inputs, version: target }, { postOf: killed });
    expect(post.code).toBe(0);
    expect(existsLock()).toBe(false);

    const rerun = await runDistAction('blue-green-switch', { ...inputs, version: target, 'lock-timeout': '5s' });
    expect(`${rerun.code}\n${rerun.log}`).toMatch(/^0\n/);
    expect(rerun.outputs).toMatchObject({ 'active-color': idle, release: target });
    expect(running(idle)).toBe(target);
    expect(running(state.color)).toBe('');
  });

  const existsLock = (): boolean => onHost(`test -e ${appDir}/.lock && echo yes || echo no`).trim() === 'yes';
});
