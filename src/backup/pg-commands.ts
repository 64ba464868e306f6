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

/** The owner, encoding and locale of database `name`, as one JSON line (nothing when it does not exist). */
export const DATABASE_PROPERTIES_QUERY =
  "SELECT json_build_object('owner', pg_get_userbyid(datdba), 'encoding', pg_encoding_to_char(encoding), 'collate', datcollate, 'ctype', datctype) FROM pg_database WHERE datname = :'name';\n";

/**
 * A database for a restore, from template0 (template1 may hold objects the dump also creates), with
 * the owner, encoding and locale of the database it stands in for: pg_dump without --create carries
 * none of them, and an app whose role owns its database must own the restored one too.
 */
export const CREATE_DATABASE_LIKE_SCRIPT = 'CREATE DATABASE :"name" OWNER :"owner" TEMPLATE template0 ENCODING :\'encoding\' LC_COLLATE :\'collate\' LC_CTYPE :\'ctype\';\n';
/** A database for a restore whose target no longer exists: the server's defaults, from template0. */
export const CREATE_DATABASE_SCRIPT = 'CREATE DATABASE :"name" TEMPLATE template0;\n';
/** The scratch databases a verify or restore of a database whose name starts with `prefix` creates (`scratchName`). */
export const SCRATCH_DATABASES_QUERY =
  "SELECT datname FROM pg_database WHERE left(datname, length(:'prefix')) = :'prefix' AND substr(datname, length(:'prefix') + 1) ~ '^_(verify|restore)_[0-9a-f]{8}$' ORDER BY 1;\n";
export const DROP_DATABASE_SCRIPT = 'DROP DATABASE IF EXISTS :"name" WITH (FORCE);\n';

/**
 * Closes `target` to new sessions and ends its open ones, waiting up to 5 s for each to go, so it can
 * be renamed: the bot's connection pool would otherwise reconnect in between.
 */
export const CLOSE_DATABASE_SCRIPT = `ALTER DATABASE :"target" WITH ALLOW_CONNECTIONS false;
SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity WHERE datname = :'target' AND pid <> pg_backend_pid();
`;
/** Undoes CLOSE_DATABASE_SCRIPT when the swap did not happen. */
export const OPEN_DATABASE_SCRIPT = 'ALTER DATABASE :"target" WITH ALLOW_CONNECTIONS true;\n';
/** Both renames or neither: the restored `fresh` becomes `target`, the old one is set aside as `old`. */
export const SWAP_DATABASES_SCRIPT = `BEGIN;
ALTER DATABASE :"target" RENAME TO :"old";
ALTER DATABASE :"fresh" RENAME TO :"target";
COMMIT;
`;
export const RENAME_DATABASE_SCRIPT = 'ALTER DATABASE :"fresh" RENAME TO :"target";\n';
