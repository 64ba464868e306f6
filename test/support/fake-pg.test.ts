import { PassThrough, Writable } from 'node:stream';
import { FakePg, ROW_COUNTS, SERVER_VERSION, SNAPSHOT_ID } from './fake-pg.js';

const sink = (): Writable & { bytes: () => string } => {
  let text = '';
  const stream = new Writable({
    highWaterMark: 4,
    write: (chunk: Buffer, _encoding, callback) => {
      text += chunk.toString();
      setImmediate(callback);
    },
  });
  return Object.assign(stream, { bytes: () => text });
};

/** The double must behave as the tools do where it matters to the code under test. */
describe('FakePg', () => {
  test('answers by the last matching script, records arguments and the script', async () => {
    const pg = new FakePg().on('psql', { stdout: 'any\n' }).onScript('SELECT 1;\n', { stdout: '1\n', stderr: 'note' });
    expect(await pg.run('psql', ['-d', 'x'], { stdin: 'SELECT 1;\n' })).toEqual({ code: 0, stdout: '1\n', stderr: 'note' });
    expect(await pg.run('psql', ['-d', 'x'], { stdin: 'SELECT 2;\n' })).toEqual({ code: 0, stdout: 'any\n', stderr: '' });
    expect(pg.calls.map((call) => [call.args, call.stdin.toString()])).toEqual([
      [['-d', 'x'], 'SELECT 1;\n'],
      [['-d', 'x'], 'SELECT 2;\n'],
    ]);
  });

  test('prints into a stdout stream with backpressure and ends it when it exits', async () => {
    const pg = new FakePg().on('pg_dump', { stdout: ['abc', 'def', 'ghi'], code: 1 });
    const out = sink();
    const result = await pg.run('pg_dump', [], { stdout: out });
    expect(result.code).toBe(1);
    await new Promise((resolve) => out.on('finish', resolve));
    expect(out.bytes()).toBe('abcdefghi');
  });

  test('a kill stops a tool that would not exit by itself: code 143', async () => {
    const pg = new FakePg().on('pg_dump', { stdout: 'x', hangs: true });
    const stop = new AbortController();
    const run = pg.run('pg_dump', [], { stdout: new PassThrough(), signal: stop.signal });
    setTimeout(() => stop.abort(), 20);
    expect((await run).code).toBe(143);
    expect(pg.calls[0]?.aborted).toBe(true);
    expect(pg.events).toEqual(['pg_dump started', 'pg_dump killed']);
  });

  test('reads a stdin stream to its end, or as far as told', async () => {
    const pg = new FakePg().on('pg_restore', (request) => (request.args.includes('short') ? { reads: 3, code: 1 } : {}));
    const whole = new PassThrough();
    const full = pg.run('pg_restore', [], { stdin: whole });
    whole.end('0123456789');
    expect((await full).code).toBe(0);
    const partial = new PassThrough();
    const short = pg.run('pg_restore', ['short'], { stdin: partial });
    partial.write('0123456789');
    expect((await short).code).toBe(1);
    expect(pg.calls.map((call) => call.stdin.toString())).toEqual(['0123456789', '012']);
  });

  test('a stdin destroyed before its end is no EOF: the tool waits until it is killed', async () => {
    const pg = new FakePg();
    const stdin = new PassThrough();
    const stop = new AbortController();
    const run = pg.run('pg_restore', [], { stdin, signal: stop.signal });
    stdin.write('01');
    stdin.destroy(new Error('damaged'));
    const early = await Promise.race([run, new Promise((resolve) => setTimeout(() => resolve('still running'), 50))]);
    expect(early).toBe('still running');
    stop.abort();
    expect((await run).code).toBe(143);
  });

  test('the snapshot session answers its three lines once asked, and ends when its stdin does', async () => {
    const pg = new FakePg();
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const run = pg.run('psql', ['-d', 'bot'], { stdin, stdout });
    stdin.write('BEGIN;\n');
    let printed = '';
    for await (const chunk of stdout) {
      printed += String(chunk);
      if (printed.split('\n').length > 3) break;
    }
    expect(printed).toBe(`${SNAPSHOT_ID}\n${JSON.stringify(ROW_COUNTS)}\n${SERVER_VERSION}\n`);
    stdin.end('COMMIT;\n');
    expect((await run).code).toBe(0);
    expect(pg.calls[0]?.stdin.toString()).toBe('BEGIN;\nCOMMIT;\n');
  });
});
