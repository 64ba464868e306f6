import { generateIdentity, identityToRecipient } from 'age-encryption';
import { dumpKey } from '../../src/backup/object-keys.js';
import { readBack, type DumpReader } from '../../src/backup/steps/read-back.js';
import { FakePg } from '../support/fake-pg.js';
import { MemoryStore } from '../support/memory-store.js';
import { fakeDump, sha256, storeDump } from '../support/stored-dump.js';

const key = dumpKey({ prefix: 'backups', app: 'shop', database: 'bot' }, new Date('2026-11-30T23:27:46Z'), 'v1.0.0', 'zstd', false);
const reader: DumpReader = { tool: 'pg_restore', args: ['--exit-on-error', '--single-transaction', '-d', 'bot_restore_1'], what: `Restoring ${key} into bot_restore_1` };

/** The reader tool's one call: the bytes it received and whether it was killed before it saw the end of its input. */
function readerCall(pg: FakePg): { bytes: Buffer; killed: boolean; sawTheEnd: boolean } {
  const calls = pg.callsOf('pg_restore');
  expect(calls).toHaveLength(1);
  const call = calls[0];
  return { bytes: call?.stdin ?? Buffer.alloc(0), killed: call?.aborted ?? false, sawTheEnd: pg.events.includes('pg_restore read to the end') };
}

