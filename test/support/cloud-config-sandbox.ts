import { randomBytes } from 'node:crypto';
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CloudFile, CloudUser } from './cloud-config.js';

/** What cloud-init gives runcmd on Ubuntu: root's PATH. */
const ROOT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface SandboxOptions {
  /** A fresh folder: files mapped by the substitutions, the sandbox's own /etc/ufw and /run, wrappers. */
  root: string;
  /** The only path outside `root` a write_files entry may have (a uniquely named sudoers drop-in). */
  sudoersPath: string;
  /** The network namespace runcmd runs in (created here), so ufw never touches the host's firewall. */
  netns: string;
  /** A second namespace (created by wireClient) that reaches `netns` over a veth pair, as the internet would. */
  clientNetns: string;
  /** sshd_config for `sshd` in runcmd: the sandbox stands in for the droplet's /etc/ssh/sshd_config. */
  sshdConfig: string;
}

/**
 * Applies a (substituted) cloud-config on this machine in cloud-init's order: write_files, users,
 * runcmd (packages are Ubuntu's; this machine has Debian's docker.io, nginx and ufw from
 * lab/install.sh). What it adds to the file's own commands, and why:
 * - write_files may only land under `root` or at `sudoersPath`; a sudoers file is checked with
 *   `visudo -cf` before it goes live, since a broken one would stop sudo for the whole machine.
 * - users are made the way cloud-init makes them (useradd, then `passwd -l` for lock_passwd).
 * - runcmd is cloud-init's script (`#!/bin/sh` and a line per entry) run inside a new network
 *   namespace and a private mount namespace where /etc/ufw and /etc/default/ufw are copies and /run
 *   is empty, with `systemctl` recording its arguments instead of talking to a systemd this
 *   machine has not got, and `sshd` reading `sshdConfig`.
 */
export class CloudConfigSandbox {
  readonly systemctlLog: string;
  private readonly bin: string;
  private readonly users: string[] = [];
  private readonly written: string[] = [];
  private netnsMade = false;
  private clientMade = false;

  constructor(private readonly options: SandboxOptions) {
    this.bin = join(options.root, 'sandbox/bin');
    this.systemctlLog = join(options.root, 'sandbox/systemctl.log');
  }

  writeFiles(files: readonly CloudFile[]): void {
    for (const file of files) this.writeFile(file);
  }

  createUsers(users: readonly CloudUser[]): void {
    for (const user of users) this.createUser(user);
  }

  /** Runs runcmd; returns the script's result (its output is the caller's to show on failure). */
  runcmd(lines: readonly string[]): SpawnSyncReturns<string> {
    const { root, netns, sshdConfig } = this.options;
    const sandbox = join(root, 'sandbox');
    mkdirSync(this.bin, { recursive: true });
    writeFileSync(join(this.bin, 'systemctl'), `#!/bin/sh\necho "$*" >> '${this.systemctlLog}'\n`, { mode: 0o755 });
    writeFileSync(join(this.bin, 'sshd'), `#!/bin/sh\nexec /usr/sbin/sshd -f '${sshdConfig}' "$@"\n`, { mode: 0o755 });
    cpSync('/etc/ufw', join(sandbox, 'etc-ufw'), { recursive: true });
    cpSync('/etc/default/ufw', join(sandbox, 'default-ufw'));
    mkdirSync(join(sandbox, 'run'), { recursive: true });
    const script = join(sandbox, 'runcmd.sh');
    writeFileSync(script, `#!/bin/sh\n${lines.join('\n')}\n`, { mode: 0o700 });
    this.ensureNetns();
    const enter = [
      `mount --bind '${sandbox}/etc-ufw' /etc/ufw`,
      `mount --bind '${sandbox}/default-ufw' /etc/default/ufw`,
      `mount --bind '${sandbox}/run' /run`,
      `exec env PATH='${this.bin}:${ROOT_PATH}' sh '${script}'`,
    ].join(' && ');
    return spawnSync('ip', ['netns', 'exec', netns, 'unshare', '--mount', '--propagation', 'private', 'sh', '-c', enter], { encoding: 'utf8', timeout: 120_000 });
  }

  /** Runs a command inside the sandbox's network namespace (to read its firewall). */
  inNetns(command: string, args: readonly string[]): string {
    return execFileSync('ip', ['netns', 'exec', this.options.netns, command, ...args], { encoding: 'utf8' });
  }

