import { newestGood, readCatalog, readManifest } from '../../src/backup/catalog.js';
import { manifestKey } from '../../src/backup/object-keys.js';
import { MemoryStore } from '../support/memory-store.js';
import { storeDump, fakeDump } from '../support/stored-dump.js';

const location = { prefix: 'backups', app: 'shop', database: 'bot' };
const folder = 'backups/shop/bot/';

describe('readCatalog', () => {
  test('lists our dumps newest first, good when their manifest exists, and leaves out every other key', async () => {
    const store = new MemoryStore()
      .put(`${folder}20261130T010000Z-v2.dump.zst`, '12345')
      .put(`${folder}20261130T010000Z-v2.dump.zst.manifest.json`, '{}')
      .put(`${folder}20261201T000000Z-v3.dump.zst.age`, '123')
      .put(`${folder}20251231T235959Z-v1.dump`, '1')
      .put(`${folder}20251231T235959Z-v1.dump.manifest.json`, '{}')
      // Not ours: no time pattern, a time that is no time, a manifest alone, another database.
      .put(`${folder}notes.txt`, 'x')
      .put(`${folder}latest.dump.zst`, 'x')
      .put(`${folder}20261345T000000Z-v9.dump.zst`, 'x')
      .put(`${folder}20261102T000000Z-v9.dump.zst.manifest.json`, '{}')
      .put('backups/shop/bot-old/20261130T010000Z-v2.dump.zst', 'x')
      // Not ours either: a copy moved into a subfolder by hand, a file named like a backup.
      .put(`${folder}archive/20250101T000000Z-v0.dump.zst`, 'x')
      .put(`${folder}archive/20250101T000000Z-v0.dump.zst.manifest.json`, '{}')
      .put(`${folder}20250101T000000Z-readme.txt`, 'x');

    const entries = await readCatalog(store, location);

    expect(entries.map(({ key, time, bytes, good }) => [key, time.toISOString(), bytes, good])).toEqual([
      [`${folder}20261201T000000Z-v3.dump.zst.age`, '2026-12-01T00:00:00.000Z', 3, false],
      [`${folder}20261130T010000Z-v2.dump.zst`, '2026-11-30T01:00:00.000Z', 5, true],
      [`${folder}20251231T235959Z-v1.dump`, '2025-12-31T23:59:59.000Z', 1, true],
    ]);
    expect(newestGood(entries)?.key).toBe(`${folder}20261130T010000Z-v2.dump.zst`);
  });

  test('backups of the same second sort by key, newest first', async () => {
    const store = new MemoryStore().put(`${folder}20261130T010000Z-v1.dump.zst`, 'x').put(`${folder}20261130T010000Z-v2.dump.zst`, 'x');

    expect((await readCatalog(store, location)).map((entry) => entry.key)).toEqual([`${folder}20261130T010000Z-v2.dump.zst`, `${folder}20261130T010000Z-v1.dump.zst`]);
  });

  test('no good backup means no newest good one', async () => {
    const store = new MemoryStore().put(`${folder}20261130T010000Z-v1.dump.zst`, 'x');
    expect(newestGood(await readCatalog(store, location))).toBeUndefined();
  });
});

describe('readManifest', () => {
  const key = `${folder}20261130T010000Z-v2.dump.zst`;

  test('reads a manifest this action wrote', async () => {
    const store = new MemoryStore();
    const written = await storeDump(store, key, fakeDump(1));
    expect(await readManifest(store, key)).toEqual(written);
  });

  test.each([
    ['not JSON', 'PGDMP', `The manifest of ${key} is not JSON: it was not written by this action.`],
    ['of an unknown version', JSON.stringify({ manifestVersion: 2, key, sha256: 'ab', dumpBytes: 1 }), `The manifest of ${key} is not one this action can use (version 2); restore it with the release of the suite that wrote it.`],
    ['of another key', JSON.stringify({ manifestVersion: 1, key: `${key}.other`, sha256: 'ab', dumpBytes: 1 }), `The manifest of ${key} is not one this action can use (version 1)`],
    ['without its checksum', JSON.stringify({ manifestVersion: 1, key, dumpBytes: 1 }), `The manifest of ${key} is not one this action can use (version 1)`],
    ['without its size', JSON.stringify({ manifestVersion: 1, key, sha256: 'ab' }), `The manifest of ${key} is not one this action can use (version 1)`],
    ['of no version', JSON.stringify({ key, sha256: 'ab', dumpBytes: 1 }), `The manifest of ${key} is not one this action can use (version undefined)`],
  ])('refuses a manifest %s', async (_case, text, message) => {
    const store = new MemoryStore().put(key, 'x').put(manifestKey(key), text);
    await expect(readManifest(store, key)).rejects.toThrow(message);
  });
});
