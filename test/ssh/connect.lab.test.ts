import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { InputError } from '../../src/inputs/input-error.js';
import { RecordingLog } from '../../src/log/recording-log.js';
import { connectSsh } from '../../src/ssh/connect.js';
import { connectionStats } from '../../src/ssh/connection-stats.js';
import { SshError } from '../../src/ssh/ssh-error.js';
import type { ConnectOptions } from '../../src/ssh/types.js';
import { freePort } from '../support/lab-host.js';
import { lab, labKnownHosts, readLabFile } from '../lab/lab.js';
import { labTarget } from './lab-target.js';

/** The fingerprint as OpenSSH's own tool computes it, so the tests do not trust our implementation. */
function sshKeygenFingerprint(pubFile: string): string {
  return execFileSync('ssh-keygen', ['-lf', pubFile], { encoding: 'utf8' }).split(' ')[1] ?? '';
}

const hostEd25519 = sshKeygenFingerprint(lab.hostKeys.ed25519);
const hostRsa = sshKeygenFingerprint(lab.hostKeys.rsa);
const labLine = (pubFile: string, marker = ''): string =>
  `${marker}[${lab.host}]:${lab.sshPort} ${readLabFile(pubFile).trim().split(/\s+/).slice(0, 2).join(' ')}`;

async function whoami(options: ConnectOptions, log = new RecordingLog()): Promise<string> {
  const session = await connectSsh(options, log);
  try {
    return (await session.exec('whoami', { stream: false })).stdout.trim();
  } finally {
    await session.close();
  }
}

/** A TCP listener on this machine that records every connection it gets (and optionally stays silent). */
async function listener(): Promise<{ port: number; sockets: Socket[]; server: Server }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, sockets, server };
}

/** Connecting and running a command that would leave a trace; returns the error it failed with. */
async function failedAttempt(options: ConnectOptions): Promise<{ error: unknown; traceLeft: boolean }> {
  const trace = `/tmp/bot-deploy-ssh-trace-${process.pid}-${Math.random().toString(36).slice(2)}`;
  let error: unknown;
  try {
    const session = await connectSsh(options, new RecordingLog());
    await session.exec(`touch ${trace}`);
    await session.close();
  } catch (caught) {
    error = caught;
  }
  return { error, traceLeft: existsSync(trace) };
}

