import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, utimesSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, LOCK_HELD_EXIT, LOCK_LOST_EXIT, refreshLock, releaseLock } from '../../src/host/lock-commands.js';

/** The lock scripts are plain sh + flock: run them for real on this machine. */
const run = (line: string) => spawnSync('sh', ['-c', line], { encoding: 'utf8' });
const record = (token: string, owner: string) => JSON.stringify({ token, owner, run_url: 'https://example/run/1', time: 'now' });

describe('deploy lock scripts', () => {
  let lock: string;
  beforeEach(() => {
    lock = join(mkdtempSync(join(tmpdir(), 'lock-')), '.lock');
  });

  it('grants a free lock and records the holder', () => {
    const result = run(acquireLock(lock, 'aa11', record('aa11', 'run 1'), 120));
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('acquired\n');
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ token: 'aa11', owner: 'run 1' });
  });

  it('refuses a held lock and names the holder', () => {
    run(acquireLock(lock, 'aa11', record('aa11', 'run 1'), 120));
    const second = run(acquireLock(lock, 'bb22', record('bb22', 'run 2'), 120));
    expect(second.status).toBe(LOCK_HELD_EXIT);
    expect(second.stdout).toMatch(/^held \d+\n.*"owner":"run 1"/);
  });

  it('lets the holder re-acquire (an idempotent re-run of the same step)', () => {
    run(acquireLock(lock, 'aa11', record('aa11', 'run 1'), 120));
    expect(run(acquireLock(lock, 'aa11', record('aa11', 'run 1'), 120)).status).toBe(0);
  });

  it('takes over a lock nobody refreshed for longer than the stale limit', () => {
    run(acquireLock(lock, 'aa11', record('aa11', 'dead run'), 120));
    const old = Date.now() / 1000 - 300;
    utimesSync(lock, old, old);
    const result = run(acquireLock(lock, 'bb22', record('bb22', 'run 2'), 120));
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^took-over 3\d\d\n.*dead run/);
    expect(readFileSync(lock, 'utf8')).toContain('"token":"bb22"');
  });

  it('grants the lock to exactly one of many concurrent deploys', async () => {
    const { spawn } = await import('node:child_process');
    const codes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => {
        const token = `c${i.toString(16).padStart(3, '0')}`;
        return new Promise<number>((resolve) => {
          spawn('sh', ['-c', acquireLock(lock, token, record(token, `run ${i}`), 120)]).on('exit', (code) => resolve(code ?? -1));
        });
      }),
    );
    expect(codes.filter((code) => code === 0)).toHaveLength(1);
    expect(codes.filter((code) => code === LOCK_HELD_EXIT)).toHaveLength(11);
  });

  it('refreshes and releases only for the holder', () => {
    run(acquireLock(lock, 'aa11', record('aa11', 'run 1'), 120));
    expect(run(refreshLock(lock, 'bb22')).status).toBe(LOCK_LOST_EXIT);
    run(releaseLock(lock, 'bb22'));
    expect(existsSync(lock)).toBe(true);
    expect(run(refreshLock(lock, 'aa11')).status).toBe(0);
    run(releaseLock(lock, 'aa11'));
    expect(existsSync(lock)).toBe(false);
  });

  it('fails a refresh whose guard cannot be taken with an exit code other than "lost"', () => {
    const result = run(refreshLock('/proc/no-such-dir/.lock', 'aa11'));
    expect(result.status).not.toBe(0);
    expect(result.status).not.toBe(LOCK_LOST_EXIT);
  });
});
