import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lab, labKnownHosts, readLabFile } from './lab.js';

/** Checks that the droplet lab (lab/up.sh, started by the jest globalSetup) is what lab.ts says. */

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      { env: options.env ?? process.env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
    // An open stdin would keep ssh forwarding it until the remote command ends on its own. A command
    // that exits before reading it closes the pipe: that EPIPE is not the test's verdict, the exit code is.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}

async function runOk(file: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const result = await run(file, args, options);
  if (result.code !== 0) {
    throw new Error(`${file} ${args.join(' ')} exited ${result.code}: ${result.stderr || result.stdout}`);
  }
  return result.stdout;
}

let scratch: string;
let knownHostsFile: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'lab-test-'));
  knownHostsFile = join(scratch, 'known_hosts');
  writeFileSync(knownHostsFile, `${labKnownHosts()}\n`);
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function sshArgs(key: string, knownHosts: string, extra: string[], command: string, user: string = lab.user): string[] {
  return [
    '-F', '/dev/null',
    '-i', key,
    '-o', 'IdentitiesOnly=yes',
    '-o', `UserKnownHostsFile=${knownHosts}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'ConnectTimeout=10',
    '-p', String(lab.sshPort),
    ...extra,
    `${user}@${lab.host}`,
    command,
  ];
}

function sshAsDeploy(
  command: string,
  options: { key?: string; input?: string; extra?: string[]; user?: string } = {},
): Promise<RunResult> {
  const args = sshArgs(options.key ?? lab.keys.ed25519, knownHostsFile, ['-o', 'BatchMode=yes', ...(options.extra ?? [])], command, options.user);
  return run('ssh', args, options.input === undefined ? {} : { input: options.input });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, lab.host, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface HttpAnswer {
  status: number;
  body: string;
}

async function get(url: string, init: RequestInit = {}): Promise<HttpAnswer> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: await response.text() };
}

/** Polls `url` until it answers with `status`; a bot needs a moment before it listens. */
async function waitForStatus(url: string, status: number, timeoutMs = 15_000): Promise<HttpAnswer> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const answer = await get(url);
      if (answer.status === status) return answer;
      last = `${answer.status} ${answer.body}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms (last: ${last})`);
}

/** Runs a sample image detached with the lab's test label, so lab/down.sh cleans up after a crash. */
async function startContainer(image: string, dockerArgs: string[] = []): Promise<string> {
  const out = await runOk('docker', ['run', '-d', '--label', `${lab.containerLabel}=lab-test`, ...dockerArgs, image]);
  return out.trim();
}

async function removeContainer(id: string): Promise<void> {
  await run('docker', ['rm', '-f', id]);
}

async function stopAndMeasure(id: string): Promise<{ exitCode: number; ms: number; logs: string }> {
  const started = Date.now();
  await runOk('docker', ['stop', '-t', '10', id]);
  const ms = Date.now() - started;
  const exitCode = Number((await runOk('docker', ['inspect', '-f', '{{.State.ExitCode}}', id])).trim());
  const logs = await run('docker', ['logs', id]);
  return { exitCode, ms, logs: logs.stdout + logs.stderr };
}

describe('lab sshd and the deploy user', () => {
  test.each([
    ['ed25519', lab.keys.ed25519],
    ['rsa', lab.keys.rsa],
    ['ecdsa', lab.keys.ecdsa],
    ['rsa (PEM)', lab.keys.rsaPem],
  ])('the %s key logs in as deploy, who is in the docker group', async (_name, key) => {
    const result = await sshAsDeploy('id', { key });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^uid=\d+\(deploy\)/);
    expect(result.stdout).toMatch(/groups=.*\(docker\)/);
  });

  test('the encrypted key logs in with its passphrase', async () => {
    const askpass = join(scratch, 'askpass');
    writeFileSync(askpass, `#!/bin/sh\nprintf '%s\\n' '${lab.keys.passphrase}'\n`);
    chmodSync(askpass, 0o700);
    // BatchMode would forbid asking for the passphrase at all; askpass answers instead of a person.
    const env = { ...process.env, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force' };
    const result = await run('ssh', sshArgs(lab.keys.encrypted, knownHostsFile, [], 'id -un'), { env });
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('deploy');

    const wrong = await run('ssh-keygen', ['-y', '-P', 'not the passphrase', '-f', lab.keys.encrypted]);
    expect(wrong.code).not.toBe(0);
  });

  test('a key that is not authorised is refused', async () => {
    const result = await sshAsDeploy('id', { key: lab.keys.stranger });
    expect(result.code).toBe(255);
    expect(result.stderr).toMatch(/Permission denied \(publickey\)/);
  });

  test.each([
    ['ssh-ed25519', lab.hostKeys.ed25519],
    ['rsa-sha2-512', lab.hostKeys.rsa],
  ])('sshd presents the %s host key listed in lab.ts', async (algorithm, pubPath) => {
    const onlyThisKey = join(scratch, `known_hosts_${algorithm}`);
    const [type, key] = readLabFile(pubPath).trim().split(/\s+/);
    writeFileSync(onlyThisKey, `[${lab.host}]:${lab.sshPort} ${type} ${key}\n`);
    const args = sshArgs(lab.keys.ed25519, onlyThisKey, ['-o', 'BatchMode=yes', '-o', `HostKeyAlgorithms=${algorithm}`], 'true');
    expect((await run('ssh', args)).code).toBe(0);
  });

  test('a host key that does not match is rejected under StrictHostKeyChecking', async () => {
    const impostor = join(scratch, 'known_hosts_impostor');
    const [type, key] = readLabFile(`${lab.keys.stranger}.pub`).trim().split(/\s+/);
    writeFileSync(impostor, `[${lab.host}]:${lab.sshPort} ${type} ${key}\n`);
    const args = sshArgs(lab.keys.ed25519, impostor, ['-o', 'BatchMode=yes', '-o', 'HostKeyAlgorithms=ssh-ed25519'], 'true');
    const result = await run('ssh', args);
    expect(result.code).toBe(255);
    expect(result.stderr).toMatch(/Host key verification failed/);
  });

  test('TCP forwarding through the connection reaches loopback ports on the host', async () => {
    // -W opens the same direct-tcpip channel that via-ssh health checks use.
    const result = await sshAsDeploy('', {
      extra: ['-W', `${lab.host}:${lab.nginx.port}`],
      input: 'GET /lab-nginx HTTP/1.0\r\nHost: lab-nginx\r\n\r\n',
    });
    expect(result.stdout).toMatch(/^HTTP\/1\.1 200/);
    expect(result.stdout).toContain('lab nginx');
  });

  test('deploy may run the lab nginx test and reload with sudo, and nothing else', async () => {
    const check = await sshAsDeploy(lab.nginx.testCommand);
    expect(check.code).toBe(0);
    expect(check.stderr).toMatch(/test is successful/);
    expect((await sshAsDeploy(lab.nginx.reloadCommand)).code).toBe(0);

    for (const forbidden of ['sudo -n id', 'sudo -n /usr/sbin/nginx -t', 'sudo -n /usr/sbin/nginx -s stop -c ' + lab.nginx.conf]) {
      const result = await sshAsDeploy(forbidden);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/a password is required/);
    }
  });

  test('deploy can write its app root and the nginx upstream dir, but not /opt', async () => {
    const probe = (path: string): string => `test -w ${path} && echo writable || echo read-only`;
    const result = await sshAsDeploy([probe(lab.appRoot), probe(lab.nginx.upstreamDir), probe('/opt')].join('; '));
    expect(result.stdout.trim().split('\n')).toEqual(['writable', 'writable', 'read-only']);
  });

  test('deploy has docker and compose v2', async () => {
    const compose = await sshAsDeploy('docker compose version');
    expect(compose.code).toBe(0);
    expect(compose.stdout).toMatch(/Docker Compose version v?2\./);
    expect((await sshAsDeploy('docker ps -q')).code).toBe(0);
  });
});

