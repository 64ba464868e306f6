import { zstdDecompressSync } from 'node:zlib';
import type { BackupManifest } from '../../src/backup/manifest.js';
import { dumpKey } from '../../src/backup/object-keys.js';
import { END_SNAPSHOT_SCRIPT, SNAPSHOT_SCRIPT } from '../../src/backup/pg-commands.js';
import { dumpToStore, type DumpPlan } from '../../src/backup/steps/dump.js';
import { RecordingLog } from '../../src/log/recording-log.js';
import { FakePg, ROW_COUNTS, SERVER_VERSION, SNAPSHOT_ID } from '../support/fake-pg.js';
import { MemoryStore } from '../support/memory-store.js';
import { sha256 } from '../support/stored-dump.js';

const location = { prefix: 'backups', app: 'shop', database: 'bot' };
const key = dumpKey(location, new Date('2026-11-30T23:27:46Z'), 'v1.0.0', 'zstd', false);
const plan: DumpPlan = { key, app: 'shop', database: 'bot', format: 'custom', compression: 'zstd', recipients: [], version: 'v1.0.0', gitSha: 'abc123' };

/** pg_dump's output in `count` chunks of 64 KiB, each different, so a lost or reordered chunk shows. */
function dumpChunks(count: number): Buffer[] {
  return Array.from({ length: count }, (_, index) => Buffer.alloc(64 * 1024, `PGDMP chunk ${index} `));
}

/** The snapshot session's stdin, and whether it was ended with COMMIT after pg_dump exited. */
function snapshotSession(pg: FakePg): { stdin: string; committedAfterDump: boolean } {
  const session = pg.calls.find((call) => call.tool === 'psql' && call.stdinStream && call.stdoutStream);
  const dumpExit = pg.events.findIndex((event) => /^pg_dump (exited|killed)/.test(event));
  const sessionEnd = pg.events.indexOf('psql read to the end');
  return { stdin: session?.stdin.toString() ?? '', committedAfterDump: dumpExit >= 0 && sessionEnd > dumpExit };
}

