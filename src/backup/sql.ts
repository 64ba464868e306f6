import { UserError } from '../errors/user-error.js';
import { pgReason } from './pg-reason.js';
import { psqlArgs } from './pg-commands.js';
import type { PgRunner } from './pg-runner.js';

/** Runs a fixed SQL script through psql (names as psql variables) and returns what it printed. */
export async function runSql(pg: PgRunner, database: string, sqlScript: string, variables: Record<string, string>, what: string): Promise<string> {
  const result = await pg.run('psql', psqlArgs(database, variables), { stdin: sqlScript });
  if (result.code !== 0) throw new UserError(`${what} failed (${pg.where}): ${pgReason(result.stderr, `psql exited with ${result.code}`)}.`);
  return result.stdout;
}
