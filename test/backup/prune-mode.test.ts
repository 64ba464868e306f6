import type { KeepRules } from '../../src/backup/keep-rules.js';
import { pruneBackups } from '../../src/backup/modes/prune-mode.js';
import { dumpKey, manifestKey } from '../../src/backup/object-keys.js';
import { RecordingLog } from '../../src/log/recording-log.js';
import { MemoryStore } from '../support/memory-store.js';

const location = { prefix: 'backups', app: 'shop', database: 'bot' };
const none: KeepRules = { last: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 };
const keyAt = (time: string): string => dumpKey(location, new Date(time), 'v1', 'zstd', false);

const inProgress = keyAt('2026-10-30T05:00:00Z');
const newestGood = keyAt('2026-10-30T04:00:00Z');
const olderGood = keyAt('2026-10-30T03:00:00Z');
const incomplete = keyAt('2026-10-30T02:00:00Z');
const oldestGood = keyAt('2026-10-30T01:00:00Z');
const foreign = ['backups/shop/bot/notes.txt', 'backups/shop/other/20261101T000000Z-v1.dump.zst', 'backups/shop/other/20261101T000000Z-v1.dump.zst.manifest.json'];

/**
 * Backups of one day a month ago (past the grace for incomplete ones), newest first: an upload still in progress, two good ones, one left incomplete
 * by a failed run, the oldest good one; and objects that are not backups of this database.
 */
function bucket(): MemoryStore {
  const store = new MemoryStore();
  for (const key of [newestGood, olderGood, oldestGood]) store.put(key, 'dump').put(manifestKey(key), '{}');
  store.put(inProgress, 'half a dump').put(incomplete, 'half a dump');
  for (const key of foreign) store.put(key, 'not ours');
  return store;
}

describe('pruneBackups', () => {
  test('deletes what the plan removes, each manifest before its dump, and nothing else', async () => {
    const store = bucket();
    const log = new RecordingLog();

    const result = await pruneBackups({ location, dryRun: false }, { ...none, last: 1 }, store, log);

    expect(result.removed).toEqual([olderGood, incomplete, oldestGood]);
    expect(result.plan.keep.map((kept) => kept.key)).toEqual([inProgress, newestGood]);
    expect(store.removed).toEqual([manifestKey(olderGood), olderGood, manifestKey(incomplete), incomplete, manifestKey(oldestGood), oldestGood]);
    expect(store.keys).toEqual([...foreign, inProgress, newestGood, manifestKey(newestGood)].sort());
    expect(log.lines).toContain('2 kept, 3 deleted.');
  });

  test('never deletes the newest good backup, even with rules that keep nothing', async () => {
    const store = bucket();

    // pgBackup passes rules of zeros when prune mode somehow has no `keep`.
    await pruneBackups({ location, dryRun: false }, none, store, new RecordingLog());

    expect(store.keys).toContain(newestGood);
    expect(store.keys).toContain(manifestKey(newestGood));
    expect(store.removed).not.toContain(newestGood);
  });

  test('a dry run deletes nothing and says what it would delete', async () => {
    const store = bucket();
    const log = new RecordingLog();

    const result = await pruneBackups({ location, dryRun: true }, { ...none, last: 1 }, store, log);

    expect(result).toMatchObject({ dryRun: true, removed: [] });
    expect(result.plan.remove.map((gone) => gone.key)).toEqual([olderGood, incomplete, oldestGood]);
    expect(store.removed).toEqual([]);
    expect(log.lines).toContain(`would delete  ${olderGood} (kept by no rule)`);
    expect(log.lines).toContain('2 kept, 3 would be deleted.');
  });

  test('refuses to run without a prefix, before listing anything', async () => {
    const store = bucket();

    await expect(pruneBackups({ location: { ...location, prefix: '' }, dryRun: false }, { ...none, last: 1 }, store, new RecordingLog())).rejects.toThrow(
      'Retention was asked to run without a prefix.',
    );
    expect(store.calls).toEqual([]);
  });

  test('a delete that fails stops the run, leaving a dump without manifest rather than a manifest without dump', async () => {
    const failure = new Error('The store at memory failed with HTTP 503');
    const store = bucket().failRemove((key) => (key === olderGood ? failure : undefined));

    await expect(pruneBackups({ location, dryRun: false }, { ...none, last: 1 }, store, new RecordingLog())).rejects.toBe(failure);
    expect(store.removed).toEqual([manifestKey(olderGood), olderGood]);
    expect(store.keys).toContain(olderGood);
    expect(store.keys).not.toContain(manifestKey(olderGood));
    expect(store.keys).toContain(manifestKey(oldestGood));
  });
});