describe('lab compose v1 account (deploy-v1)', () => {
  const asV1 = (command: string, key: string = lab.keys.ed25519): Promise<RunResult> =>
    sshAsDeploy(command, { key, user: lab.userV1 });

  test('the ed25519 key logs in as deploy-v1, who is in the docker group; other lab keys are refused', async () => {
    const result = await asV1('id');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^uid=\\d+\\(${lab.userV1}\\)`));
    expect(result.stdout).toMatch(/groups=.*\(docker\)/);
    expect((await asV1('docker ps -q')).code).toBe(0);

    const rsa = await asV1('id', lab.keys.rsa);
    expect(rsa.code).toBe(255);
    expect(rsa.stderr).toMatch(/Permission denied \(publickey\)/);
  });

  test('deploy-v1 has docker-compose 1.29 under Debian python, and `docker compose` fails', async () => {
    const v1 = await asV1('command -v docker-compose && docker-compose version');
    expect(v1.code).toBe(0);
    expect(v1.stdout).toContain(`${lab.composeV1Dir}/bin/docker-compose`);
    expect(v1.stdout).toMatch(/^docker-compose version 1\.29\.\d+/m);
    expect(v1.stdout).toMatch(/^CPython version: 3\./m);

    const v2 = await asV1('docker compose version');
    expect(v2.code).toBe(1);
    expect(v2.stdout).toBe('');
    expect(v2.stderr).toContain("docker: 'compose' is not a docker command.");
    // Also inside a nested sh, which is how the suite runs its scripts.
    expect((await asV1("sh -c 'docker compose version'")).code).toBe(1);
  });

  test('deploy-v1 can write its app root, but not /opt and not deploy\'s app root', async () => {
    const probe = (path: string): string => `test -w ${path} && echo writable || echo read-only`;
    const result = await asV1([probe(lab.appRootV1), probe('/opt'), probe(lab.appRoot)].join('; '));
    expect(result.stdout.trim().split('\n')).toEqual(['writable', 'read-only', 'read-only']);
  });
});

describe('lab registry', () => {
  const v2 = `http://${lab.registry.address}/v2/`;
  const basic = `Basic ${Buffer.from(`${lab.registry.username}:${lab.registry.password}`).toString('base64')}`;

  test('refuses anonymous requests and accepts the lab credentials', async () => {
    const anonymous = await fetch(v2);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect((await get(v2, { headers: { authorization: basic } })).status).toBe(200);
    const wrong = Buffer.from(`${lab.registry.username}:wrong`).toString('base64');
    expect((await get(v2, { headers: { authorization: `Basic ${wrong}` } })).status).toBe(401);
  });

  test.each([lab.images.webhook, lab.images.polling])('holds %s as v1, v2 and broken', async (image) => {
    const repository = image.slice(lab.registry.address.length + 1);
    const answer = await get(`${v2}${repository}/tags/list`, { headers: { authorization: basic } });
    expect(answer.status).toBe(200);
    const tags = (JSON.parse(answer.body) as { tags: string[] }).tags;
    expect(tags).toEqual(expect.arrayContaining(['v1', 'v2', 'broken']));
  });

  test('deploy cannot pull without logging in, and can after docker login', async () => {
    // A throwaway DOCKER_CONFIG keeps deploy logged out for the suite's own registry tests.
    const withFreshConfig = (command: string): string =>
      `export DOCKER_CONFIG=$(mktemp -d); trap 'rm -rf "$DOCKER_CONFIG"' EXIT; ${command}`;
    const image = `${lab.images.webhook}:v1`;

    const anonymous = await sshAsDeploy(withFreshConfig(`docker pull -q ${image}`));
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toMatch(/no basic auth credentials|unauthorized/i);

    const login = `docker login -u ${lab.registry.username} --password-stdin ${lab.registry.address} >/dev/null 2>&1`;
    const authorised = await sshAsDeploy(withFreshConfig(`${login} && docker pull -q ${image}`), {
      input: lab.registry.password,
    });
    expect(authorised.stderr).toBe('');
    expect(authorised.stdout.trim()).toBe(image);
  });
});

describe('lab sample images', () => {
  test('webhook-bot:v1 serves /health and /webhook, takes traffic through nginx, and stops on SIGTERM', async () => {
    const port = await freePort();
    const id = await startContainer(`${lab.images.webhook}:v1`, ['-p', `${lab.host}:${port}:8080`]);
    const upstreamFile = join(lab.nginx.upstreamDir, 'lab-check.conf');
    const siteFile = join(lab.nginx.sitesDir, 'lab-check.conf');
    try {
      const health = await waitForStatus(`http://${lab.host}:${port}/health`, 200);
      expect(health.body).toBe('{"status":"healthy","version":"v1"}');
      const webhook = await get(`http://${lab.host}:${port}/webhook`, { method: 'POST', body: '{"update_id":1}' });
      expect(webhook).toEqual({ status: 200, body: 'ok' });
      expect((await get(`http://${lab.host}:${port}/health/`)).status).toBe(404);

      // The blue-green path: deploy writes the upstream, the site proxies to it, deploy reloads.
      const sitePort = await freePort();
      const write = await sshAsDeploy(`cat > ${upstreamFile}`, { input: `upstream lab-check { server ${lab.host}:${port}; }\n` });
      expect(write.code).toBe(0);
      writeFileSync(siteFile, `server { listen ${lab.host}:${sitePort}; location / { proxy_pass http://lab-check; } }\n`);
      expect((await sshAsDeploy(`${lab.nginx.testCommand} && ${lab.nginx.reloadCommand}`)).code).toBe(0);
      const proxied = await waitForStatus(`http://${lab.host}:${sitePort}/health`, 200);
      expect(proxied.body).toBe('{"status":"healthy","version":"v1"}');

      const stop = await stopAndMeasure(id);
      expect(stop.exitCode).toBe(0);
      expect(stop.ms).toBeLessThan(3_000);
      expect(stop.logs).toContain('update received');
      expect(stop.logs).toContain('webhook-bot v1 stopping');
    } finally {
      rmSync(upstreamFile, { force: true });
      rmSync(siteFile, { force: true });
      await run('nginx', ['-s', 'reload', '-c', lab.nginx.conf]);
      await removeContainer(id);
    }
  });

  test('webhook-bot:v2 reports v2', async () => {
    const port = await freePort();
    const id = await startContainer(`${lab.images.webhook}:v2`, ['-p', `${lab.host}:${port}:8080`]);
    try {
      expect((await waitForStatus(`http://${lab.host}:${port}/health`, 200)).body).toBe('{"status":"healthy","version":"v2"}');
    } finally {
      await removeContainer(id);
    }
  });

  test('webhook-bot:broken runs but never becomes healthy', async () => {
    const port = await freePort();
    const id = await startContainer(`${lab.images.webhook}:broken`, ['-p', `${lab.host}:${port}:8080`]);
    try {
      const health = await waitForStatus(`http://${lab.host}:${port}/health`, 503);
      expect(health.body).toBe('{"status":"starting"}');
      expect((await runOk('docker', ['inspect', '-f', '{{.State.Running}}', id])).trim()).toBe('true');
    } finally {
      await removeContainer(id);
    }
  });

  test('polling-bot:v1 beats every second with its version and stops on SIGTERM', async () => {
    const id = await startContainer(`${lab.images.polling}:v1`);
    try {
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      const stop = await stopAndMeasure(id);
      expect(stop.logs).toMatch(/polling-bot v1 heartbeat 2/);
      expect(stop.logs).toContain('polling-bot v1 stopping');
      expect(stop.exitCode).toBe(0);
      expect(stop.ms).toBeLessThan(3_000);
    } finally {
      await removeContainer(id);
    }
  });

  test('polling-bot:broken exits 1 at once', async () => {
    const result = await run('docker', ['run', '--rm', '--label', `${lab.containerLabel}=lab-test`, `${lab.images.polling}:broken`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot start');
  });

  test('the webhook sample compose project comes up healthy on HOST_PORT', async () => {
    const port = await freePort();
    const project = 'lab-check-webhook';
    const env = { ...process.env, IMAGE: `${lab.images.webhook}:v2`, VERSION: 'v2', HOST_PORT: String(port), BOT_TOKEN: '1:lab' };
    const compose = ['compose', '-p', project, '-f', join(lab.samples.webhook, 'compose.yml')];
    try {
      // --wait returns once the compose healthcheck (busybox wget on /health) passes.
      await runOk('docker', [...compose, 'up', '-d', '--wait'], { env });
      expect((await get(`http://${lab.host}:${port}/health`)).body).toBe('{"status":"healthy","version":"v2"}');
      const environment = await runOk('docker', [...compose, 'exec', '-T', 'bot', 'env'], { env });
      expect(environment).toMatch(/^BOT_TOKEN=1:lab$/m);
      expect(environment).toMatch(/^VERSION=v2$/m);
    } finally {
      await run('docker', [...compose, 'down', '-t', '10'], { env });
    }
  });

  test('the polling sample compose project runs the polling bot', async () => {
    const project = 'lab-check-polling';
    const env = { ...process.env, IMAGE: `${lab.images.polling}:v2`, VERSION: 'v2', BOT_TOKEN: '1:lab' };
    const compose = ['compose', '-p', project, '-f', join(lab.samples.polling, 'compose.yml')];
    try {
      await runOk('docker', [...compose, 'up', '-d'], { env });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await runOk('docker', [...compose, 'logs', 'bot'], { env })).toMatch(/polling-bot v2 heartbeat/);
    } finally {
      await run('docker', [...compose, 'down', '-t', '10'], { env });
    }
  });

  test.each([lab.samples.webhook, lab.samples.polling])('%s has an .env.example with BOT_TOKEN', (dir) => {
    expect(readFileSync(join(dir, '.env.example'), 'utf8')).toMatch(/^BOT_TOKEN=/m);
  });
});

describe('lab PostgreSQL and S3', () => {
  const psql = (password: string, sql: string): Promise<RunResult> =>
    run('psql', ['-h', lab.host, '-p', String(lab.postgres.port), '-U', lab.postgres.user, '-d', 'postgres', '-tAc', sql], {
      env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '5' },
    });

  test('PostgreSQL 15 answers on its port with the lab password, and only on loopback', async () => {
    const version = await psql(lab.postgres.password, 'show server_version_num');
    expect(version.code).toBe(0);
    expect(Math.floor(Number(version.stdout.trim()) / 10_000)).toBe(15);
    expect((await psql(lab.postgres.password, 'show listen_addresses')).stdout.trim()).toBe(lab.host);

    const wrong = await psql('wrong', 'select 1');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/password authentication failed/);
  });

  test('moto answers signed S3 requests: bucket, multipart upload, download, delete', async () => {
    // Debian's boto3 (a moto dependency) signs like any SDK does; moto denies anonymous reads.
    const script = `
import boto3, sys
s3 = boto3.client('s3', endpoint_url=sys.argv[1], aws_access_key_id=sys.argv[2],
                  aws_secret_access_key=sys.argv[3], region_name='us-east-1')
bucket = sys.argv[4]
s3.create_bucket(Bucket=bucket)
part = b'x' * (5 * 1024 * 1024)
upload = s3.create_multipart_upload(Bucket=bucket, Key='dump.gz')
etags = [s3.upload_part(Bucket=bucket, Key='dump.gz', UploadId=upload['UploadId'], PartNumber=n, Body=part)['ETag']
         for n in (1, 2)]
s3.complete_multipart_upload(Bucket=bucket, Key='dump.gz', UploadId=upload['UploadId'],
    MultipartUpload={'Parts': [{'ETag': e, 'PartNumber': n} for n, e in zip((1, 2), etags)]})
print(len(s3.get_object(Bucket=bucket, Key='dump.gz')['Body'].read()))
s3.delete_object(Bucket=bucket, Key='dump.gz')
s3.delete_bucket(Bucket=bucket)
`;
    const bucket = `lab-check-${process.pid}`;
    const out = await runOk('/usr/bin/python3', ['-c', script, lab.s3.endpoint, lab.s3.accessKeyId, lab.s3.secretAccessKey, bucket]);
    expect(out.trim()).toBe(String(10 * 1024 * 1024));
  });
});
