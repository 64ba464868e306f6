import { lastLine } from '../ssh/command-error.js';

/**
 * Why a PostgreSQL tool failed, in one line: its first error line ("pg_dump: error: ...", "psql:...:
 * ERROR: ..."), whose "detail:" and "Command was:" lines follow it and say less; else its last line.
 */
export function pgReason(stderr: string, fallback: string): string {
  const error = stderr.split('\n').find((line) => /\b(error|ERROR|FATAL|PANIC):/.test(line));
  return (error === undefined ? lastLine(stderr) : lastLine(error)) || fallback;
}