describe('connecting to the lab host', () => {
  it.each([
    ['ed25519', lab.keys.ed25519, undefined],
    ['rsa', lab.keys.rsa, undefined],
    ['ecdsa', lab.keys.ecdsa, undefined],
    ['PEM rsa', lab.keys.rsaPem, undefined],
    ['encrypted ed25519', lab.keys.encrypted, lab.keys.passphrase],
  ])('logs in with an %s key', async (_name, keyFile, passphrase) => {
    expect(await whoami(labTarget({ privateKey: readLabFile(keyFile), ...(passphrase ? { passphrase } : {}) }))).toBe(lab.user);
  });

  it('accepts a key pasted with CRLF line endings, surrounding blanks and no final newline', async () => {
    const pasted = `\n  ${readLabFile(lab.keys.rsaPem).trim().replace(/\n/g, '\r\n')}  \n\n`;
    expect(await whoami(labTarget({ privateKey: pasted }))).toBe(lab.user);
  });

  it('fails on a wrong passphrase with one sentence, before opening any connection', async () => {
    const { port, sockets, server } = await listener();
    try {
      const attempt = connectSsh(labTarget({ port, privateKey: readLabFile(lab.keys.encrypted), passphrase: 'wrong horse' }), new RecordingLog());
      await expect(attempt).rejects.toThrow(InputError);
      await expect(attempt).rejects.toThrow('Input `passphrase` does not decrypt `private-key`: check that the secret holds this key\'s passphrase.');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sockets).toHaveLength(0);
    } finally {
      server.close();
    }
  });

  it('refuses a key the host does not authorise, naming user@host:port', async () => {
    await expect(whoami(labTarget({ privateKey: readLabFile(lab.keys.stranger) }))).rejects.toThrow(
      `${lab.user}@${lab.host}:${lab.sshPort} refused the key: check \`private-key\` and that its public key is in ${lab.user}'s ~/.ssh/authorized_keys on the host.`,
    );
  });

  it('reports a refused port in one sentence, quickly', async () => {
    const port = await freePort();
    const started = Date.now();
    await expect(whoami(labTarget({ port }))).rejects.toThrow(
      `Could not connect to ${lab.user}@${lab.host}:${port}: connection refused. Check \`host\` and \`port\`, and that sshd is running there.`,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('gives up on a host that never answers the handshake after connect-timeout', async () => {
    const { port, server, sockets } = await listener();
    try {
      const started = Date.now();
      await expect(whoami(labTarget({ port, connectTimeoutMs: 700 }))).rejects.toThrow(
        `Could not connect to ${lab.user}@${lab.host}:${port}: no SSH handshake within 700ms. Check \`host\` and \`port\` and that a firewall lets the runner in, or raise \`connect-timeout\`.`,
      );
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });

  describe('host key verification', () => {
    it('rejects a fingerprint that is not the host\'s, shows the presented one, and runs nothing', async () => {
      const { error, traceLeft } = await failedAttempt(labTarget({ hostKeys: { kind: 'fingerprints', fingerprints: [sshKeygenFingerprint(`${lab.keys.stranger}.pub`)] } }));
      expect(error).toBeInstanceOf(SshError);
      const message = (error as Error).message;
      // The host was asked for each of its key types in turn, and the refusal names every key it presented.
      expect(message).toContain(
        `Host key verification failed for ${lab.host}:${lab.sshPort}: it presented the ssh-ed25519 key ${hostEd25519} and the ssh-rsa key ${hostRsa}, ` +
          'which match none of the `host-fingerprint` values (every key type the host has was tried)',
      );
      expect(message).toContain('update `known-hosts` or `host-fingerprint`');
      expect(traceLeft).toBe(false);
    });

    it('rejects a known_hosts line holding another key, and runs nothing', async () => {
      const impostor = `[${lab.host}]:${lab.sshPort} ${readLabFile(`${lab.keys.stranger}.pub`).trim().split(/\s+/).slice(0, 2).join(' ')}`;
      const { error, traceLeft } = await failedAttempt(labTarget({ hostKeys: { kind: 'known-hosts', lines: [impostor] } }));
      expect((error as Error).message).toContain(`it presented the ssh-ed25519 key ${hostEd25519}, which matches none of the keys \`known-hosts\` lists for it`);
      expect(traceLeft).toBe(false);
    });

    it('rejects a host whose only known line is for another port', async () => {
      const otherPort = `${lab.host} ${readLabFile(lab.hostKeys.ed25519).trim().split(/\s+/).slice(0, 2).join(' ')}`;
      const { error, traceLeft } = await failedAttempt(labTarget({ hostKeys: { kind: 'known-hosts', lines: [otherPort] } }));
      expect((error as Error).message).toContain(`\`known-hosts\` has no line for [${lab.host}]:${lab.sshPort}`);
      expect(traceLeft).toBe(false);
    });

    it('honours @revoked even when another line trusts the same key', async () => {
      const lines = [labLine(lab.hostKeys.ed25519), labLine(lab.hostKeys.ed25519, '@revoked ')];
      const { error, traceLeft } = await failedAttempt(labTarget({ hostKeys: { kind: 'known-hosts', lines } }));
      expect((error as Error).message).toContain(`${hostEd25519}, which \`known-hosts\` marks @revoked`);
      expect(traceLeft).toBe(false);
    });

    it('connects when known_hosts holds only the RSA key (the host is asked for its RSA key)', async () => {
      expect(await whoami(labTarget({ hostKeys: { kind: 'known-hosts', lines: [labLine(lab.hostKeys.rsa)] } }))).toBe(lab.user);
    });

    it('connects with hashed known_hosts lines as `ssh-keygen -H` writes them', async () => {
      const dir = execFileSync('mktemp', ['-d'], { encoding: 'utf8' }).trim();
      execFileSync('sh', ['-c', `cat > ${dir}/known_hosts && ssh-keygen -q -H -f ${dir}/known_hosts >/dev/null 2>&1`], { input: `${labKnownHosts()}\n` });
      const hashed = readLabFile(`${dir}/known_hosts`);
      execFileSync('rm', ['-rf', dir]);
      expect(hashed).toMatch(/^\|1\|/);
      expect(hashed).not.toContain(lab.host);
      expect(await whoami(labTarget({ hostKeys: { kind: 'known-hosts', lines: hashed.split('\n') } }))).toBe(lab.user);
    });

    it('connects with the fingerprint written with or without the SHA256: prefix and padding', async () => {
      for (const written of [hostEd25519, hostEd25519.replace('SHA256:', ''), `${hostEd25519}=`]) {
        expect(await whoami(labTarget({ hostKeys: { kind: 'fingerprints', fingerprints: [written] } }))).toBe(lab.user);
      }
      expect(await whoami(labTarget({ hostKeys: { kind: 'fingerprints', fingerprints: [hostRsa, hostEd25519] } }))).toBe(lab.user);
    });

    it('connects with only the RSA key\'s fingerprint although the host prefers ed25519, as one connection', async () => {
      const log = new RecordingLog();
      const before = connectionStats.opened;
      expect(await whoami(labTarget({ hostKeys: { kind: 'fingerprints', fingerprints: [hostRsa] } }), log)).toBe(lab.user);
      expect(connectionStats.opened - before).toBe(1);
      expect(log.lines).toContainEqual(expect.stringMatching(/presented a host key no fingerprint names; asking it for another key type/));
    });

    it('in insecure mode connects but warns loudly with the presented fingerprint', async () => {
      const log = new RecordingLog();
      expect(await whoami(labTarget({ hostKeys: { kind: 'insecure' } }), log)).toBe(lab.user);
      const warnings = log.lines.filter((line) => line.startsWith('warning: '));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`INSECURE: host key checking is off (insecure-skip-host-key-check), accepting the ssh-ed25519 key ${hostEd25519} from ${lab.host}:${lab.sshPort} unverified`);
    });
  });

  it('counts only connections that were established', async () => {
    const before = connectionStats.opened;
    await whoami(labTarget());
    await expect(whoami(labTarget({ privateKey: readLabFile(lab.keys.stranger) }))).rejects.toThrow(SshError);
    expect(connectionStats.opened - before).toBe(1);
  });
});
