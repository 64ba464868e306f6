import { existsSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { lab } from '../lab/lab.js';
import { runDistAction, type ActionRun } from '../support/action-runner.js';
import { expectPreDeployFailureKeeps, freePort, labSshInputs, sampleBotInputs, waitForVersion, onHost, removeAppContainers, uniqueApp } from '../support/lab-host.js';

const appsRoot = '/srv/bot-deploy-lab';
const botToken = '123456:AAF-super-secret-bot-token';

function containerIds(app: string): string[] {
  return onHost(`docker ps -q --filter label=dev.bot-deploy.app=${app}`).trim().split('\n').filter(Boolean).sort();
}

describe('ssh-deploy against the lab (webhook bot, recreate)', () => {
  const app = uniqueApp('web');
  const appDir = `${appsRoot}/${app}`;
  let port: number;
  const deploy = (inputs: Record<string, string>): Promise<ActionRun> =>
    runDistAction('ssh-deploy', {
      ...labSshInputs(),
      ...sampleBotInputs('webhook', app, appDir),
      env: `BOT_TOKEN=${botToken}\nHOST_PORT=${port}\n`,
      ...inputs,
    });

  const deployUserDockerConfig = '/home/deploy/.docker/config.json';
  beforeAll(async () => {
    port = await freePort();
    onHost(`rm -f ${deployUserDockerConfig}`);
  });
  afterAll(() => removeAppContainers(app));

  it('deploys v1 into the release layout and the bot answers with v1', async () => {
    const run = await deploy({ version: 'v1' });
    expect(run.log).not.toContain(botToken);
    expect(run.log).not.toContain(lab.registry.password);
    expect(run.masks).toEqual(expect.arrayContaining([botToken, lab.registry.password]));
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ release: 'v1', 'previous-release': '', 'release-dir': `${appDir}/releases/v1` });
    expect(Number(run.outputs['duration-ms'])).toBeGreaterThan(0);
    expect(await waitForVersion(port, 'v1')).toContain('"status":"healthy"');

    expect(readlinkSync(`${appDir}/current`)).toBe('releases/v1');
    const envFile = `${appDir}/releases/v1/.env`;
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(envFile, 'utf8')).toContain(`BOT_TOKEN='${botToken}'`);
    expect(readFileSync(envFile, 'utf8')).toContain(`IMAGE='${lab.images.webhook}:v1'`);
    expect(JSON.parse(readFileSync(`${appDir}/releases/v1/release.json`, 'utf8'))).toMatchObject({
      version: 'v1',
      image: lab.images.webhook,
      actor: 'octocat',
      sha: '0123456789abcdef0123456789abcdef01234567',
      compose_files: ['compose.yml'],
    });
    const log = readFileSync(`${appDir}/deploys.log`, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(log).toEqual([expect.objectContaining({ version: 'v1', action: 'deploy', result: 'success', actor: 'octocat' })]);
    expect(JSON.parse(readFileSync(`${appDir}/state.json`, 'utf8'))).toMatchObject({ active: 'v1' });
    expect(onHost(`docker ps --filter label=dev.bot-deploy.app=${app} --format '{{.Label "dev.bot-deploy.version"}}'`).trim()).toBe('v1');
    expect(run.summary).toContain('ssh-deploy');
    expect(run.summary).toContain('v1');
    // The registry login lived in a private docker config that is gone now.
    expect(existsSync(deployUserDockerConfig) ? readFileSync(deployUserDockerConfig, 'utf8') : '').not.toContain(lab.registry.address);
    expect(readdirSync(appDir).filter((name) => name.startsWith('.docker-auth'))).toEqual([]);
  });

  it('deploys v2 over v1 and reports v1 as the previous release', async () => {
    const run = await deploy({ version: 'v2' });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ release: 'v2', 'previous-release': 'v1' });
    expect(await waitForVersion(port, 'v2')).toContain('"version":"v2"');
    expect(readlinkSync(`${appDir}/current`)).toBe('releases/v2');
    expect(JSON.parse(readFileSync(`${appDir}/state.json`, 'utf8'))).toMatchObject({ active: 'v2', previous: 'v1' });
  });

  it('re-running the same deploy changes nothing that runs', async () => {
    const before = containerIds(app);
    const run = await deploy({ version: 'v2' });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ release: 'v2', 'previous-release': 'v1' });
    expect(containerIds(app)).toEqual(before);
    expect(JSON.parse(readFileSync(`${appDir}/state.json`, 'utf8'))).toMatchObject({ active: 'v2', previous: 'v1' });
  });

  it('rolls back to the previous release without uploading anything', async () => {
    const run = await deploy({ rollback: 'true', version: '', env: '' });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ release: 'v1', 'previous-release': 'v2' });
    expect(await waitForVersion(port, 'v1')).toContain('"version":"v1"');
    expect(readlinkSync(`${appDir}/current`)).toBe('releases/v1');
    const last = JSON.parse(readFileSync(`${appDir}/deploys.log`, 'utf8').trim().split('\n').pop() ?? '{}');
    expect(last).toMatchObject({ action: 'rollback', version: 'v1', result: 'success' });
    expect(JSON.parse(readFileSync(`${appDir}/state.json`, 'utf8'))).toMatchObject({ active: 'v1', history: ['v1'] });
  });

  it('re-running the rollback run re-activates the same release; a new rollback run finds nothing earlier', async () => {
    const rerun = await deploy({ rollback: 'true', version: '', env: '' });
    expect(rerun.code).toBe(0);
    expect(rerun.outputs).toMatchObject({ release: 'v1' });
    expect(readlinkSync(`${appDir}/current`)).toBe('releases/v1');

    const another = await runDistAction(
      'ssh-deploy',
      { ...labSshInputs(), ...sampleBotInputs('webhook', app, appDir), rollback: 'true' },
      { env: { GITHUB_RUN_ID: '4243' } },
    );
    expect(another.code).toBe(1);
    expect(another.log).toMatch(/::error::There is no earlier successfully deployed release on 127\.0\.0\.1 to roll back to \(v1 is active; releases there: v1, v2\): name one with `version`\./);
    expect(readlinkSync(`${appDir}/current`)).toBe('releases/v1');
    expect(await waitForVersion(port, 'v1')).toContain('"version":"v1"');
  });

  it('refuses to roll back to a release that is not on the host, touching nothing', async () => {
    const run = await deploy({ rollback: 'true', version: 'v9', env: '' });
    expect(run.code).toBe(1);
    expect(run.log).toMatch(/::error::Release v9 is not on 127\.0\.0\.1, so it cannot be re-activated; releases there: v1, v2\./);
    expect(readlinkSync(`${appDir}/current`)).toBe('releases/v1');
    expect(await waitForVersion(port, 'v1')).toContain('"version":"v1"');
  });

  it('reports a failing pre-deploy command with its exact exit code and keeps the running release', async () => {
    const run = await deploy({ version: 'v2', service: 'bot', 'pre-deploy': 'echo migrating; exit 7' });
    await expectPreDeployFailureKeeps(run, appDir, port, 'v1');
    const last = JSON.parse(readFileSync(`${appDir}/deploys.log`, 'utf8').trim().split('\n').pop() ?? '{}');
    expect(last).toMatchObject({ action: 'deploy', version: 'v2', result: 'failure' });
  });

  it('stops before touching the running release when the image cannot be pulled', async () => {
    const run = await deploy({ version: 'v404' });
    expect(run.code).toBe(1);
    expect(run.log).toMatch(/::error::Pulling images failed on 127\.0\.0\.1 with exit code \d+/);
    expect(readdirSync(appDir).filter((name) => name.startsWith('.docker-auth'))).toEqual([]);
    expect(readlinkSync(`${appDir}/current`)).toBe('releases/v1');
    expect(await waitForVersion(port, 'v1')).toContain('"version":"v1"');
  });

  it('starts the previous release again when the new one cannot start', async () => {
    // v2 asks for a host port something else holds, so its container cannot start.
    const squatter = createServer();
    const taken = await freePort();
    await new Promise<void>((resolve) => squatter.listen(taken, '127.0.0.1', resolve));
    try {
      const run = await deploy({ version: 'v2', env: `BOT_TOKEN=${botToken}\nHOST_PORT=${taken}\n` });
      expect(run.code).toBe(1);
      expect(run.log).toContain('::warning::v2 did not start on 127.0.0.1; starting v1 again.');
      expect(run.log).toMatch(/::error::Starting v2 failed on 127\.0\.0\.1 with exit code \d+; its output is above\.$/m);
    } finally {
      squatter.close();
    }
    expect(readlinkSync(`${appDir}/current`)).toBe('releases/v1');
    expect(await waitForVersion(port, 'v1')).toContain('"version":"v1"');
  });

  it('never puts a secret on a command line of the host', async () => {
    const seen = new Set<string>();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        for (const line of onHost('ps -eo args').split('\n')) if (line.includes('compose') || line.includes('docker') || line.includes('sh -c')) seen.add(line);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const run = await deploy({ version: 'v2' });
    watching = false;
    await watcher;
    expect(run.code).toBe(0);
    expect(seen.size).toBeGreaterThan(0);
    const leaked = [...seen].filter((line) => line.includes(botToken) || line.includes(lab.registry.password));
    expect(leaked).toEqual([]);
  });
});

