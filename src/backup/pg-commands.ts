import type { DumpFormat } from './manifest.js';

/**
 * What the suite asks PostgreSQL's tools to do, as argument lists and fixed SQL. Names travel as psql
 * variables (`-v name=...`, used as :'name' or :"name"), which psql quotes itself, so no database
 * name is ever pasted into SQL.
 */

/** psql reading a script from stdin: no psqlrc, unaligned tuples only, stop at the first error. */
export function psqlArgs(database: string, variables: Record<string, string> = {}): string[] {
  return ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', ...Object.entries(variables).flatMap(([name, value]) => ['-v', `${name}=${value}`]), '-d', database];
}

/** The database the server always has, to create, rename and drop others from. */
export const MAINTENANCE_DATABASE = 'postgres';

/**
 * Opens the transaction the dump reads from and prints, one line each, its exported snapshot, the
 * exact row count per table in that same snapshot (JSON), and the server's version. The session then
 * stays open (the snapshot lives as long as it does) until the dump is done.
 */
export const SNAPSHOT_SCRIPT = `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
SELECT pg_export_snapshot();
${rowCountsQuery()}
SELECT current_setting('server_version');
`;

/** Ends the snapshot's transaction once the dump has read everything. */
export const END_SNAPSHOT_SCRIPT = 'COMMIT;\n';

/** Exact rows per ordinary and partitioned table, as one JSON line (`{}` for an empty database). */
export function rowCountsQuery(): string {
  return (
    "SELECT coalesce(json_object_agg(n.nspname || '.' || c.relname, " +
    "(xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text::bigint " +
    "ORDER BY n.nspname, c.relname), '{}') " +
    'FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace ' +
    "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') " +
    "AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%';\n"
  );
}

/**
 * pg_dump of `database` from `snapshot`, uncompressed: compression happens in the stream on the
 * runner, which bench/pg-backup.mjs measured faster than pg_dump's own gzip and which keeps that
 * CPU off the droplet that runs the bot; a compressed custom archive would only compress twice.
 */
export function dumpArgs(format: DumpFormat, database: string, snapshot: string): string[] {
  return [`--snapshot=${snapshot}`, format === 'custom' ? '-Fc' : '-Fp', ...(format === 'custom' ? ['-Z0'] : []), '-d', database];
}

/**
 * Restores a dump read from stdin into `database`, in one transaction, stopping at the first error.
 * Ownership and grants are kept: the dump comes from this same app's database.
 */
export function restoreCommand(format: DumpFormat, database: string): { tool: 'pg_restore' | 'psql'; args: string[] } {
  return format === 'custom'
    ? { tool: 'pg_restore', args: ['--exit-on-error', '--single-transaction', '-d', database] }
    : { tool: 'psql', args: ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-o', '/dev/null', '-d', database] };
}

/**
 * Reads a whole custom archive from stdin and writes the SQL it would run to nowhere: every data block
 * is decompressed and parsed, so a truncated or damaged archive fails, unlike a TOC listing.
 */
export const READ_ARCHIVE_ARGS = ['-f', '/dev/null'];

export const CREATE_DATABASE_SCRIPT = 'CREATE DATABASE :"name";\n';
export const DROP_DATABASE_SCRIPT = 'DROP DATABASE IF EXISTS :"name" WITH (FORCE);\n';

/**
 * Puts a fully restored database in the place of `target`: the old one is dropped (its sessions
 * ended) and the new one renamed, so a restore that failed halfway never touched `target`.
 */
export const REPLACE_DATABASE_SCRIPT = `DROP DATABASE IF EXISTS :"target" WITH (FORCE);
ALTER DATABASE :"fresh" RENAME TO :"target";
`;
