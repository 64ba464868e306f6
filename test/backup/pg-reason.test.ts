import { pgReason } from '../../src/backup/pg-reason.js';

describe('pgReason', () => {
  test.each([
    ['the first error line, not the detail after it', 'pg_dump: error: query failed: ERROR:  permission denied for table users\npg_dump: detail: Query was: LOCK TABLE public.users\n', 'pg_dump: error: query failed: ERROR:  permission denied for table users'],
    ['the first of several errors', 'psql:<stdin>:1: ERROR:  database "bot" already exists\npsql:<stdin>:2: ERROR:  current transaction is aborted\n', 'psql:<stdin>:1: ERROR:  database "bot" already exists'],
    ['a FATAL line after a notice', 'NOTICE:  hello\npsql: error: connection to server on socket failed: FATAL:  role "x" does not exist\n', 'psql: error: connection to server on socket failed: FATAL:  role "x" does not exist'],
    ['the last line when none says error', 'pg_restore: while PROCESSING TOC:\nsomething went wrong.\n', 'something went wrong'],
  ])('%s', (_case, stderr, reason) => {
    expect(pgReason(stderr, 'fallback')).toBe(reason);
  });

  test('the fallback when the tool said nothing', () => {
    expect(pgReason('', 'psql exited with 2')).toBe('psql exited with 2');
    expect(pgReason('\n  \n', 'psql exited with 2')).toBe('psql exited with 2');
  });
});
