import { zstdDecompressSync } from 'node:zlib';
import type { KeepRules } from '../../src/backup/keep-rules.js';
import type { BackupManifest } from '../../src/backup/manifest.js';
import { backupMode } from '../../src/backup/modes/backup-mode.js';
import { dumpKey, manifestKey } from '../../src/backup/object-keys.js';
import { READ_ARCHIVE_ARGS } from '../../src/backup/pg-commands.js';
import { backupConfig } from '../support/backup-settings.js';
import { FakePg } from '../support/fake-pg.js';
import { MemoryStore } from '../support/memory-store.js';
import { pgEnv, pgHost } from '../support/pg-host.js';
import { fakeDump } from '../support/stored-dump.js';

const location = { prefix: 'backups', app: 'shop', database: 'bot' };
const keep: KeepRules = { last: 1, daily: 0, weekly: 0, monthly: 0, yearly: 0 };
const lastYear = dumpKey(location, new Date('2025-01-01T00:00:00Z'), 'v0.9.0', 'zstd', false);

/** A bucket with one good backup of last year, which `keep: last=1` deletes once a newer one is good. */
function bucket(): MemoryStore {
  return new MemoryStore().put(lastYear, 'old dump').put(manifestKey(lastYear), '{}');
}

const newKey = (store: MemoryStore): string => store.keys.find((key) => key !== lastYear && !key.endsWith('.manifest.json')) ?? '';

describe('backupMode', () => {
  test('dumps into the store over the host, then applies retention', async () => {
    const dump = fakeDump(256);
    const pg = new FakePg().on('pg_dump', { stdout: dump });
    const store = bucket();

    const result = await backupMode(backupConfig({ keep }), store, pgEnv(pgHost(pg)));

    const key = result.manifest.key;
    expect(key).toMatch(/^backups\/shop\/bot\/\d{8}T\d{6}Z-v1\.0\.0\.dump\.zst$/);
    expect(zstdDecompressSync(store.bytes(key)).equals(dump)).toBe(true);
    expect(result.prune?.removed).toEqual([lastYear]);
    expect(store.keys).toEqual([key, manifestKey(key)]);
    // The bucket is checked first; retention runs once the new backup is complete.
    expect(store.calls).toEqual([
      'list backups/shop/bot/',
      'pendingUploads backups/shop/bot/',
      `upload ${key}`,
      `writeText ${manifestKey(key)}`,
      'list backups/shop/bot/',
      `remove ${manifestKey(lastYear)}`,
      `remove ${lastYear}`,
    ]);
  });

  test('aborts the upload a killed run left open (under the lock, before dumping)', async () => {
    const pg = new FakePg().on('pg_dump', { stdout: fakeDump(64) });
    const store = bucket().leaveUpload('backups/shop/bot/20261129T030000Z-v0.9.9.dump.zst').leaveUpload('backups/other/bot/x.dump.zst');
    const env = pgEnv(pgHost(pg));

    await backupMode(backupConfig({}), store, env);

    expect(store.pending.map((upload) => upload.key)).toEqual(['backups/other/bot/x.dump.zst']);
    expect(store.calls.indexOf('abortUpload backups/shop/bot/20261129T030000Z-v0.9.9.dump.zst')).toBeLessThan(store.calls.findIndex((call) => call.startsWith('upload ')));
  });

  test('a dump that fails never prunes, even with keep set', async () => {
    const pg = new FakePg().on('pg_dump', { stdout: fakeDump(64), code: 1, stderr: 'pg_dump: error: query failed: ERROR:  permission denied for table users\n' });
    const store = bucket();

    await expect(backupMode(backupConfig({ keep }), store, pgEnv(pgHost(pg)))).rejects.toThrow(
      'pg_dump of bot (compose service db of shop on web1) failed with exit code 1: pg_dump: error: query failed: ERROR:  permission denied for table users; no backup was stored.',
    );
    expect(store.removed).toEqual([]);
    expect(store.keys).toEqual([lastYear, manifestKey(lastYear)]);
    expect(store.calls.filter((call) => call.startsWith('list '))).toHaveLength(1);
  });

  test('verify: stream reads the stored object back through pg_restore and says so in the manifest', async () => {
    const dump = fakeDump(128);
    const pg = new FakePg().on('pg_dump', { stdout: dump });
    const store = bucket();

    const result = await backupMode(backupConfig({ verify: 'stream' }), store, pgEnv(pgHost(pg)));

    const reads = pg.callsOf('pg_restore');
    expect(reads.map((call) => call.args)).toEqual([READ_ARCHIVE_ARGS]);
    expect(reads[0]?.stdin.equals(dump)).toBe(true);
    expect(result.manifest.verified?.method).toBe('stream');
    const stored = JSON.parse(store.bytes(manifestKey(result.manifest.key)).toString()) as BackupManifest;
    expect(stored.verified).toEqual(result.manifest.verified);
    // Without keep nothing is deleted.
    expect(result.prune).toBeUndefined();
    expect(store.removed).toEqual([]);
  });

  test('a backup that fails its verification never prunes, and loses its manifest so nothing trusts it', async () => {
    const pg = new FakePg().on('pg_dump', { stdout: fakeDump(64) }).on('pg_restore', { code: 1, stderr: 'pg_restore: error: could not read from input file: end of file\n' });
    const store = bucket();

    await expect(backupMode(backupConfig({ keep, verify: 'stream' }), store, pgEnv(pgHost(pg)))).rejects.toThrow(
      /^Reading backups\/shop\/bot\/\d{8}T\d{6}Z-v1\.0\.0\.dump\.zst with pg_restore failed \(compose service db of shop on web1\) with exit code 1: pg_restore: error: could not read from input file: end of file\.$/,
    );
    expect(store.removed).toEqual([manifestKey(newKey(store))]);
    expect(store.keys).toEqual([lastYear, manifestKey(lastYear), newKey(store)].sort());
  });

  test('a bucket that cannot be listed fails before the host is reached', async () => {
    const store = bucket();
    const failure = new Error('The bucket "memory" does not exist at memory: create it or correct the spaces-bucket input.');
    store.list = async () => {
      throw failure;
    };
    const env = pgEnv(pgHost(new FakePg()));

    await expect(backupMode(backupConfig({ keep }), store, env)).rejects.toBe(failure);
    expect(env.connected()).toBe(0);
  });
});
