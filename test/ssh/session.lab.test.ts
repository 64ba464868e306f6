import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { RecordingLog } from '../../src/log/recording-log.js';
import { connectSsh } from '../../src/ssh/connect.js';
import { connectionStats } from '../../src/ssh/connection-stats.js';
import type { SshSession } from '../../src/ssh/types.js';
import { freePort } from '../support/lab-host.js';
import { lab, readLabFile } from '../lab/lab.js';
import { labEndpoint, labTarget } from './lab-target.js';

/** A TCP service on the host's loopback (this machine) that answers "pong <what it got>". */
async function pongServer(): Promise<{ port: number; close: () => void }> {
  const server = createServer((socket) => socket.once('data', (data) => socket.end(`pong ${data.toString()}`)));
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, close: () => server.close() };
}

async function ping(session: SshSession, port: number): Promise<string> {
  const stream = await session.forward('127.0.0.1', port);
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve) => stream.on('end', resolve));
  stream.end('ping');
  await ended;
  return Buffer.concat(chunks).toString();
}

describe('one session on the lab host', () => {
  let session: SshSession;
  let dir: string;
  let opened: number;

  beforeAll(async () => {
    const before = connectionStats.opened;
    session = await connectSsh(labTarget(), new RecordingLog());
    opened = connectionStats.opened - before;
    dir = (await session.exec('mktemp -d', { stream: false })).stdout.trim();
  });
  afterAll(async () => {
    await session.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a file over SFTP with its mode from creation, owned by the SSH user', async () => {
    const path = join(dir, '.env');
    await session.writeFile(path, 'TOKEN=abc\n', 0o600);
    expect(readFileSync(path, 'utf8')).toBe('TOKEN=abc\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(execFileSync('stat', ['-c', '%U', path], { encoding: 'utf8' }).trim()).toBe(lab.user);
  });

  it('gives a replaced file the new mode, not the old one', async () => {
    const path = join(dir, 'mode-change');
    await session.writeFile(path, 'one', 0o644);
    expect(statSync(path).mode & 0o777).toBe(0o644);
    await session.writeFile(path, 'two', 0o640);
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readFileSync(path, 'utf8')).toBe('two');
  });

  it('replaces a file atomically: readers see the old or the new content, and the temporary file is never readable by others', async () => {
    const path = join(dir, 'big');
    const size = 8 * 1024 * 1024;
    await session.writeFile(path, Buffer.alloc(size, 'a'), 0o600);
    const inodeBefore = statSync(path).ino;
    const seen = new Set<string>();
    const temporaryModes = new Set<number>();
    let writing = true;
    const watching = (async () => {
      while (writing) {
        const content = readFileSync(path);
        seen.add(`${content.length}:${String.fromCharCode(content[0] ?? 0)}${String.fromCharCode(content[content.length - 1] ?? 0)}`);
        for (const name of readdirSync(dir).filter((entry) => entry.startsWith('big.tmp-'))) {
          try {
            temporaryModes.add(statSync(join(dir, name)).mode & 0o777);
          } catch {
            // renamed away between readdir and stat
          }
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await session.writeFile(path, Buffer.alloc(size, 'b'), 0o600);
    writing = false;
    await watching;
    expect([...seen].every((state) => state === `${size}:aa` || state === `${size}:bb`)).toBe(true);
    expect(temporaryModes.size).toBeGreaterThan(0);
    expect([...temporaryModes]).toEqual([0o600]);
    expect(statSync(path).ino).not.toBe(inodeBefore);
    expect(readFileSync(path).equals(Buffer.alloc(size, 'b'))).toBe(true);
    expect(readdirSync(dir).filter((entry) => entry.includes('.tmp-'))).toEqual([]);
  });

  it('fails to write into a missing directory with a sentence naming the path', async () => {
    await expect(session.writeFile(join(dir, 'missing/file'), 'x', 0o600)).rejects.toThrow(
      new RegExp(`^Could not write ${join(dir, 'missing/file')} on ${lab.host} \\(create: .*\\): check that the directory exists`),
    );
  });

  it('says the disk is full when a file does not fit, and leaves no temporary file', async () => {
    const full = join(dir, 'full');
    execFileSync('sh', ['-c', `mkdir ${full} && mount -t tmpfs -o size=64k,uid=$(id -u ${lab.user}) tmpfs ${full} && head -c 65536 /dev/zero > ${full}/fill`]);
    try {
      await expect(session.writeFile(join(full, '.env'), 'TOKEN=abc\n', 0o600)).rejects.toThrow(
        `Writing ${full}/.env failed on ${lab.host}: no space left on ${lab.host} (${full}) — free some disk space.`,
      );
      expect(readdirSync(full)).toEqual(['fill']);
    } finally {
      execFileSync('umount', [full]);
    }
  });

  it('opens a tunnel to a port on the host loopback', async () => {
    const server = await pongServer();
    try {
      expect(await ping(session, server.port)).toBe('pong ping');
    } finally {
      server.close();
    }
  });

  it('serves every exec, transfer and tunnel over the one connection it opened', async () => {
    const before = connectionStats.opened;
    const server = await pongServer();
    try {
      const results = await Promise.all(Array.from({ length: 10 }, (_, index) => session.exec(`echo ${index}`, { stream: false })));
      expect(results.map((result) => result.stdout.trim())).toEqual(Array.from({ length: 10 }, (_, index) => String(index)));
      await session.writeFile(join(dir, 'a'), 'a', 0o600);
      await session.writeFile(join(dir, 'b'), 'b', 0o600);
      expect(await ping(session, server.port)).toBe('pong ping');
    } finally {
      server.close();
    }
    expect(opened).toBe(1);
    expect(connectionStats.opened - before).toBe(0);
    // sshd sees one session: every process we started shares the client port of one TCP connection.
    const clients = await Promise.all([1, 2, 3].map(() => session.exec('echo "$SSH_CLIENT"', { stream: false })));
    expect(new Set(clients.map((result) => result.stdout)).size).toBe(1);
  });
});

describe('a session through a jump host (the lab sshd to itself)', () => {
  it('runs commands on the target over a second connection tunnelled through the first', async () => {
    const before = connectionStats.opened;
    const session = await connectSsh(labTarget({ jump: labEndpoint({ privateKey: readLabFile(lab.keys.rsa) }) }), new RecordingLog());
    try {
      expect(connectionStats.opened - before).toBe(2);
      const result = await session.exec('whoami; echo "$SSH_CLIENT"', { stream: false });
      const [user, client] = result.stdout.trim().split('\n');
      expect(user).toBe(lab.user);
      // Through the jump host, the target's client is the jump host's sshd, not this test process.
      expect(client?.split(' ')[0]).toBe(lab.host);
    } finally {
      await session.close();
    }
  });

  it('names the jump host when it is the hop that fails', async () => {
    await expect(connectSsh(labTarget({ jump: labEndpoint({ privateKey: readLabFile(lab.keys.stranger) }) }), new RecordingLog())).rejects.toThrow(
      `jump host ${lab.user}@${lab.host}:${lab.sshPort} refused the key: check \`proxy-private-key\``,
    );
  });

  it('names the target and the jump host when the target cannot be reached from it', async () => {
    const port = await freePort();
    await expect(connectSsh(labTarget({ port, jump: labEndpoint() }), new RecordingLog())).rejects.toThrow(
      `Jump host ${lab.host}:${lab.sshPort} could not reach ${lab.host}:${port}`,
    );
  });

  it('names the target behind the jump host when the target refuses the key', async () => {
    await expect(connectSsh(labTarget({ privateKey: readLabFile(lab.keys.stranger), jump: labEndpoint() }), new RecordingLog())).rejects.toThrow(
      `${lab.user}@${lab.host}:${lab.sshPort} through jump host ${lab.host}:${lab.sshPort} refused the key: check \`private-key\``,
    );
  });
});
