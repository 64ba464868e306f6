import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lab } from '../lab/lab.js';
import { runDistAction, type ActionRun } from '../support/action-runner.js';
import { steadyLoad } from '../support/steady-load.js';
import { freePort, httpGet, labNginxInputs, labSshInputs, onHost, removeAppContainers, sampleBotInputs, uniqueApp } from '../support/lab-host.js';

/** The version every container of `project`'s bot runs, as its label says ('' when none runs). */
const running = (project: string): string =>
  onHost(`docker ps --filter label=com.docker.compose.project=${project} --filter label=com.docker.compose.service=bot --format '{{.Label "dev.bot-deploy.version"}}'`).trim();

describe('blue-green-switch, webhook mode, through the lab nginx', () => {
  const app = uniqueApp('bgweb');
  const appDir = `${lab.appRoot}/${app}`;
  const upstreamFile = join(lab.nginx.upstreamDir, `${app}.conf`);
  const siteFile = join(lab.nginx.sitesDir, `${app}.conf`);
  let ports: { blue: number; green: number; site: number };

  const stage = (version: string): Promise<ActionRun> =>
    runDistAction('ssh-deploy', { ...labSshInputs(), ...sampleBotInputs('webhook', app, appDir), version, strategy: 'none', env: 'BOT_TOKEN=123:web\n' });
  const bgInputs = (extra: Record<string, string> = {}): Record<string, string> => ({
    ...labSshInputs(),
    app,
    'app-dir': appDir,
    service: 'bot',
    mode: 'webhook',
    ...labNginxInputs(ports, upstreamFile),
    'nginx-check-url': `http://${lab.host}:${ports.site}/health`,
    interval: '300ms',
    'success-threshold': '2',
    deadline: '30s',
    'drain-timeout': '3s',
    ...extra,
  });

  beforeAll(async () => {
    ports = { blue: await freePort(), green: await freePort(), site: await freePort() };
  });
  afterAll(() => {
    removeAppContainers(app);
    for (const project of [`${app}-blue`, `${app}-green`]) removeAppContainers(project);
    rmSync(siteFile, { force: true });
    rmSync(upstreamFile, { force: true });
    execFileSync('nginx', ['-s', 'reload', '-c', lab.nginx.conf], { stdio: 'ignore' });
  });

  it('starts the first release in blue on an empty host and points nginx at it', async () => {
    expect((await stage('v1')).code).toBe(0);
    // The site proxies to the upstream the suite owns; it exists once the first switch wrote the upstream.
    const first = await runDistAction('blue-green-switch', { ...bgInputs(), version: 'v1', 'nginx-check-url': '' });
    expect(`${first.code}\n${first.log}`).toMatch(/^0\n/);
    expect(first.outputs).toMatchObject({ 'active-color': 'blue', 'previous-color': '', release: 'v1', 'rolled-back': 'false' });
    expect(readFileSync(upstreamFile, 'utf8')).toContain(`server 127.0.0.1:${ports.blue};`);
    writeFileSync(siteFile, `server { listen ${lab.host}:${ports.site}; location / { proxy_pass http://${app}; proxy_http_version 1.1; proxy_set_header Connection ""; } }\n`);
    execFileSync('nginx', ['-s', 'reload', '-c', lab.nginx.conf], { stdio: 'ignore' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await httpGet(`http://${lab.host}:${ports.site}/health`)).body).toContain('"version":"v1"');
    expect(running(`${app}-blue`)).toBe('v1');
    expect(readlinkSync(`${appDir}/current`)).toBe('releases/v1');
  });

  it('switches to v2 in green under steady traffic without a failed request, then stops blue', async () => {
    expect((await stage('v2')).code).toBe(0);
    const load = steadyLoad(`http://${lab.host}:${ports.site}/health`);
    const run = await runDistAction('blue-green-switch', { ...bgInputs(), version: 'v2' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stats = await load.stop();
    expect(`${run.code}\n${run.log}`).toMatch(/^0\n/);
    expect(run.outputs).toMatchObject({ 'active-color': 'green', 'previous-color': 'blue', release: 'v2', 'rolled-back': 'false' });
    expect(stats.total).toBeGreaterThan(20);
    expect(stats.failed).toBe(0);
    expect(stats.versions).toEqual(new Set(['v1', 'v2']));
    expect(running(`${app}-green`)).toBe('v2');
    expect(running(`${app}-blue`)).toBe('');
    const state = JSON.parse(readFileSync(`${appDir}/state.json`, 'utf8')) as { color: string; colors: Record<string, string>; active: string };
    expect(state).toMatchObject({ color: 'green', colors: { green: 'v2' }, active: 'v2' });
    expect(readFileSync(`${appDir}/deploys.log`, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { version: string; result: string }).at(-1)).toMatchObject({ version: 'v2', result: 'success' });
  });

  it('rejects a broken release before it gets traffic: green keeps serving and the step says rolled-back', async () => {
    expect((await stage('broken')).code).toBe(0);
    const run = await runDistAction('blue-green-switch', { ...bgInputs(), version: 'broken', deadline: '4s' });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ 'rolled-back': 'true' });
    expect(run.log).toMatch(/^::error::Health gate failed: .* broken never received traffic: v2 still serves\.$/m);
    expect(readFileSync(upstreamFile, 'utf8')).toContain(`server 127.0.0.1:${ports.green};`);
    expect(running(`${app}-green`)).toBe('v2');
    expect(running(`${app}-blue`)).toBe('');
  });

  it('restores the upstream file and reloads nothing when nginx rejects the configuration', async () => {
    const before = readFileSync(upstreamFile, 'utf8');
    const run = await runDistAction('blue-green-switch', { ...bgInputs(), version: 'v1', 'nginx-test-command': 'echo "nginx: [emerg] bad thing in /etc/nginx/x.conf:3" >&2; exit 1' });
    expect(run.code).toBe(1);
    expect(run.log).toMatch(/^::error::nginx rejected the configuration with the new upstream on 127\.0\.0\.1 \(nginx: \[emerg\] bad thing in \/etc\/nginx\/x\.conf:3\); the previous .* is back, nothing was reloaded and the old color still serves\.$/m);
    expect(readFileSync(upstreamFile, 'utf8')).toBe(before);
    expect((await httpGet(`http://${lab.host}:${ports.site}/health`)).body).toContain('"version":"v2"');
  });

  it('keeps the old color warm, so a rollback is a flip', async () => {
    const forward = await runDistAction('blue-green-switch', { ...bgInputs(), version: 'v1', 'keep-warm': 'true' });
    expect(`${forward.code}\n${forward.log}`).toMatch(/^0\n/);
    expect(forward.outputs).toMatchObject({ 'active-color': 'blue', release: 'v1' });
    expect(running(`${app}-green`)).toBe('v2');
    const back = await runDistAction('blue-green-switch', { ...bgInputs(), rollback: 'true', 'keep-warm': 'true' });
    expect(`${back.code}\n${back.log}`).toMatch(/^0\n/);
    expect(back.outputs).toMatchObject({ 'active-color': 'green', 'previous-color': 'blue', release: 'v2' });
    expect(back.log).not.toContain('Starting v2 in green');
    expect((await httpGet(`http://${lab.host}:${ports.site}/health`)).body).toContain('"version":"v2"');
  });

  it('forgets a warm color a failed switch cleared, so the next rollback starts it cold at once', async () => {
    const failed = await runDistAction('blue-green-switch', { ...bgInputs(), version: 'broken', deadline: '4s', 'keep-warm': 'true' });
    expect(failed.code).toBe(1);
    const state = JSON.parse(readFileSync(`${appDir}/state.json`, 'utf8')) as { colors: Record<string, string> };
    expect(state.colors).toEqual({ green: 'v2' });
    const started = Date.now();
    // v1 left the rollback history when the last rollback went from it: name it.
    const back = await runDistAction('blue-green-switch', { ...bgInputs(), rollback: 'true', version: 'v1' });
    expect(`${back.code}\n${back.log}`).toMatch(/^0\n/);
    expect(back.outputs).toMatchObject({ 'active-color': 'blue', release: 'v1' });
    expect(back.log).toContain('Starting v1 in blue');
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

describe('blue-green-switch after ssh-deploy recreate, and re-run', () => {
  const app = uniqueApp('bgfrom');
  const appDir = `${lab.appRoot}/${app}`;
  const upstreamFile = join(lab.nginx.upstreamDir, `${app}.conf`);
  afterAll(() => {
    [app, `${app}-blue`, `${app}-green`].forEach(removeAppContainers);
    rmSync(upstreamFile, { force: true });
    execFileSync('nginx', ['-s', 'reload', '-c', lab.nginx.conf], { stdio: 'ignore' });
  });

  it('takes over from the project a recreate deploy ran, retires it, and a re-run changes nothing', async () => {
    const [oldPort, blue, green] = [await freePort(), await freePort(), await freePort()];
    const deploy = (version: string, strategy: string): Promise<ActionRun> =>
      runDistAction('ssh-deploy', { ...labSshInputs(), ...sampleBotInputs('webhook', app, appDir), version, strategy, env: `BOT_TOKEN=123:web\nHOST_PORT=${oldPort}\n` });
    expect((await deploy('v1', 'recreate')).code).toBe(0);
    expect(running(app)).toBe('v1');
    expect((await deploy('v2', 'none')).code).toBe(0);
    const inputs = {
      ...labSshInputs(),
      app,
      'app-dir': appDir,
      version: 'v2',
      service: 'bot',
      ...labNginxInputs({ blue, green }, upstreamFile),
      interval: '300ms',
      'success-threshold': '2',
    };
    const run = await runDistAction('blue-green-switch', inputs);
    expect(`${run.code}\n${run.log}`).toMatch(/^0\n/);
    expect(run.outputs).toMatchObject({ 'active-color': 'blue', 'previous-color': '', release: 'v2' });
    expect(running(app)).toBe('');
    expect(running(`${app}-blue`)).toBe('v2');

    const id = onHost(`docker ps -q --filter label=com.docker.compose.project=${app}-blue`).trim();
    const again = await runDistAction('blue-green-switch', inputs);
    expect(`${again.code}\n${again.log}`).toMatch(/^0\n/);
    expect(again.outputs).toMatchObject({ 'active-color': 'blue', release: 'v2' });
    expect(onHost(`docker ps -q --filter label=com.docker.compose.project=${app}-blue`).trim()).toBe(id);
    expect(running(`${app}-green`)).toBe('');
  });
});
