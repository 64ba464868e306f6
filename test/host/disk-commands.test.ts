import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeSpace, parseFreeBytes } from '../../src/host/disk-commands.js';

describe('disk commands', () => {
  it('reads the free space df reports for a folder, in bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'df- '));
    const run = spawnSync('sh', ['-c', freeSpace(dir)], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    const available = Number(run.stdout.trim().split('\n')[1]?.trim().split(/\s+/)[3]);
    expect(parseFreeBytes(run.stdout)).toBe(available * 1024);
  });

  it('reads a POSIX df line', () => {
    const output = 'Filesystem     1024-blocks  Used Available Capacity Mounted on\ntmpfs                   64    60         4      94% /srv/bot\n';
    expect(parseFreeBytes(output)).toBe(4096);
  });

  it('cannot tell from anything else', () => {
    expect(parseFreeBytes('')).toBeUndefined();
    expect(parseFreeBytes('df: /srv/bot: No such file or directory\n')).toBeUndefined();
    expect(parseFreeBytes('Filesystem 1024-blocks Used Available\ntmpfs 64 60 -\n')).toBeUndefined();
  });
});
