import { execFileSync } from 'node:child_process';
import { PassThrough, Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { RecordingLog } from '../../src/log/recording-log.js';
import { connectSsh } from '../../src/ssh/connect.js';
import type { SshSession } from '../../src/ssh/types.js';
import { labTarget } from './lab-target.js';

/** Processes on this machine (the lab host) whose command line matches `pattern`. */
function pids(pattern: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** A token unique to this test run, so process searches never see anyone else's processes. */
const unique = (): string => `${process.pid}${Math.floor(Math.random() * 1e6)}`;

describe('exec on the lab host', () => {
  const log = new RecordingLog();
  let session: SshSession;

  beforeAll(async () => {
    session = await connectSsh(labTarget(), log);
  });
  afterAll(async () => {
    await session.close();
  });

  it('reports the exact exit code, and 128+n for a command killed by signal n', async () => {
    expect((await session.exec('exit 7', { stream: false })).code).toBe(7);
    expect((await session.exec('true', { stream: false })).code).toBe(0);
    expect((await session.exec('kill -USR1 $$', { stream: false })).code).toBe(128 + 10);
  });

  it('keeps the meaning of the command (it runs under sh, arguments and quoting intact)', async () => {
    const result = await session.exec(`printf '%s|' "a b" 'c'"'"'d' $((6*7))`, { stream: false });
    expect(result.stdout).toBe(`a b|c'd|42|`);
  });

  it('streams stdout and stderr lines to the log while the command still runs, in order', async () => {
    const streamed = new RecordingLog();
    const streaming = await connectSsh(labTarget(), streamed);
    try {
      const running = streaming.exec('echo first; echo oops >&2; sleep 1; echo second; printf partial');
      const deadline = Date.now() + 900;
      while (!streamed.lines.includes('oops') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(streamed.lines.filter((line) => !line.startsWith('debug:'))).toEqual(['first', 'oops']);
      const result = await running;
      expect(streamed.lines.filter((line) => !line.startsWith('debug:'))).toEqual(['first', 'oops', 'second', 'partial']);
      expect(result).toEqual({ code: 0, stdout: 'first\nsecond\npartial', stderr: 'oops\n', timedOut: false });
    } finally {
      await streaming.close();
    }
  });

  it('does not log output when stream is false, but still returns it', async () => {
    const before = log.lines.length;
    const result = await session.exec('echo quiet-line', { stream: false });
    expect(result.stdout).toBe('quiet-line\n');
    expect(log.lines.slice(before)).not.toContain('quiet-line');
  });

  it('delivers stdin and then EOF', async () => {
    const result = await session.exec('wc -c; cat; echo done', { stdin: 'twelve bytes', stream: false, timeoutMs: 10_000 });
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\s*12\ndone\n$/) as unknown as string, timedOut: false });
  });

  it('keeps a secret passed on stdin out of the host process list', async () => {
    const secret = `s3cret-${unique()}`;
    const running = session.exec('read -r value; sleep 1; [ -n "$value" ] && echo got-it', { stdin: `${secret}\n`, stream: false });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    expect(processes).toContain('sleep 1');
    expect(processes).not.toContain(secret);
    expect((await running).stdout).toBe('got-it\n');
  });

  it('on timeout kills the whole process group on the host and reports timedOut', async () => {
    const mark = unique();
    const started = Date.now();
    const result = await session.exec(`sleep 300${mark} 2>/dev/null & sleep 301${mark} 2>/dev/null & echo started; wait`, {
      timeoutMs: 1000,
      stream: false,
    });
    expect(result.timedOut).toBe(true);
    expect(result.stdout).toBe('started\n');
    expect(Date.now() - started).toBeLessThan(6000);
    expect(pids(`sleep 30[01]${mark}`)).toEqual([]);
  });

  it('uses the connection command timeout when the command sets none', async () => {
    const timed = await connectSsh(labTarget({ commandTimeoutMs: 500 }), log);
    try {
      const result = await timed.exec('sleep 30', { stream: false });
      expect(result.timedOut).toBe(true);
      expect(result.code).toBe(128 + 15);
    } finally {
      await timed.close();
    }
  });

  it('returns promptly when the command leaves a background process running', async () => {
    const mark = unique();
    const started = Date.now();
    const result = await session.exec(`sleep 6${mark} 2>/dev/null & echo started`, { stream: false });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({ code: 0, stdout: 'started\n', timedOut: false });
    const left = pids(`sleep 6${mark}`);
    for (const pid of left) process.kill(Number(pid));
    expect(left).toHaveLength(1);
  });

  it('streams raw stdout into a slow sink with backpressure, every byte intact, and feeds stdin from a stream', async () => {
    const input = Buffer.alloc(8 * 1024 * 1024);
    for (let at = 0; at < input.length; at += 4) input.writeUInt32LE((at * 2654435761) >>> 0, at);
    const received: Buffer[] = [];
    let pending = 0;
    let maxPending = 0;
    const sink = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk);
        pending += chunk.length;
        maxPending = Math.max(maxPending, pending);
        // A consumer slower than the network: a missing pause would pile the whole output up in memory.
        setTimeout(() => {
          pending -= chunk.length;
          callback();
        }, 2);
      },
    });
    const result = await session.exec('cat', { stdin: Readable.from([input.subarray(0, 3_000_000), input.subarray(3_000_000)]), stdout: sink, stream: false });
    expect(result).toMatchObject({ code: 0, stdout: '', timedOut: false });
    // The command's end ends the sink; what it still holds is written out after.
    expect(sink.writableEnded).toBe(true);
    await finished(sink);
    expect(Buffer.concat(received).equals(input)).toBe(true);
    expect(maxPending).toBeLessThan(4 * 1024 * 1024);
  });

  it('stops a streaming command and everything it started when its signal aborts', async () => {
    const mark = unique();
    const stop = new AbortController();
    const sink = new PassThrough();
    sink.resume();
    const running = session.exec(`sleep 31${mark} & yes`, { stdout: sink, signal: stop.signal, stream: false });
    // Settled below; a failed expectation must not leave it rejecting unobserved when the session closes.
    running.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The sleep, and the shell whose command line names it.
    expect(pids(`sleep 31${mark}`).length).toBeGreaterThan(0);
    stop.abort();
    const result = await running;
    expect(result.code).not.toBe(0);
    expect(pids(`sleep 31${mark}`)).toEqual([]);
  });
});