describe('readBack', () => {
  test('streams the stored dump, decompressed, into the reader, checking it all the way', async () => {
    const dump = fakeDump(512);
    const store = new MemoryStore().readInChunksOf(4096);
    const manifest = await storeDump(store, key, dump);
    const pg = new FakePg();

    await readBack(pg, store, manifest, undefined, reader);

    const call = readerCall(pg);
    expect(call.bytes.equals(dump)).toBe(true);
    expect([call.killed, call.sawTheEnd]).toEqual([false, true]);
    expect(pg.callsOf('pg_restore')[0]?.args).toEqual(reader.args);
  });

  test.each(['gzip', 'none'] as const)('reads a %s dump back', async (compression) => {
    const dump = fakeDump(64);
    const store = new MemoryStore();
    const manifest = await storeDump(store, key, dump, { compression });
    const pg = new FakePg();

    await readBack(pg, store, manifest, undefined, reader);

    expect(readerCall(pg).bytes.equals(dump)).toBe(true);
  });

  test('an object whose SHA-256 differs from its manifest fails, and the reader never sees the end of its input', async () => {
    const store = new MemoryStore();
    const manifest = await storeDump(store, key, fakeDump(256));
    const stored = store.bytes(key);
    const damaged = sha256(Buffer.concat([stored, Buffer.from('x')]));
    store.put(key, Buffer.concat([stored, Buffer.from('x')]));
    const pg = new FakePg();

    await expect(readBack(pg, store, manifest, undefined, reader)).rejects.toThrow(
      `${key} does not match its manifest (SHA-256 ${damaged}, expected ${manifest.sha256}): the object is damaged; nothing was restored from it.`,
    );
    expect(readerCall(pg)).toMatchObject({ killed: true, sawTheEnd: false });
  });

  test('a dump of another size than its manifest says fails', async () => {
    const dump = fakeDump(64);
    const store = new MemoryStore();
    const manifest = await storeDump(store, key, dump, { overrides: { dumpBytes: dump.length + 1 } });

    await expect(readBack(new FakePg(), store, manifest, undefined, reader)).rejects.toThrow(
      `${key} holds a ${dump.length}-byte dump, but its manifest says ${dump.length + 1}: the object is damaged.`,
    );
  });

  test('an object that matches its manifest but is no compressed dump fails as damaged', async () => {
    const store = new MemoryStore();
    const garbage = Buffer.from('this is not zstd at all');
    const manifest = await storeDump(store, key, fakeDump(4), { overrides: { sha256: sha256(garbage) } });
    store.put(key, garbage);
    const pg = new FakePg();

    await expect(readBack(pg, store, manifest, undefined, reader)).rejects.toThrow(
      new RegExp(`^${key.replace(/\./g, '\\.')} could not be read back \\(.+\\): the object is damaged or not a dump of this suite\\.$`),
    );
    expect(readerCall(pg)).toMatchObject({ killed: true, sawTheEnd: false });
  });

  test('the reader failing rejects with its first error line, and stops the stream it stopped reading', async () => {
    const store = new MemoryStore();
    const manifest = await storeDump(store, key, fakeDump(1024));
    const pg = new FakePg().on('pg_restore', {
      code: 1,
      reads: 1000,
      stderr:
        'pg_restore: while PROCESSING TOC:\npg_restore: from TOC entry 215; 1259 16386 TABLE users bot\npg_restore: error: could not execute query: ERROR:  relation "users" already exists\nCommand was: CREATE TABLE public.users (id integer);\n',
    });

    await expect(readBack(pg, store, manifest, undefined, reader)).rejects.toThrow(
      `Restoring ${key} into bot_restore_1 failed (fake-db:5432) with exit code 1: pg_restore: error: could not execute query: ERROR:  relation "users" already exists.`,
    );
    expect(readerCall(pg).bytes).toHaveLength(1000);
  });

  test('a reader that exits 0 before reading the last bytes still gets every check', async () => {
    // pg_restore does not read a custom archive's trailing bytes; the stream must still reach its end.
    const dump = fakeDump(1024);
    const store = new MemoryStore();
    const manifest = await storeDump(store, key, dump);
    const pg = new FakePg().on('pg_restore', { reads: 100 * 1024 });

    await readBack(pg, store, manifest, undefined, reader);

    expect(readerCall(pg).bytes.equals(dump.subarray(0, 100 * 1024))).toBe(true);
  });

  test('without a reader the bytes are only checked, and no tool runs', async () => {
    const store = new MemoryStore();
    const manifest = await storeDump(store, key, fakeDump(64));
    const pg = new FakePg();

    await readBack(pg, store, manifest, undefined);
    await expect(readBack(pg, store, { ...manifest, sha256: sha256(Buffer.from('other')) }, undefined)).rejects.toThrow('does not match its manifest');
    expect(pg.calls).toEqual([]);
  });

  describe('encrypted', () => {
    test('without an identity fails before reading anything', async () => {
      const identity = await generateIdentity();
      const store = new MemoryStore();
      const manifest = await storeDump(store, `${key}.age`, fakeDump(8), { recipients: [await identityToRecipient(identity)] });
      store.calls.length = 0;
      const pg = new FakePg();

      await expect(readBack(pg, store, manifest, undefined, reader)).rejects.toThrow(
        `${key}.age is encrypted (age): give its identity as the secret input \`decrypt-identity\`.`,
      );
      expect([store.calls, pg.calls]).toEqual([[], []]);
    });

    test('its identity reads the original dump back into the reader', async () => {
      const identity = await generateIdentity();
      const dump = fakeDump(300);
      const store = new MemoryStore().readInChunksOf(10_000);
      const manifest = await storeDump(store, `${key}.age`, dump, { recipients: [await identityToRecipient(await generateIdentity()), await identityToRecipient(identity)] });
      const pg = new FakePg();

      await readBack(pg, store, manifest, identity, reader);

      expect(readerCall(pg).bytes.equals(dump)).toBe(true);
    });

    test('another identity restores nothing', async () => {
      const store = new MemoryStore();
      const manifest = await storeDump(store, `${key}.age`, fakeDump(64), { recipients: [await identityToRecipient(await generateIdentity())] });
      const pg = new FakePg();

      await expect(readBack(pg, store, manifest, await generateIdentity(), reader)).rejects.toThrow(
        new RegExp(`^Could not decrypt ${key.replace(/\./g, '\\.')}\\.age with \`decrypt-identity\` \\(.+\\): give the identity whose public key is among the backup's encrypt-recipients\\.$`),
      );
      expect(readerCall(pg)).toMatchObject({ bytes: Buffer.alloc(0), killed: true, sawTheEnd: false });
    });
  });
});
