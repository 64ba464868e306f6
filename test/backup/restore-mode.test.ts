import { generateIdentity, identityToRecipient } from 'age-encryption';
import { dumpKey } from '../../src/backup/object-keys.js';
import {
  CLOSE_DATABASE_SCRIPT,
  CREATE_DATABASE_LIKE_SCRIPT,
  CREATE_DATABASE_SCRIPT,
  DATABASE_PROPERTIES_QUERY,
  DROP_DATABASE_SCRIPT,
  MAINTENANCE_DATABASE,
  OPEN_DATABASE_SCRIPT,
  RENAME_DATABASE_SCRIPT,
  SCRATCH_DATABASES_QUERY,
  SWAP_DATABASES_SCRIPT,
} from '../../src/backup/pg-commands.js';
import { restoreMode } from '../../src/backup/modes/restore-mode.js';
import { backupConfig } from '../support/backup-settings.js';
import { databaseOf, FakePg } from '../support/fake-pg.js';
import { MemoryStore } from '../support/memory-store.js';
import { pgEnv, pgHost } from '../support/pg-host.js';
import { fakeDump, sha256, storeDump } from '../support/stored-dump.js';

const location = { prefix: 'backups', app: 'shop', database: 'bot' };
const keyAt = (time: string, version = 'v1.0.0'): string => dumpKey(location, new Date(time), version, 'zstd', false);
const key = keyAt('2026-11-30T23:27:46Z');
const config = backupConfig({ mode: 'restore' });

/** What the database server was asked, in order: each psql script by name with its variables, and the restores. */
function serverSteps(pg: FakePg): string[] {
  const names = new Map([
    [SCRATCH_DATABASES_QUERY, 'scratch'],
    [DATABASE_PROPERTIES_QUERY, 'properties'],
    [CREATE_DATABASE_SCRIPT, 'create'],
    [CREATE_DATABASE_LIKE_SCRIPT, 'create like'],
    [DROP_DATABASE_SCRIPT, 'drop'],
    [RENAME_DATABASE_SCRIPT, 'rename'],
    [CLOSE_DATABASE_SCRIPT, 'close'],
    [SWAP_DATABASES_SCRIPT, 'swap'],
    [OPEN_DATABASE_SCRIPT, 'open'],
  ]);
  return pg.calls.map((call) => {
    if (call.tool === 'psql' && call.script !== undefined) {
      const variables = call.args.flatMap((arg, at) => (call.args[at - 1] === '-v' && !arg.startsWith('ON_ERROR_STOP') ? [arg] : []));
      return `${names.get(call.script) ?? call.script} in ${databaseOf(call.args)} ${variables.join(' ')}`;
    }
    return `${call.tool} -d ${databaseOf(call.args)}${call.aborted ? ' (killed)' : ''}`;
  });
}

/** The fresh database the restore went into. */
const freshOf = (pg: FakePg): string => /name=(\S+)/.exec(serverSteps(pg).find((step) => step.startsWith('create')) ?? '')?.[1] ?? '';
/** What every restore asks first: leftovers of dead runs (under the lock), then the target's settings. */
const before = [`scratch in ${MAINTENANCE_DATABASE} prefix=bot`, `properties in ${MAINTENANCE_DATABASE} name=bot`];
/** The owner, encoding and locale of an existing `bot`. */
const botProperties = { stdout: '{"owner" : "bot", "encoding" : "UTF8", "collate" : "C.UTF-8", "ctype" : "C.UTF-8"}\n' };

