import type { BackupManifest } from '../../src/backup/manifest.js';
import { dumpKey, manifestKey } from '../../src/backup/object-keys.js';
import { CREATE_DATABASE_SCRIPT, DATABASE_PROPERTIES_QUERY, DROP_DATABASE_SCRIPT, rowCountsQuery } from '../../src/backup/pg-commands.js';
import { compareRowCounts, verifyBackup } from '../../src/backup/steps/verify.js';
import { RecordingLog } from '../../src/log/recording-log.js';
import { FakePg, ROW_COUNTS, variablesOf } from '../support/fake-pg.js';
import { MemoryStore } from '../support/memory-store.js';
import { fakeDump, storeDump } from '../support/stored-dump.js';

const key = dumpKey({ prefix: 'backups', app: 'shop', database: 'bot' }, new Date('2026-11-30T23:27:46Z'), 'v1.0.0', 'zstd', false);
const withCounts = (rowCounts: Record<string, number>): BackupManifest => ({ key, rowCounts }) as BackupManifest;

describe('compareRowCounts', () => {
  test('equal counts pass, whatever the order of the tables', () => {
    expect(() => compareRowCounts(withCounts({ 'public.a': 1, 'public.b': 0 }), { 'public.b': 0, 'public.a': 1 })).not.toThrow();
    expect(() => compareRowCounts(withCounts({}), {})).not.toThrow();
  });

  test('names each differing table with both counts, a missing table as missing', () => {
    expect(() => compareRowCounts(withCounts({ 'public.a': 1, 'public.b': 2, 'public.c': 3 }), { 'public.a': 1, 'public.b': 20, 'public.d': 4 })).toThrow(
      `${key} restored with different row counts: public.b 20 (manifest 2), public.c missing (manifest 3), public.d 4 (manifest missing).`,
    );
  });

  test('shows five differences and counts the rest', () => {
    const manifest = Object.fromEntries(Array.from({ length: 8 }, (_, at) => [`public.t${at}`, at]));
    const restored = Object.fromEntries(Array.from({ length: 8 }, (_, at) => [`public.t${at}`, at + 1]));
    expect(() => compareRowCounts(withCounts(manifest), restored)).toThrow(
      `${key} restored with different row counts: public.t0 1 (manifest 0), public.t1 2 (manifest 1), public.t2 3 (manifest 2), public.t3 4 (manifest 3), public.t4 5 (manifest 4) and 3 more.`,
    );
  });
});

describe('verifyBackup', () => {
  /** The scratch database of a restore verification, and what was done to it, in order. */
  function scratchSteps(pg: FakePg): { scratch: string; steps: string[] } {
    const scratch = pg.scriptsRun.find(({ script }) => script === CREATE_DATABASE_SCRIPT)?.variables.name ?? '';
    const steps = pg.calls.map((call) =>
      call.script === DATABASE_PROPERTIES_QUERY
        ? `properties ${variablesOf(call.args).name ?? ''}`
        : call.script === CREATE_DATABASE_SCRIPT
          ? 'create'
          : call.script === DROP_DATABASE_SCRIPT
            ? 'drop'
            : call.script === rowCountsQuery()
              ? `count ${call.args.at(-1) ?? ''}`
              : `${call.tool} ${call.args.at(-1) ?? ''}`,
    );
    return { scratch, steps };
  }

  test('restore: into a scratch database whose counts must match, which is then dropped; the manifest says verified', async () => {
    const store = new MemoryStore();
    const manifest = await storeDump(store, key, fakeDump(32));
    const pg = new FakePg().onScript(rowCountsQuery(), { stdout: `${JSON.stringify(ROW_COUNTS)}\n` });

    const verified = await verifyBackup(pg, store, manifest, undefined, 'restore', new RecordingLog());

    const { scratch, steps } = scratchSteps(pg);
    expect(scratch).toMatch(/^bot_verify_[0-9a-f]{8}$/);
    // Made like the backed-up database (here gone, so the server's defaults), then dropped.
    expect(steps).toEqual(['properties bot', 'create', `pg_restore ${scratch}`, `count ${scratch}`, 'drop']);
    expect(pg.scriptsRun.at(-1)?.variables).toEqual({ ON_ERROR_STOP: '1', name: scratch });
    expect(verified.verified?.method).toBe('restore');
    expect((JSON.parse(store.bytes(manifestKey(key)).toString()) as BackupManifest).verified).toEqual(verified.verified);
  });

  test('restore: different counts fail, the scratch database is still dropped, and the manifest stays unverified', async () => {
    const store = new MemoryStore();
    const manifest = await storeDump(store, key, fakeDump(32));
    const pg = new FakePg().onScript(rowCountsQuery(), { stdout: `${JSON.stringify({ ...ROW_COUNTS, 'public.users': 2 })}\n` });

    await expect(verifyBackup(pg, store, manifest, undefined, 'restore', new RecordingLog())).rejects.toThrow(
      `${key} restored with different row counts: public.users 2 (manifest 3).`,
    );
    expect(scratchSteps(pg).steps.at(-1)).toBe('drop');
    expect((JSON.parse(store.bytes(manifestKey(key)).toString()) as BackupManifest).verified).toBeUndefined();
  });

  test('stream: a plain dump has no pg_restore to read it; its bytes are checked alone', async () => {
    const store = new MemoryStore();
    const manifest = await storeDump(store, key, fakeDump(32), { overrides: { format: 'plain' } });
    const pg = new FakePg();

    const verified = await verifyBackup(pg, store, manifest, undefined, 'stream', new RecordingLog());

    expect(pg.calls).toEqual([]);
    expect(verified.verified?.method).toBe('stream');
  });
});
