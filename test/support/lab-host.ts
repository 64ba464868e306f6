import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { lab, labKnownHosts, readLabFile } from '../lab/lab.js';

/** The SSH inputs every action needs to reach the lab host as `deploy` (or `user`, e.g. `lab.userV1`). */
export function labSshInputs(key: string = lab.keys.ed25519, user: string = lab.user): Record<string, string> {
  return {
    host: lab.host,
    port: String(lab.sshPort),
    user,
    'private-key': readLabFile(key),
    'known-hosts': labKnownHosts(),
  };
}

/** Runs a shell command on the lab host as root (it is this machine) and returns stdout. */
export function onHost(line: string): string {
  return execFileSync('sh', ['-c', line], { encoding: 'utf8' });
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A unique app name per test, so tests never share a host folder or compose project. */
export function uniqueApp(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}

/** Removes every container the suite started for `app` (by the labels it puts on them). */
export function removeAppContainers(app: string): void {
  onHost(`docker ps -aq --filter label=dev.bot-deploy.app=${app} | xargs -r docker rm -f >/dev/null 2>&1 || true`);
  onHost(`docker network ls -q --filter label=com.docker.compose.project=${app} | xargs -r docker network rm >/dev/null 2>&1 || true`);
}

/** GET a URL on the host's loopback and return status and body (or status 0 when nothing answers). */
export async function httpGet(url: string): Promise<{ status: number; body: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return { status: response.status, body: await response.text() };
  } catch {
    return { status: 0, body: '' };
  }
}

/** Polls a sample webhook bot's /health until it reports `version` (20 s at most); returns the last body. */
export async function waitForVersion(port: number, version: string): Promise<string> {
  const until = Date.now() + 20_000;
  let body = '';
  while (Date.now() < until) {
    body = (await httpGet(`http://127.0.0.1:${port}/health`)).body;
    if (body.includes(`"version":"${version}"`)) return body;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return body;
}

/** ssh-deploy inputs for one of the lab's sample bots, logging in to the lab's private registry. */
export function sampleBotInputs(sample: 'webhook' | 'polling', app: string, appDir: string): Record<string, string> {
  return {
    app,
    'app-dir': appDir,
    image: lab.images[sample],
    'compose-file': join(lab.samples[sample], 'compose.yml'),
    registry: lab.registry.address,
    'registry-username': lab.registry.username,
    'registry-password': lab.registry.password,
  };
}

/**
 * A deploy whose `pre-deploy: echo migrating; exit 7` failed: the exact exit code is reported, the
 * command's output is in the log, and `running` is still current and answering on `port`.
 */
export async function expectPreDeployFailureKeeps(run: { code: number; log: string }, appDir: string, port: number, running: string): Promise<void> {
  expect(run.code).toBe(1);
  expect(run.log).toContain('migrating');
  expect(run.log).toMatch(/::error::The pre-deploy command failed on 127\.0\.0\.1 with exit code 7; its output is above\.$/m);
  expect(readlinkSync(`${appDir}/current`)).toBe(`releases/${running}`);
  expect(await waitForVersion(port, running)).toContain(`"version":"${running}"`);
}

/** A webhook switch's inputs on the lab: the two colors' ports, the upstream file the suite owns, and the nginx commands deploy may run with sudo. */
export function labNginxInputs(ports: { blue: number; green: number }, upstreamFile: string): Record<string, string> {
  return {
    'blue-port': String(ports.blue),
    'green-port': String(ports.green),
    'nginx-upstream-file': upstreamFile,
    'nginx-test-command': lab.nginx.testCommand,
    'nginx-reload-command': lab.nginx.reloadCommand,
  };
}
