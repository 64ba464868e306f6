import type { Readable, Writable } from 'node:stream';

/** PostgreSQL's client tools the suite runs. */
export type PgTool = 'pg_dump' | 'pg_restore' | 'psql';

export interface PgIo {
  stdin?: string | Readable;
  /** Takes stdout's bytes as they come; the result's stdout is then empty. */
  stdout?: Writable;
  signal?: AbortSignal;
}

export interface PgRunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Where PostgreSQL's client tools run against the database: inside its container on the host (over
 * the action's SSH connection, so client and server versions match) or on the runner against a URL.
 * The runner adds how to log in; the arguments say what to do. Credentials never reach a command line.
 */
export interface PgRunner {
  /** The database server, for messages: "compose service db of app on web1", "db.example.com:25060". */
  readonly where: string;
  run(tool: PgTool, args: string[], io?: PgIo): Promise<PgRunResult>;
  /** What `<tool> --version` prints, which needs no login. */
  version(tool: PgTool): Promise<PgRunResult>;
}
