import { randomBytes } from 'node:crypto';
import type { ObjectStore } from '../backup-store.js';
import type { BackupManifest } from '../manifest.js';
import { messageOf } from '../../errors/message-of.js';
import { UserError } from '../../errors/user-error.js';
import type { Log } from '../../log/log.js';
import {
  CLOSE_DATABASE_SCRIPT,
  CREATE_DATABASE_LIKE_SCRIPT,
  CREATE_DATABASE_SCRIPT,
  DATABASE_PROPERTIES_QUERY,
  DROP_DATABASE_SCRIPT,
  MAINTENANCE_DATABASE,
  OPEN_DATABASE_SCRIPT,
  RENAME_DATABASE_SCRIPT,
  restoreCommand,
  rowCountsQuery,
  SCRATCH_DATABASES_QUERY,
  SWAP_DATABASES_SCRIPT,
} from '../pg-commands.js';
import type { PgRunner } from '../pg-runner.js';
import { runSql } from '../sql.js';
import { readBack } from './read-back.js';

/** A database name of our own beside `database` (`<database>_<purpose>_<random>`), within PostgreSQL's 63 bytes. */
export function scratchName(database: string, purpose: 'restore' | 'verify' | 'replaced'): string {
  return `${database.slice(0, 40)}_${purpose}_${randomBytes(4).toString('hex')}`;
}

/**
 * Restores a stored dump into a new database `name`, made like `like` (owner, encoding, locale) when
 * that exists, in one transaction, and says whether `like` exists. A restore that fails (damaged
 * object, wrong key, a SQL error) drops what it created: nothing else was touched.
 */
export async function restoreIntoNewDatabase(pg: PgRunner, store: ObjectStore, manifest: BackupManifest, identity: string | undefined, name: string, like: string): Promise<{ likeExists: boolean }> {
  const properties = await databaseProperties(pg, like);
  await runSql(pg, MAINTENANCE_DATABASE, properties ? CREATE_DATABASE_LIKE_SCRIPT : CREATE_DATABASE_SCRIPT, { name, ...properties }, `Creating database ${name}`);
  try {
    const { tool, args } = restoreCommand(manifest.format, name);
    await readBack(pg, store, manifest, identity, { tool, args, what: `Restoring ${manifest.key} into ${name}` });
  } catch (error) {
    await dropDatabase(pg, name).catch(() => undefined);
    throw error;
  }
  return { likeExists: properties !== undefined };
}

export async function dropDatabase(pg: PgRunner, name: string): Promise<void> {
  await runSql(pg, MAINTENANCE_DATABASE, DROP_DATABASE_SCRIPT, { name }, `Dropping database ${name}`);
}

/**
 * Puts the restored `fresh` in the place of `target`: closed to new sessions, its open ones ended,
 * then both renames in one transaction, then the old copy dropped. If the swap fails, `target` is
 * opened again as it was and `fresh` is dropped.
 */
export async function replaceDatabase(pg: PgRunner, target: string, fresh: string, targetExists: boolean, log: Log): Promise<void> {
  if (!targetExists) {
    await runSql(pg, MAINTENANCE_DATABASE, RENAME_DATABASE_SCRIPT, { fresh, target }, `Renaming the restored ${fresh} to ${target}`);
    return;
  }
  const old = scratchName(target, 'replaced');
  try {
    await runSql(pg, MAINTENANCE_DATABASE, CLOSE_DATABASE_SCRIPT, { target }, `Closing database ${target} to new sessions`);
    await runSql(pg, MAINTENANCE_DATABASE, SWAP_DATABASES_SCRIPT, { target, fresh, old }, `Swapping the restored ${fresh} in for ${target}`);
  } catch (error) {
    await runSql(pg, MAINTENANCE_DATABASE, OPEN_DATABASE_SCRIPT, { target }, `Opening database ${target} again`).catch(() => undefined);
    await dropDatabase(pg, fresh).catch(() => undefined);
    throw new UserError(`${messageOf(error).replace(/\.$/, '')}; database ${target} is as it was.`);
  }
  await dropDatabase(pg, old).catch((error: unknown) => {
    log.warning(`The replaced copy of ${target} is left as database ${old} (${messageOf(error).replace(/\.$/, '')}): drop it once the restore is confirmed.`);
  });
}

/**
 * Drops the scratch databases (`<database>_verify_…`, `<database>_restore_…`) of runs that died:
 * only under the deploy lock, where no other run of this app can still be using one.
 */
export async function dropDeadScratchDatabases(pg: PgRunner, database: string, log: Log): Promise<void> {
  const names = (await runSql(pg, MAINTENANCE_DATABASE, SCRATCH_DATABASES_QUERY, { prefix: database.slice(0, 40) }, 'Listing scratch databases')).split('\n').filter((name) => name !== '');
  for (const name of names) {
    await dropDatabase(pg, name);
    log.info(`Dropped the scratch database ${name}, left by a run that died.`);
  }
}

/** The owner, encoding and locale of `name`, or undefined when there is no such database. */
async function databaseProperties(pg: PgRunner, name: string): Promise<Record<'owner' | 'encoding' | 'collate' | 'ctype', string> | undefined> {
  const line = (await runSql(pg, MAINTENANCE_DATABASE, DATABASE_PROPERTIES_QUERY, { name }, `Reading database ${name}'s settings`)).trim();
  return line === '' ? undefined : (JSON.parse(line) as Record<'owner' | 'encoding' | 'collate' | 'ctype', string>);
}

export async function rowCountsOf(pg: PgRunner, database: string): Promise<Record<string, number>> {
  return JSON.parse(await runSql(pg, database, rowCountsQuery(), {}, `Counting the rows of ${database}`)) as Record<string, number>;
}
