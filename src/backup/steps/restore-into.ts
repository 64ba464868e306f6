import { randomBytes } from 'node:crypto';
import type { ObjectStore } from '../backup-store.js';
import type { BackupManifest } from '../manifest.js';
import { CREATE_DATABASE_SCRIPT, DROP_DATABASE_SCRIPT, MAINTENANCE_DATABASE, REPLACE_DATABASE_SCRIPT, restoreCommand, rowCountsQuery } from '../pg-commands.js';
import type { PgRunner } from '../pg-runner.js';
import { runSql } from '../sql.js';
import { readBack } from './read-back.js';

/** A database name of our own beside `database` (`<database>_<purpose>_<random>`), within PostgreSQL's 63 bytes. */
export function scratchName(database: string, purpose: 'restore' | 'verify'): string {
  return `${database.slice(0, 40)}_${purpose}_${randomBytes(4).toString('hex')}`;
}

/**
 * Restores a stored dump into a new database `name`, in one transaction. A restore that fails
 * (damaged object, wrong key, a SQL error) drops what it created: nothing else was touched.
 */
export async function restoreIntoNewDatabase(pg: PgRunner, store: ObjectStore, manifest: BackupManifest, identity: string | undefined, name: string): Promise<void> {
  await runSql(pg, MAINTENANCE_DATABASE, CREATE_DATABASE_SCRIPT, { name }, `Creating database ${name}`);
  try {
    const { tool, args } = restoreCommand(manifest.format, name);
    await readBack(pg, store, manifest, identity, { tool, args, what: `Restoring ${manifest.key} into ${name}` });
  } catch (error) {
    await dropDatabase(pg, name).catch(() => undefined);
    throw error;
  }
}

export async function dropDatabase(pg: PgRunner, name: string): Promise<void> {
  await runSql(pg, MAINTENANCE_DATABASE, DROP_DATABASE_SCRIPT, { name }, `Dropping database ${name}`);
}

/** Puts the restored `fresh` in the place of `target` (whose sessions are ended), in two statements. */
export async function replaceDatabase(pg: PgRunner, target: string, fresh: string): Promise<void> {
  await runSql(pg, MAINTENANCE_DATABASE, REPLACE_DATABASE_SCRIPT, { target, fresh }, `Replacing database ${target} with the restored ${fresh}`);
}

export async function rowCountsOf(pg: PgRunner, database: string): Promise<Record<string, number>> {
  return JSON.parse(await runSql(pg, database, rowCountsQuery(), {}, `Counting the rows of ${database}`)) as Record<string, number>;
}
