import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { upstreamConf } from '../../src/host/nginx-commands.js';
import { RecordingLog } from '../../src/log/recording-log.js';
import { connectSsh } from '../../src/ssh/connect.js';
import type { SshSession } from '../../src/ssh/types.js';
import { CloudConfigSandbox } from '../support/cloud-config-sandbox.js';
import { readCloudConfig, substitute, type CloudConfig } from '../support/cloud-config.js';
import { freePort, httpGet } from '../support/lab-host.js';

/**
 * droplet/cloud-init.yaml, applied on this machine and then used the way the suite uses a droplet:
 * logging in with the deploy key, writing the upstream file over SFTP, sudo for nginx, Docker.
 * The lab's own deploy user, sshd, nginx and this machine's firewall are never touched: the
 * substitutions below (a throwaway user, sandbox paths, a test key) and CloudConfigSandbox (runcmd
 * in its own network namespace) are the only differences from a droplet's first boot.
 */
const repo = new URL('../..', import.meta.url).pathname;
const file = join(repo, 'droplet/cloud-init.yaml');
const placeholder = 'REPLACE_ME';
/** The app the file prepares a folder for (its runcmd's app list, to be edited by the user). */
const app = 'my-bot';

const tag = randomBytes(3).toString('hex');
const user = `cloudinit-deploy-${tag}`;
const root = mkdtempSync(join(tmpdir(), 'cloud-init-'));
const sandboxDir = join(root, 'sandbox');
const sudoersPath = `/etc/sudoers.d/bot-deploy-test-${tag}`;
const sshdConfig = join(sandboxDir, 'sshd_config');
const nginxConf = join(sandboxDir, 'nginx.conf');
const nginxPrefix = join(sandboxDir, 'nginx');
const upstreamDir = join(root, 'etc/nginx/bot-deploy');

const sandbox = new CloudConfigSandbox({ root, sudoersPath, netns: `cloudinit-${tag}`, clientNetns: `cloudinit-${tag}-client`, sshdConfig });

const sh = (command: string, args: readonly string[]) => spawnSync(command, args, { encoding: 'utf8' });
const nginx = (...args: string[]) => sh('/usr/sbin/nginx', ['-p', `${nginxPrefix}/`, '-e', join(nginxPrefix, 'error.log'), '-c', nginxConf, ...args]);
const shadowHash = (): string => execFileSync('getent', ['shadow', user], { encoding: 'utf8' }).split(':')[1] ?? '';
const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
/**
 * Stops the sandbox's nginx or sshd by its pid file, and only a process whose command line names
 * the sandbox. `nginx -t` leaves an empty pid file, and process.kill(0) would signal this whole
 * process group (jest and whatever started it).
 */
function stopSandboxDaemon(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const text = readFileSync(pidFile, 'utf8').trim();
  if (!/^[1-9]\d*$/.test(text)) return;
  const pid = Number(text);
  const cmdline = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
  if (pid > 1 && cmdline.includes(root)) process.kill(pid, 'SIGTERM');
}

/** Host files ufw would change if it ever ran outside the sandbox. */
const hostFirewallFiles = ['/etc/ufw/ufw.conf', '/etc/ufw/user.rules', '/etc/ufw/user6.rules', '/etc/default/ufw'];