  /** Undoes everything, each step on its own so one failure does not leave the rest behind. */
  cleanUp(): string[] {
    const problems: string[] = [];
    const attempt = (what: string, step: () => void): void => {
      try {
        step();
      } catch (error) {
        problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    for (const user of this.users) {
      attempt(`userdel ${user}`, () => {
        waitForNoProcessOf(user);
        execFileSync('userdel', ['-r', user], { stdio: 'pipe' });
      });
    }
    for (const path of this.written) attempt(`rm ${path}`, () => rmSync(path, { force: true }));
    if (this.clientMade) attempt(`ip netns delete ${this.options.clientNetns}`, () => execFileSync('ip', ['netns', 'delete', this.options.clientNetns]));
    if (this.netnsMade) attempt(`ip netns delete ${this.options.netns}`, () => execFileSync('ip', ['netns', 'delete', this.options.netns]));
    attempt(`rm -r ${this.options.root}`, () => rmSync(this.options.root, { recursive: true, force: true }));
    return problems;
  }

  /**
   * Wires the client namespace to the sandbox's with a veth pair on TEST-NET-1 addresses (RFC 5737):
   * both ends live in the two namespaces, so no interface or route appears on the host.
   */
  wireClient(): { server: string; client: string } {
    const { netns, clientNetns } = this.options;
    this.ensureNetns();
    execFileSync('ip', ['netns', 'add', clientNetns]);
    this.clientMade = true;
    const [server, client] = ['192.0.2.2', '192.0.2.1'];
    // Interface names are 15 characters at most; each end only exists inside its namespace.
    const tag = randomBytes(4).toString('hex');
    const [serverEnd, clientEnd] = [`ci${tag}s`, `ci${tag}c`];
    execFileSync('ip', ['link', 'add', clientEnd, 'netns', clientNetns, 'type', 'veth', 'peer', 'name', serverEnd, 'netns', netns]);
    execFileSync('ip', ['-n', netns, 'addr', 'add', `${server}/24`, 'dev', serverEnd]);
    execFileSync('ip', ['-n', clientNetns, 'addr', 'add', `${client}/24`, 'dev', clientEnd]);
    execFileSync('ip', ['-n', netns, 'link', 'set', serverEnd, 'up']);
    execFileSync('ip', ['-n', clientNetns, 'link', 'set', clientEnd, 'up']);
    return { server, client };
  }

  ensureNetns(): void {
    if (this.netnsMade) return;
    execFileSync('ip', ['netns', 'add', this.options.netns]);
    this.netnsMade = true;
    execFileSync('ip', ['-n', this.options.netns, 'link', 'set', 'lo', 'up']);
  }

  private writeFile(file: CloudFile): void {
    const { root, sudoersPath } = this.options;
    const outside = !file.path.startsWith(`${root}/`);
    if (outside && file.path !== sudoersPath) throw new Error(`write_files path ${file.path} is outside the sandbox: add a substitution for it`);
    const [user = 'root', group = user] = (file.owner ?? 'root:root').split(':');
    const mode = parseInt(file.permissions ?? '0644', 8);
    mkdirSync(dirname(file.path), { recursive: true });
    const checking = `${file.path}.checking`;
    writeFileSync(outside ? checking : file.path, file.content, { mode });
    const target = outside ? checking : file.path;
    if (outside) this.written.push(checking);
    chmodSync(target, mode);
    chownSync(target, uid(user), gid(group));
    if (outside) {
      const check = spawnSync('visudo', ['-c', '-f', checking], { encoding: 'utf8' });
      if (check.status !== 0) throw new Error(`visudo refuses ${file.path}: ${check.stdout}${check.stderr}`);
      this.written.push(file.path);
      renameSync(checking, file.path);
    }
  }

  /** cloud-init's Distro.create_user for the keys CloudUser has (cloudinit/distros/__init__.py). */
  private createUser(user: CloudUser): void {
    for (const group of user.groups ?? []) {
      if (spawnSync('getent', ['group', group]).status !== 0) execFileSync('groupadd', [group]);
    }
    const args = [user.name];
    if (user.groups?.length) args.push('--groups', user.groups.join(','));
    if (user.shell) args.push('--shell', user.shell);
    args.push('-m');
    execFileSync('useradd', args);
    this.users.push(user.name);
    if (user.lock_passwd ?? true) execFileSync('passwd', ['-l', user.name], { stdio: 'pipe' });
    if (user.ssh_authorized_keys) {
      const home = execFileSync('getent', ['passwd', user.name], { encoding: 'utf8' }).split(':')[5] ?? '';
      if (!existsSync(home)) throw new Error(`useradd -m made no home for ${user.name}`);
      const ssh = join(home, '.ssh');
      mkdirSync(ssh, { mode: 0o700 });
      writeFileSync(join(ssh, 'authorized_keys'), `${user.ssh_authorized_keys.join('\n')}\n`, { mode: 0o600 });
      execFileSync('chown', ['-R', `${user.name}:${user.name}`, ssh]);
    }
  }
}

/**
 * userdel refuses a user with a running process, and sshd's process for a session just closed
 * takes a moment to end: wait for it (10 s at most) rather than kill anything.
 */
function waitForNoProcessOf(user: string): void {
  const until = Date.now() + 10_000;
  while (spawnSync('pgrep', ['-u', user]).status === 0) {
    if (Date.now() > until) throw new Error(`processes of ${user} still run: ${spawnSync('pgrep', ['-a', '-u', user], { encoding: 'utf8' }).stdout.trim()}`);
    spawnSync('sleep', ['0.1']);
  }
}

const uid = (user: string): number => Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
const gid = (group: string): number => Number(execFileSync('getent', ['group', group], { encoding: 'utf8' }).split(':')[2]);
