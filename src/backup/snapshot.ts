import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import { UserError } from '../errors/user-error.js';
import { pgReason } from './pg-reason.js';
import { END_SNAPSHOT_SCRIPT, psqlArgs, SNAPSHOT_SCRIPT } from './pg-commands.js';
import type { PgRunner, PgRunResult } from './pg-runner.js';

/** An open read-only transaction whose snapshot a dump reads from, and what it saw. */
export interface Snapshot {
  id: string;
  /** Exact rows per table in this snapshot: what the dump holds. */
  rowCounts: Record<string, number>;
  serverVersion: string;
  /** Ends the transaction (after the dump read everything it needs). */
  close(): Promise<void>;
}

/**
 * Opens a psql session that exports its snapshot and stays open: the row counts in the manifest are
 * then those of the very data pg_dump writes, however busy the bot keeps the database.
 */
export async function openSnapshot(pg: PgRunner, database: string): Promise<Snapshot> {
  const input = new PassThrough();
  const output = new PassThrough();
  const running = pg.run('psql', psqlArgs(database), { stdin: input, stdout: output });
  // Settled now, read later: a connection lost mid-dump must not surface as an unhandled rejection first.
  const session = running.then((result) => ({ result }), (error: unknown) => ({ error }));
  const ended = async (): Promise<PgRunResult> => {
    const outcome = await session;
    if ('error' in outcome) throw outcome.error;
    return outcome.result;
  };
  const lines = createInterface({ input: output })[Symbol.asyncIterator]();
  input.write(SNAPSHOT_SCRIPT);
  const answers: string[] = [];
  while (answers.length < 3) {
    const next = await lines.next();
    if (next.done) break;
    answers.push(next.value);
  }
  const [id, counts, serverVersion] = answers;
  if (id === undefined || counts === undefined || serverVersion === undefined) {
    input.end();
    const result = await ended();
    throw new UserError(`Could not open a snapshot of database ${database} (${pg.where}): ${pgReason(result.stderr, `psql exited with ${result.code}`)}.`);
  }
  return {
    id,
    rowCounts: JSON.parse(counts) as Record<string, number>,
    serverVersion,
    close: async () => {
      input.end(END_SNAPSHOT_SCRIPT);
      // Drain the rest so the session can end; what it says no longer matters once the dump is stored.
      for (;;) if ((await lines.next()).done) break;
      await ended();
    },
  };
}

/** The server version of the tools `pg` runs, as `pg_dump --version` prints it (e.g. "15.18"). */
export async function toolVersion(pg: PgRunner, tool: 'pg_dump' | 'pg_restore'): Promise<string> {
  const result = await pg.version(tool);
  if (result.code === 127) throw new UserError(`${tool} is not installed where it must run (${pg.where}): install PostgreSQL's client tools there.`);
  return /(\d+(?:\.\d+)+)/.exec(result.stdout)?.[1] ?? result.stdout.trim();
}