describe('droplet/cloud-init.yaml applied in a sandbox', () => {
  let original: CloudConfig;
  let applied: CloudConfig;
  let session: SshSession | undefined;
  let backend: Server | undefined;
  let listener: ChildProcess | undefined;
  let firewallHostBefore: string[];
  let nginxBeforeFolder: ReturnType<typeof sh>;
  let hashAfterUsers = '';
  let addresses: { server: string; client: string };
  let sshPort = 0;
  let nginxPort = 0;
  let backendPort = 0;

  beforeAll(async () => {
    firewallHostBefore = hostFirewallFiles.map(sha);
    chmodSync(root, 0o755); // the user walks to the upstream folder and app dir, as on a droplet
    mkdirSync(join(sandboxDir, 'keys'), { recursive: true });
    mkdirSync(join(nginxPrefix, 'tmp'), { recursive: true });
    for (const name of ['host', 'client']) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${name}@cloud-init-test`, '-f', join(sandboxDir, 'keys', name)]);

    original = readCloudConfig(file);
    applied = substitute(original, {
      user: { from: 'deploy', to: user },
      paths: { '/etc/nginx': join(root, 'etc/nginx'), '/etc/ssh': join(root, 'etc/ssh'), '/opt': join(root, 'opt'), '/etc/sudoers.d/bot-deploy': sudoersPath },
      key: { placeholder, to: readFileSync(join(sandboxDir, 'keys/client.pub'), 'utf8').trim() },
    });

    sshPort = await freePort();
    writeFileSync(sshdConfig, [
      "# Stands in for Ubuntu 24.04's /etc/ssh/sshd_config, whose first line includes the drop-ins.",
      `Include ${join(root, 'etc/ssh/sshd_config.d')}/*.conf`,
      '# Values read later lose to the drop-in: these would let passwords and root in.',
      'PermitRootLogin yes',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication yes',
      "# Stricter than Ubuntu's UsePAM yes: without PAM, sshd refuses a '!'-locked account even for a key.",
      'UsePAM no',
      'Subsystem sftp /usr/lib/openssh/sftp-server',
      'ListenAddress 127.0.0.1',
      `Port ${sshPort}`,
      `HostKey ${join(sandboxDir, 'keys/host')}`,
      `PidFile ${join(sandboxDir, 'sshd.pid')}`,
      '',
    ].join('\n'));

    nginxPort = await freePort();
    const temp = (kind: string) => `${kind}_temp_path ${join(nginxPrefix, 'tmp', kind)};`;
    writeFileSync(nginxConf, [
      `pid ${join(nginxPrefix, 'nginx.pid')};`,
      'events { worker_connections 64; }',
      'http {',
      '  access_log off;',
      `  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join(' ')}`,
      "  # As Ubuntu's nginx.conf does inside http {}:",
      `  include ${join(root, 'etc/nginx/conf.d')}/*.conf;`,
      `  include ${join(root, 'etc/nginx/sites-enabled')}/*;`,
      '}',
      '',
    ].join('\n'));

    // cloud-init's order on first boot: write_files, users, (packages), runcmd.
    sandbox.writeFiles(applied.write_files);
    nginxBeforeFolder = nginx('-t');
    sandbox.createUsers(applied.users);
    hashAfterUsers = shadowHash();
    addresses = sandbox.wireClient();
    const run = sandbox.runcmd(applied.runcmd);
    if (run.status !== 0) throw new Error(`runcmd failed (${run.status ?? run.signal}):\n${run.stdout}\n${run.stderr}`);

    execFileSync('/usr/sbin/sshd', ['-f', sshdConfig]);
    session = await connectSsh({
      host: '127.0.0.1',
      port: sshPort,
      username: user,
      privateKey: readFileSync(join(sandboxDir, 'keys/client'), 'utf8'),
      hostKeys: { kind: 'known-hosts', lines: [`[127.0.0.1]:${sshPort} ${readFileSync(join(sandboxDir, 'keys/host.pub'), 'utf8').split(' ').slice(0, 2).join(' ')}`] },
      connectTimeoutMs: 10_000,
      commandTimeoutMs: 60_000,
    }, new RecordingLog());

    backendPort = await freePort();
    const server = createServer((_request, response) => response.end(`answered by ${app}\n`));
    backend = server;
    await new Promise<void>((resolve) => server.listen(backendPort, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    const problems: string[] = [];
    await session?.close().catch((error: unknown) => problems.push(`ssh session: ${String(error)}`));
    backend?.close();
    listener?.kill();
    for (const pidFile of [join(nginxPrefix, 'nginx.pid'), join(sandboxDir, 'sshd.pid')]) {
      try {
        stopSandboxDaemon(pidFile);
      } catch (error) {
        problems.push(`stopping the process of ${pidFile}: ${String(error)}`);
      }
    }
    problems.push(...sandbox.cleanUp());
    if (problems.length > 0) throw new Error(`cleaning up left things behind:\n${problems.join('\n')}`);
  });

  const as = async (command: string) => {
    if (!session) throw new Error('no SSH session as the deploy user');
    return session.exec(command, { stream: false });
  };

  it('installs Docker with compose v2, nginx and ufw from Ubuntu\'s archive, with no script piped to a shell', () => {
    expect(original.package_update).toBe(true);
    expect(original.packages).toEqual(expect.arrayContaining(['docker.io', 'docker-compose-v2', 'nginx', 'ufw']));
    const commands = [...original.runcmd, ...original.write_files.map((entry) => entry.content)].join('\n');
    expect(commands).not.toMatch(/curl|wget|apt-key|add-apt-repository|apt\.sources|sources\.list/);
  });

  it('asks for the deploy key through a marked placeholder', () => {
    const keys = original.users.find((entry) => entry.name === 'deploy')?.ssh_authorized_keys ?? [];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toContain(placeholder);
    expect(readFileSync(file, 'utf8').match(new RegExp(placeholder, 'g'))?.length).toBeGreaterThanOrEqual(2);
  });

  it('makes the deploy user with key login only: no password can match, yet sshd without PAM lets the key in', async () => {
    expect(hashAfterUsers.startsWith('!')).toBe(true); // what lock_passwd leaves
    expect(shadowHash()).toBe('*');
    const whoami = await as('id -un');
    expect(whoami.stdout.trim()).toBe(user);
  });

  it('puts the deploy user in the docker group, so it reaches the Docker daemon', async () => {
    expect((await as('id -Gn')).stdout.trim().split(' ')).toContain('docker');
    const docker = await as("docker version --format '{{.Server.Version}}'");
    expect(docker.code).toBe(0);
    expect(docker.stdout.trim()).toMatch(/^\d+\./);
  });

  it('hardens sshd with a drop-in that wins over later values: no root, no passwords', () => {
    expect(sh('/usr/sbin/sshd', ['-t', '-f', sshdConfig]).status).toBe(0);
    const effective = execFileSync('/usr/sbin/sshd', ['-T', '-f', sshdConfig], { encoding: 'utf8' }).split('\n');
    expect(effective).toEqual(expect.arrayContaining([
      'permitrootlogin no',
      'passwordauthentication no',
      'kbdinteractiveauthentication no',
      'permitemptypasswords no',
    ]));
    expect(effective.find((line) => line.startsWith('subsystem '))).toMatch(/sftp/);
  });

  it('checks sshd before asking systemd to reload it', () => {
    expect(readFileSync(sandbox.systemctlLog, 'utf8').trim().split('\n')).toEqual(['try-reload-or-restart ssh.service']);
    expect(applied.runcmd.indexOf('sshd -t')).toBeLessThan(applied.runcmd.findIndex((line) => line.startsWith('systemctl')));
  });

  it('gives sudo for exactly `nginx -t` and `nginx -s reload` (the actions\' defaults), in a valid 0440 sudoers file', async () => {
    expect(sh('visudo', ['-c', '-f', sudoersPath]).status).toBe(0);
    const stat = statSync(sudoersPath);
    expect([stat.mode & 0o777, stat.uid, stat.gid]).toEqual([0o440, 0, 0]);

    const test = await as('sudo -n nginx -t');
    expect(test.stderr).toContain('configuration file /etc/nginx/nginx.conf');
    expect(test.stderr).not.toMatch(/password is required|not allowed/);
    const reload = await as('sudo -n -l nginx -s reload');
    expect([reload.code, reload.stdout.trim()]).toEqual([0, '/usr/sbin/nginx -s reload']);

    for (const refused of ['nginx -s stop', 'nginx -t -c /etc/shadow', 'nginx -T', 'id']) {
      const listed = await as(`sudo -n -l ${refused}`);
      expect({ refused, code: listed.code }).toEqual({ refused, code: 1 });
    }
    const id = await as('sudo -n id -u');
    expect(id.code).not.toBe(0);
    expect(id.stdout).toBe('');
  });

  it('keeps nginx valid with no app yet, before and after the upstream folder exists', () => {
    expect(nginxBeforeFolder.stderr).toContain('test is successful');
    expect(nginx('-t').stderr).toContain('test is successful');
  });

  it('lets the deploy user write the upstream file over SFTP; nginx sends the app\'s traffic through it', async () => {
    const dir = statSync(upstreamDir);
    expect([dir.mode & 0o777, dir.uid]).toEqual([0o755, Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }))]);
    expect(nginx().status).toBe(0); // starts the sandbox nginx

    if (!session) throw new Error('no SSH session');
    await session.writeFile(join(upstreamDir, `${app}.conf`), upstreamConf(app, backendPort), 0o644);
    mkdirSync(join(root, 'etc/nginx/sites-enabled'), { recursive: true });
    writeFileSync(join(root, 'etc/nginx/sites-enabled', app), `server {\n  listen 127.0.0.1:${nginxPort};\n  location / { proxy_pass http://${app}; proxy_http_version 1.1; proxy_set_header Connection ""; }\n}\n`);
    expect(nginx('-t').stderr).toContain('test is successful');
    expect(nginx('-s', 'reload').status).toBe(0);

    let answer = { status: 0, body: '' };
    for (let tries = 0; tries < 50 && answer.status !== 200; tries++) {
      answer = await httpGet(`http://127.0.0.1:${nginxPort}/`);
      if (answer.status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(answer).toEqual({ status: 200, body: `answered by ${app}\n` });
  });

  it('fails nginx -t on a broken upstream file and ignores a half-written one', async () => {
    if (!session) throw new Error('no SSH session');
    const path = join(upstreamDir, `${app}.conf`);
    await session.writeFile(`${path}.tmp-abc123`, 'this is not nginx', 0o644);
    expect(nginx('-t').status).toBe(0);
    await session.writeFile(path, `upstream ${app} { server 127.0.0.1:${backendPort} }\n`, 0o644);
    const broken = nginx('-t');
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toContain(path);
    await session.writeFile(path, upstreamConf(app, backendPort), 0o644);
    expect(nginx('-t').status).toBe(0);
  });

  it('prepares the app folder at the suite\'s default app-dir, owned by the deploy user', async () => {
    const appDir = join(root, 'opt', app);
    expect(statSync(appDir).uid).toBe(Number(execFileSync('id', ['-u', user], { encoding: 'utf8' })));
    const made = await as(`mkdir -p '${appDir}/releases/v1' && echo made`);
    expect(made.stdout.trim()).toBe('made');
  });

  it('lets only SSH, HTTP and HTTPS in, over IPv4 and IPv6', async () => {
    const rules = sandbox.inNetns('iptables-save', []);
    expect(rules).toMatch(/^:INPUT DROP/m);
    const allowed = (text: string, chain: string) =>
      [...text.matchAll(new RegExp(`^-A ${chain} -p tcp -m tcp --dport (\\d+) -j ACCEPT$`, 'gm'))].map((match) => Number(match[1]));
    expect(allowed(rules, 'ufw-user-input').sort((a, b) => a - b)).toEqual([22, 80, 443]);
    const rules6 = sandbox.inNetns('ip6tables-save', []);
    expect(rules6).toMatch(/^:INPUT DROP/m);
    expect(allowed(rules6, 'ufw6-user-input').sort((a, b) => a - b)).toEqual([22, 80, 443]);

    // Knock from the client namespace on ports that all have a listener: only three answer.
    const ports = [22, 80, 443, 5432, 8081];
    const child = spawn('ip', ['netns', 'exec', `cloudinit-${tag}`, process.execPath, '-e',
      `const net = require('node:net'); let n = 0; for (const p of ${JSON.stringify(ports)}) net.createServer((s) => s.end('open')).listen(p, '${addresses.server}', () => { if (++n === ${ports.length}) console.log('ready'); });`]);
    listener = child;
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (data: Buffer) => { if (data.toString().includes('ready')) resolve(); });
      child.on('exit', (code) => reject(new Error(`the listener in the sandbox namespace exited (${code})`)));
    });
    const probe = execFileSync('ip', ['netns', 'exec', `cloudinit-${tag}-client`, process.execPath, '-e',
      `const net = require('node:net'); const out = {}; let left = ${ports.length};
       for (const p of ${JSON.stringify(ports)}) {
         const s = net.connect({ host: '${addresses.server}', port: p });
         const done = (what) => { if (out[p]) return; out[p] = what; s.destroy(); if (--left === 0) console.log(JSON.stringify(out)); };
         s.setTimeout(2000, () => done('dropped')); s.on('data', () => done('open')); s.on('error', (e) => done(e.code));
       }`], { encoding: 'utf8' });
    expect(JSON.parse(probe)).toEqual({ 22: 'open', 80: 'open', 443: 'open', 5432: 'dropped', 8081: 'dropped' });
  });

  it('never touched this machine\'s own firewall settings', () => {
    expect(hostFirewallFiles.map(sha)).toEqual(firewallHostBefore);
  });
});
