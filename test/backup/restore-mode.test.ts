import { generateIdentity, identityToRecipient } from 'age-encryption';
import { dumpKey } from '../../src/backup/object-keys.js';
import { CREATE_DATABASE_SCRIPT, DROP_DATABASE_SCRIPT, MAINTENANCE_DATABASE, REPLACE_DATABASE_SCRIPT } from '../../src/backup/pg-commands.js';
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
    [CREATE_DATABASE_SCRIPT, 'create'],
    [DROP_DATABASE_SCRIPT, 'drop'],
    [REPLACE_DATABASE_SCRIPT, 'replace'],
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
const freshOf = (pg: FakePg): string => /name=(\S+)/.exec(serverSteps(pg)[0] ?? '')?.[1] ?? '';

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
    expect(serverSteps(pg)).toEqual([`create in ${MAINTENANCE_DATABASE} name=${fresh}`, `pg_restore -d ${fresh}`, `replace in ${MAINTENANCE_DATABASE} target=bot fresh=${fresh}`]);
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
    expect(serverSteps(pg)).toEqual([`create in ${MAINTENANCE_DATABASE} name=${fresh}`, `pg_restore -d ${fresh}`, `drop in ${MAINTENANCE_DATABASE} name=${fresh}`]);
  });

  test('a damaged object stops the restore before its end: the fresh database is dropped, the old one untouched', async () => {
    const store = new MemoryStore();
    await storeDump(store, key, fakeDump(256), { overrides: { sha256: sha256(Buffer.from('another object')) } });
    const pg = new FakePg();

    await expect(restoreMode(config, store, pgEnv(pgHost(pg)))).rejects.toThrow(`${key} does not match its manifest`);
    const fresh = freshOf(pg);
    expect(serverSteps(pg)).toEqual([`create in ${MAINTENANCE_DATABASE} name=${fresh}`, `pg_restore -d ${fresh} (killed)`, `drop in ${MAINTENANCE_DATABASE} name=${fresh}`]);
  });

  test('a fresh database that cannot be created stops everything', async () => {
    const store = new MemoryStore();
    await storeDump(store, key, fakeDump(16));
    const pg = new FakePg().onScript(CREATE_DATABASE_SCRIPT, { code: 3, stderr: 'psql:<stdin>:1: ERROR:  permission denied to create database\n' });

    await expect(restoreMode(config, store, pgEnv(pgHost(pg)))).rejects.toThrow(
      /^Creating database bot_restore_[0-9a-f]{8} failed \(compose service db of shop on web1\): psql:<stdin>:1: ERROR:  permission denied to create database\.$/,
    );
    expect(serverSteps(pg)).toHaveLength(1);
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
    expect(serverSteps(pg).map((step) => step.split(' ')[0])).toEqual(['create', 'pg_restore', 'replace']);
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
    expect(serverSteps(pg).map((step) => step.split(' ')[0])).toEqual(['create', 'psql', 'replace']);
  });
});