describe('dumpToStore', () => {
  test('a good dump is stored compressed, byte for byte, with a manifest of its snapshot', async () => {
    const chunks = dumpChunks(5);
    const pg = new FakePg().on('pg_dump', { stdout: chunks });
    const store = new MemoryStore();

    const manifest = await dumpToStore(pg, store, plan, new RecordingLog());

    const stored = store.bytes(key);
    expect(zstdDecompressSync(stored).equals(Buffer.concat(chunks))).toBe(true);
    expect(stored.length).toBeLessThan(Buffer.concat(chunks).length);
    const written = JSON.parse(store.bytes(`${key}.manifest.json`).toString()) as BackupManifest;
    expect(written).toEqual(manifest);
    expect(manifest).toMatchObject({
      manifestVersion: 1,
      app: 'shop',
      database: 'bot',
      key,
      format: 'custom',
      compression: 'zstd',
      encryptRecipients: [],
      sha256: sha256(stored),
      dumpBytes: 5 * 64 * 1024,
      objectBytes: stored.length,
      pgDumpVersion: SERVER_VERSION,
      serverVersion: SERVER_VERSION,
      appVersion: 'v1.0.0',
      gitSha: 'abc123',
      rowCounts: ROW_COUNTS,
    });
    expect(pg.callsOf('pg_dump').map((call) => call.args)).toEqual([[`--snapshot=${SNAPSHOT_ID}`, '-Fc', '-Z0', '-d', 'bot']]);
    // The manifest vouches for a complete object: it is written after the upload.
    expect(store.calls).toEqual([`upload ${key}`, `writeText ${key}.manifest.json`]);
    // The snapshot stays open until pg_dump has read everything, then ends with COMMIT.
    expect(snapshotSession(pg)).toEqual({ stdin: SNAPSHOT_SCRIPT + END_SNAPSHOT_SCRIPT, committedAfterDump: true });
  });

  test('a plain dump without compression is stored as pg_dump wrote it', async () => {
    const chunks = dumpChunks(2);
    const pg = new FakePg().on('pg_dump', { stdout: chunks });
    const store = new MemoryStore();

    const manifest = await dumpToStore(pg, store, { ...plan, format: 'plain', compression: 'none' }, new RecordingLog());

    expect(store.bytes(key).equals(Buffer.concat(chunks))).toBe(true);
    expect(manifest.sha256).toBe(sha256(Buffer.concat(chunks)));
    expect(pg.callsOf('pg_dump')[0]?.args).toEqual([`--snapshot=${SNAPSHOT_ID}`, '-Fp', '-d', 'bot']);
  });

  // Over SSH the exit status comes after the end of the output: the end of the stream is no success.
  test.each([
    ['with the end of its output', undefined],
    ['after the end of its output', 200],
  ])('pg_dump failing after it wrote bytes, its exit reported %s, stores nothing: no object, no manifest', async (_when, exitAfterMs) => {
    const pg = new FakePg().on('pg_dump', {
      stdout: dumpChunks(3),
      code: 1,
      stderr: 'pg_dump: error: Dumping the contents of table "messages" failed: PQgetResult() failed.\npg_dump: detail: Error message from server: server closed the connection unexpectedly\n',
      ...(exitAfterMs === undefined ? {} : { exitAfterMs }),
    });
    const store = new MemoryStore();

    await expect(dumpToStore(pg, store, plan, new RecordingLog())).rejects.toThrow(
      'pg_dump of bot (fake-db:5432) failed with exit code 1: pg_dump: error: Dumping the contents of table "messages" failed: PQgetResult() failed; no backup was stored.',
    );
    expect(store.keys).toEqual([]);
    expect(store.calls).toEqual([`upload ${key}`]);
    expect(snapshotSession(pg).stdin).toContain(END_SNAPSHOT_SCRIPT);
  });

  test('pg_dump writing nothing stores nothing', async () => {
    const pg = new FakePg().on('pg_dump', { code: 0 });
    const store = new MemoryStore();

    await expect(dumpToStore(pg, store, plan, new RecordingLog())).rejects.toThrow('pg_dump of bot wrote nothing; no backup was stored.');
    expect(store.keys).toEqual([]);
  });

  test('a pg_dump older than the server names the client package to install', async () => {
    const pg = new FakePg()
      .snapshot({ serverVersion: '17.2' })
      .on('pg_dump', { code: 1, stderr: 'pg_dump: error: aborting because of server version mismatch\npg_dump: detail: server version: 17.2; pg_dump version: 16.4\n' });
    const store = new MemoryStore();

    await expect(dumpToStore(pg, store, plan, new RecordingLog())).rejects.toThrow(
      'pg_dump 16.4 is older than the server (PostgreSQL 17.2) at fake-db:5432: install postgresql-client-17 on the runner; no backup was stored.',
    );
    expect(store.keys).toEqual([]);
  });

  test('the store failing mid-upload kills pg_dump and still ends the snapshot session', async () => {
    // pg_dump keeps producing (it never exits by itself): only the abort can stop it.
    const pg = new FakePg().on('pg_dump', { stdout: dumpChunks(64), hangs: true });
    const failure = new Error('The store at memory failed with HTTP 503');
    const store = new MemoryStore().failUploads({ afterBytes: 1, error: failure });

    await expect(dumpToStore(pg, store, plan, new RecordingLog())).rejects.toBe(failure);
    expect(pg.callsOf('pg_dump')[0]?.aborted).toBe(true);
    expect(snapshotSession(pg)).toEqual({ stdin: SNAPSHOT_SCRIPT + END_SNAPSHOT_SCRIPT, committedAfterDump: true });
    expect(store.keys).toEqual([]);
    expect(store.calls).toEqual([`upload ${key}`]);
  });

  test('a manifest that cannot be written takes its dump away', async () => {
    const pg = new FakePg().on('pg_dump', { stdout: dumpChunks(2) });
    const failure = new Error('The store at memory denied access');
    const store = new MemoryStore().failWriteText((written) => (written.endsWith('.manifest.json') ? failure : undefined));

    await expect(dumpToStore(pg, store, plan, new RecordingLog())).rejects.toBe(failure);
    expect(store.calls).toEqual([`upload ${key}`, `writeText ${key}.manifest.json`, `remove ${key}`]);
    expect(store.keys).toEqual([]);
  });

  test('a snapshot that cannot be opened fails with psql\'s reason, before pg_dump runs', async () => {
    const pg = new FakePg().snapshotAnswers({ code: 2, stderr: 'psql: error: connection to server at "db" failed: FATAL:  password authentication failed for user "bot"\n', reads: 0 });
    const store = new MemoryStore();

    await expect(dumpToStore(pg, store, plan, new RecordingLog())).rejects.toThrow(
      'Could not open a snapshot of database bot (fake-db:5432): psql: error: connection to server at "db" failed: FATAL:  password authentication failed for user "bot".',
    );
    expect(pg.callsOf('pg_dump')).toEqual([]);
    expect(store.calls).toEqual([]);
  });

  test('pg_dump missing where it must run says to install the client tools', async () => {
    const pg = new FakePg();
    pg.versions.delete('pg_dump');

    await expect(dumpToStore(pg, new MemoryStore(), plan, new RecordingLog())).rejects.toThrow(
      'pg_dump is not installed where it must run (fake-db:5432): install PostgreSQL\'s client tools there.',
    );
    expect(pg.calls).toEqual([]);
  });
});