describe('restoreMode', () => {
  test('restores into a fresh database, and only then puts it in the place of the old one, under the deploy lock', async () => {
    const dump = fakeDump(256);
    const store = new MemoryStore();
    await storeDump(store, key, dump);
    const pg = new FakePg();
    const session = pgHost(pg);

    const result = await restoreMode(config, store, pgEnv(session));

    const fresh = freshOf(pg);
    expect(fresh).toMatch(/^bot_restore_[0-9a-f]{8}$/);
    // `bot` no longer exists here (FakePg knows no database): the restored one is renamed into its place.
    expect(serverSteps(pg)).toEqual([
      ...before,
      `create in ${MAINTENANCE_DATABASE} name=${fresh}`,
      `pg_restore -d ${fresh}`,
      `rename in ${MAINTENANCE_DATABASE} fresh=${fresh} target=bot`,
    ]);
    expect(pg.callsOf('pg_restore')[0]?.args).toEqual(['--exit-on-error', '--single-transaction', '-d', fresh]);
    expect(pg.callsOf('pg_restore')[0]?.stdin.equals(dump)).toBe(true);
    expect(result).toMatchObject({ mode: 'restore', manifest: { key } });
    const lines = session.lines;
    const locked = lines.findIndex((line) => line.includes('echo acquired'));
    const released = lines.findIndex((line) => line.includes('rm -f "$1"; fi'));
    const restores = lines.map((line, at) => (line.startsWith('docker exec') ? at : -1)).filter((at) => at >= 0);
    expect(locked).toBeGreaterThanOrEqual(0);
    expect(Math.min(...restores)).toBeGreaterThan(locked);
    expect(released).toBeGreaterThan(Math.max(...restores));
  });

  test('a restore that fails drops the fresh database and never replaces the old one', async () => {
    const store = new MemoryStore();
    await storeDump(store, key, fakeDump(256));
    const pg = new FakePg().on('pg_restore', { code: 1, reads: 4096, stderr: 'pg_restore: error: could not execute query: ERROR:  role "bot_owner" does not exist\n' });

    await expect(restoreMode(config, store, pgEnv(pgHost(pg)))).rejects.toThrow(
      /^Restoring backups\/shop\/bot\/20261130T232746Z-v1\.0\.0\.dump\.zst into bot_restore_[0-9a-f]{8} failed \(compose service db of shop on web1\) with exit code 1: pg_restore: error: could not execute query: ERROR:  role "bot_owner" does not exist\.$/,
    );
    const fresh = freshOf(pg);
    expect(serverSteps(pg)).toEqual([...before, `create in ${MAINTENANCE_DATABASE} name=${fresh}`, `pg_restore -d ${fresh}`, `drop in ${MAINTENANCE_DATABASE} name=${fresh}`]);
  });

  test('a damaged object stops the restore before its end: the fresh database is dropped, the old one untouched', async () => {
    const store = new MemoryStore();
    await storeDump(store, key, fakeDump(256), { overrides: { sha256: sha256(Buffer.from('another object')) } });
    const pg = new FakePg();

    await expect(restoreMode(config, store, pgEnv(pgHost(pg)))).rejects.toThrow(`${key} does not match its manifest`);
    const fresh = freshOf(pg);
    expect(serverSteps(pg)).toEqual([...before, `create in ${MAINTENANCE_DATABASE} name=${fresh}`, `pg_restore -d ${fresh} (killed)`, `drop in ${MAINTENANCE_DATABASE} name=${fresh}`]);
  });

  test('a fresh database that cannot be created stops everything', async () => {
    const store = new MemoryStore();
    await storeDump(store, key, fakeDump(16));
    const pg = new FakePg().onScript(CREATE_DATABASE_SCRIPT, { code: 3, stderr: 'psql:<stdin>:1: ERROR:  permission denied to create database\n' });

    await expect(restoreMode(config, store, pgEnv(pgHost(pg)))).rejects.toThrow(
      /^Creating database bot_restore_[0-9a-f]{8} failed \(compose service db of shop on web1\): psql:<stdin>:1: ERROR:  permission denied to create database\.$/,
    );
    expect(serverSteps(pg)).toHaveLength(before.length + 1);
  });

  test('over an existing database: created like it, then closed, swapped in one transaction, the old copy dropped', async () => {
    const store = new MemoryStore();
    await storeDump(store, key, fakeDump(64));
    const pg = new FakePg().onScript(DATABASE_PROPERTIES_QUERY, botProperties);

    await restoreMode(config, store, pgEnv(pgHost(pg)));

    const fresh = freshOf(pg);
    const old = /old=(\S+)/.exec(serverSteps(pg).find((step) => step.startsWith('swap')) ?? '')?.[1] ?? '';
    expect(old).toMatch(/^bot_replaced_[0-9a-f]{8}$/);
    expect(serverSteps(pg)).toEqual([
      ...before,
      `create like in ${MAINTENANCE_DATABASE} name=${fresh} owner=bot encoding=UTF8 collate=C.UTF-8 ctype=C.UTF-8`,
      `pg_restore -d ${fresh}`,
      `close in ${MAINTENANCE_DATABASE} target=bot`,
      `swap in ${MAINTENANCE_DATABASE} target=bot fresh=${fresh} old=${old}`,
      `drop in ${MAINTENANCE_DATABASE} name=${old}`,
    ]);
  });

  test('drops the scratch databases of runs that died before restoring, under the lock', async () => {
    const store = new MemoryStore();
    await storeDump(store, key, fakeDump(16));
    const pg = new FakePg().onScript(SCRATCH_DATABASES_QUERY, { stdout: 'bot_restore_0badf00d\nbot_verify_12345678\n' });

    await restoreMode(config, store, pgEnv(pgHost(pg)));

    expect(serverSteps(pg).slice(0, 4)).toEqual([
      `scratch in ${MAINTENANCE_DATABASE} prefix=bot`,
      `drop in ${MAINTENANCE_DATABASE} name=bot_restore_0badf00d`,
      `drop in ${MAINTENANCE_DATABASE} name=bot_verify_12345678`,
      `properties in ${MAINTENANCE_DATABASE} name=bot`,
    ]);
  });

  test('a swap that fails opens the old database again and drops the restored one', async () => {
    const store = new MemoryStore();
    await storeDump(store, key, fakeDump(64));
    const pg = new FakePg()
      .onScript(DATABASE_PROPERTIES_QUERY, botProperties)
      .onScript(SWAP_DATABASES_SCRIPT, { code: 3, stderr: 'psql:<stdin>:2: ERROR:  database "bot" is being accessed by other users\n' });

    await expect(restoreMode(config, store, pgEnv(pgHost(pg)))).rejects.toThrow(
      /^Swapping the restored bot_restore_[0-9a-f]{8} in for bot failed \(compose service db of shop on web1\): psql:<stdin>:2: ERROR:  database "bot" is being accessed by other users; database bot is as it was\.$/,
    );
    const fresh = freshOf(pg);
    expect(serverSteps(pg).slice(-3)).toEqual([expect.stringMatching(/^swap /), `open in ${MAINTENANCE_DATABASE} target=bot`, `drop in ${MAINTENANCE_DATABASE} name=${fresh}`]);
  });

  test('without restore-key restores the newest good backup, passing over a newer one without manifest', async () => {
    const store = new MemoryStore();
    await storeDump(store, keyAt('2026-11-29T01:00:00Z', 'v0.9.0'), fakeDump(8));
    await storeDump(store, key, fakeDump(8));
    store.put(keyAt('2026-12-01T01:00:00Z', 'v1.1.0'), 'an upload still in progress');
    const pg = new FakePg();

    const result = await restoreMode(config, store, pgEnv(pgHost(pg)));

    expect(result.manifest.key).toBe(key);
    expect(store.calls.filter((call) => call.startsWith('read '))).toEqual([`read ${key}`]);
  });

  test('restore-key names the backup to restore', async () => {
    const older = keyAt('2026-11-29T01:00:00Z', 'v0.9.0');
    const store = new MemoryStore();
    await storeDump(store, older, fakeDump(8));
    await storeDump(store, key, fakeDump(8));

    const result = await restoreMode(backupConfig({ mode: 'restore', restoreKey: older }), store, pgEnv(pgHost(new FakePg())));

    expect(result.manifest.key).toBe(older);
  });

  test.each([
    ['a restore-key of another database', { restoreKey: 'backups/shop/other/20261130T232746Z-v1.0.0.dump.zst' }, 'Input `restore-key` backups/shop/other/20261130T232746Z-v1.0.0.dump.zst is not a backup of bot of shop: its key must start with backups/shop/bot/.'],
    ['no good backup', {}, 'There is no complete backup under memory/backups/shop/bot/ to restore.'],
  ])('%s fails before connecting', async (_case, overrides, message) => {
    const store = new MemoryStore().put(key, 'a dump without manifest');
    const env = pgEnv(pgHost(new FakePg()));

    await expect(restoreMode(backupConfig({ mode: 'restore', ...overrides }), store, env)).rejects.toThrow(message);
    expect(env.connected()).toBe(0);
  });

  test('an encrypted backup without identity fails before connecting', async () => {
    const store = new MemoryStore();
    await storeDump(store, `${key}.age`, fakeDump(8), { recipients: [await identityToRecipient(await generateIdentity())] });
    const env = pgEnv(pgHost(new FakePg()));

    await expect(restoreMode(config, store, env)).rejects.toThrow(`${key}.age is encrypted (age): give its identity as the secret input \`decrypt-identity\`.`);
    expect(env.connected()).toBe(0);
  });

  test('an encrypted backup restores with its identity', async () => {
    const identity = await generateIdentity();
    const dump = fakeDump(64);
    const store = new MemoryStore();
    await storeDump(store, `${key}.age`, dump, { recipients: [await identityToRecipient(identity)] });
    const pg = new FakePg();

    await restoreMode(backupConfig({ mode: 'restore', identity }), store, pgEnv(pgHost(pg)));

    expect(pg.callsOf('pg_restore')[0]?.stdin.equals(dump)).toBe(true);
    expect(serverSteps(pg).map((step) => step.split(' ')[0])).toEqual(['scratch', 'properties', 'create', 'pg_restore', 'rename']);
  });

  test('a plain dump is restored by psql in one transaction', async () => {
    const dump = fakeDump(32);
    const store = new MemoryStore();
    await storeDump(store, key, dump, { overrides: { format: 'plain' } });
    const pg = new FakePg();

    await restoreMode(config, store, pgEnv(pgHost(pg)));

    const fresh = freshOf(pg);
    const restore = pg.callsOf('psql').find((call) => call.stdinStream);
    expect(restore?.args).toEqual(['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-o', '/dev/null', '-d', fresh]);
    expect(restore?.stdin.equals(dump)).toBe(true);
    expect(serverSteps(pg).map((step) => step.split(' ')[0])).toEqual(['scratch', 'properties', 'create', 'psql', 'rename']);
  });
});
