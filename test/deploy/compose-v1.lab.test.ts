import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lab, labKnownHosts } from '../lab/lab.js';
import { runDistAction, type ActionRun } from '../support/action-runner.js';
import { expectPreDeployFailureKeeps, freePort, labSshInputs, sampleBotInputs, waitForVersion, onHost, removeAppContainers, uniqueApp } from '../support/lab-host.js';

/**
 * ssh-deploy (the dist bundle) on a host that only has compose v1: the lab's `deploy-v1` account
 * sees docker-compose 1.29 and a docker without the compose plugin (lab/compose-v1.sh, lab/up.sh).
 */

const botToken = '123456:AAF-compose-v1-secret-token';

function runningVersions(app: string): string[] {
  return onHost(`docker ps --filter label=dev.bot-deploy.app=${app} --format '{{.Label "dev.bot-deploy.version"}}'`)
    .trim()
    .split('\n')
    .filter(Boolean);
}

/** The compose implementation that started the app's containers, as its labels say. */
function composeVersions(app: string): string[] {
  return onHost(`docker ps -a --filter label=dev.bot-deploy.app=${app} --format '{{.Label "com.docker.compose.version"}}'`)
    .trim()
    .split('\n')
    .filter(Boolean);
}

/** Runs a command over SSH as deploy-v1 with the OpenSSH client, the way a person would check the host. */
function sshAsV1(command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'compose-v1-ssh-'));
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `${labKnownHosts()}\n`);
  const args = [
    '-F', '/dev/null', '-i', lab.keys.ed25519, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes',
    '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'StrictHostKeyChecking=yes',
    '-o', 'ConnectTimeout=10', '-p', String(lab.sshPort), `${lab.userV1}@${lab.host}`, command,
  ];
  return new Promise((resolve) => {
    const child = execFile('ssh', args, { timeout: 60_000 }, (error, stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
    child.stdin?.end();
  });
}

describe('the deploy-v1 lab account only has compose v1', () => {
  it('fails `docker compose version` and runs docker-compose 1.29', async () => {
    const v2 = await sshAsV1('docker compose version');
    expect(v2.code).not.toBe(0);
    expect(v2.stderr).toContain("'compose' is not a docker command");

    const v1 = await sshAsV1('docker-compose version');
    expect(v1.code).toBe(0);
    expect(v1.stdout).toMatch(/^docker-compose version 1\.29\.\d+/m);
  });
});

describe('ssh-deploy on a compose v1 host (webhook bot, recreate)', () => {
  const app = uniqueApp('v1web');
  const appDir = `${lab.appRootV1}/${app}`;
  let port: number;
  const deploy = (inputs: Record<string, string>): Promise<ActionRun> =>
    runDistAction('ssh-deploy', {
      ...labSshInputs(lab.keys.ed25519, lab.userV1),
      ...sampleBotInputs('webhook', app, appDir),
      env: `BOT_TOKEN=${botToken}\nHOST_PORT=${port}\n`,
      ...inputs,
    });
  /** The action's log, for a failing expectation: the command that broke under v1 is in it. */
  const explain = (run: ActionRun): string => `exit ${run.code}\n${run.log}`;

  beforeAll(async () => {
    port = await freePort();
  });
  afterAll(() => removeAppContainers(app));

  it('deploys v1 with docker-compose and the bot answers with v1', async () => {
    const run = await deploy({ version: 'v1' });
    expect(explain(run)).toMatch(/^exit 0\n/);
    expect(run.log).toContain('docker compose v1 on 127.0.0.1');
    expect(run.log).not.toContain(botToken);
    expect(run.log).not.toContain(lab.registry.password);
    expect(run.outputs).toMatchObject({ release: 'v1', 'previous-release': '', 'release-dir': `${appDir}/releases/v1` });
    expect(await waitForVersion(port, 'v1')).toContain('"status":"healthy"');
    expect(readlinkSync(`${appDir}/current`)).toBe('releases/v1');
    expect(runningVersions(app)).toEqual(['v1']);
    // Started by compose v1 itself, not by a v2 that slipped through.
    expect(composeVersions(app)).toEqual([expect.stringMatching(/^1\.29\./)]);
  });

  it('deploys v2 over v1 and reports v1 as the previous release', async () => {
    const run = await deploy({ version: 'v2' });
    expect(explain(run)).toMatch(/^exit 0\n/);
    expect(run.outputs).toMatchObject({ release: 'v2', 'previous-release': 'v1' });
    expect(await waitForVersion(port, 'v2')).toContain('"version":"v2"');
    expect(readlinkSync(`${appDir}/current`)).toBe('releases/v2');
    expect(runningVersions(app)).toEqual(['v2']);
    expect(JSON.parse(readFileSync(`${appDir}/state.json`, 'utf8'))).toMatchObject({ active: 'v2', previous: 'v1' });
  });

  it('rolls back to v1', async () => {
    const run = await deploy({ rollback: 'true', version: '', env: '' });
    expect(explain(run)).toMatch(/^exit 0\n/);
    expect(run.outputs).toMatchObject({ release: 'v1', 'previous-release': 'v2' });
    expect(await waitForVersion(port, 'v1')).toContain('"version":"v1"');
    expect(readlinkSync(`${appDir}/current`)).toBe('releases/v1');
    expect(runningVersions(app)).toEqual(['v1']);
  });

  it('reports a failing pre-deploy command with its exit code and keeps v1 running', async () => {
    const run = await deploy({ version: 'v2', service: 'bot', 'pre-deploy': 'echo migrating; exit 7' });
    await expectPreDeployFailureKeeps(run, appDir, port, 'v1');
    // compose v1 `run --rm` removes its one-off container: only the bot is left.
    expect(runningVersions(app)).toEqual(['v1']);
  });

  it('cleanup removes every container of the app and the network compose v1 made for it', () => {
    expect(onHost(`docker network ls -q --filter label=com.docker.compose.project=${app}`).trim()).not.toBe('');
    removeAppContainers(app);
    expect(onHost(`docker ps -aq --filter label=dev.bot-deploy.app=${app}`).trim()).toBe('');
    expect(onHost(`docker network ls -q --filter label=com.docker.compose.project=${app}`).trim()).toBe('');
  });
});
