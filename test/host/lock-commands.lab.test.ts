import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, LOCK_HELD_EXIT } from '../../src/host/lock-commands.js';

/** The lock scripts on a full disk: a 64 KiB tmpfs (mounting it needs root, hence a lab test) filled by a file. */
describe('deploy lock scripts on a full disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lock-full-'));
  const lock = join(dir, '.lock');
  const run = (line: string) => spawnSync('sh', ['-c', line], { encoding: 'utf8' });
  const record = (token: string) => JSON.stringify({ token, owner: `run ${token}`, time: 'now' });
  const fill = (): void => {
    run(`head -c 1048576 /dev/zero > '${dir}/fill'`);
  };

  beforeAll(() => execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]));
  afterAll(() => {
    execFileSync('umount', [dir]);
    rmdirSync(dir);
  });
  afterEach(() => run(`rm -f '${dir}'/* '${dir}'/.lock*`));

  it('fails to take a free lock naming the cause and the file, and leaves nothing behind', () => {
    fill();
    const result = run(acquireLock(lock, 'aa11', record('aa11'), 120));
    expect(result.status).not.toBe(0);
    expect(result.status).not.toBe(LOCK_HELD_EXIT);
    expect(result.stderr).toContain(`${lock}.tmp: No space left on device`);
    expect(readdirSync(dir).sort()).toEqual(['.lock.guard', 'fill']);
  });

  it('fails to take over a stale lock without touching the old record', () => {
    writeFileSync(lock, `${record('dead')}\n`);
    const old = Date.now() / 1000 - 300;
    utimesSync(lock, old, old);
    fill();
    const result = run(acquireLock(lock, 'bb22', record('bb22'), 120));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('No space left on device');
    expect(readFileSync(lock, 'utf8')).toBe(`${record('dead')}\n`);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