describe('ssh-deploy against the lab (polling bot, stop-first)', () => {
  const app = uniqueApp('poll');
  const appDir = `${appsRoot}/${app}`;
  afterAll(() => removeAppContainers(app));
  const deploy = (version: string): Promise<ActionRun> =>
    runDistAction('ssh-deploy', {
      ...labSshInputs(),
      ...sampleBotInputs('polling', app, appDir),
      version,
      env: `BOT_TOKEN=${botToken}\n`,
      strategy: 'stop-first',
      service: 'bot',
    });

  it('never runs two pollers: the old bot has stopped before the new one starts', async () => {
    expect((await deploy('v1')).code).toBe(0);
    const events = onHost(`timeout 60 docker events --filter label=dev.bot-deploy.app=${app} --filter type=container --format '{{.Action}} {{index .Actor.Attributes "dev.bot-deploy.version"}}' > /tmp/${app}.events 2>&1 & echo $!`).trim();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const run = await deploy('v2');
    await new Promise((resolve) => setTimeout(resolve, 500));
    onHost(`kill ${events} || true`);
    expect(run.code).toBe(0);
    const lines = readFileSync(`/tmp/${app}.events`, 'utf8').trim().split('\n');
    const v1Died = lines.indexOf('die v1');
    const v2Started = lines.indexOf('start v2');
    expect(v1Died).toBeGreaterThanOrEqual(0);
    expect(v2Started).toBeGreaterThan(v1Died);
    expect(onHost(`docker ps --filter label=dev.bot-deploy.app=${app} --format '{{.Label "dev.bot-deploy.version"}}'`).trim()).toBe('v2');
    expect(existsSync(`${appDir}/releases/v1`)).toBe(true);
  });
});
