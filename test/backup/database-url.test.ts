import { parseDatabaseUrl } from '../../src/backup/database-url.js';

describe('parseDatabaseUrl', () => {
  test('takes a managed database URL apart into libpq variables', () => {
    expect(parseDatabaseUrl(' postgres://doadmin:s3cr%40t%2Fpw@db-1.example.com:25060/defaultdb?sslmode=require&connect_timeout=10 ')).toEqual({
      host: 'db-1.example.com',
      port: 25060,
      database: 'defaultdb',
      user: 'doadmin',
      password: 's3cr@t/pw',
      environment: {
        PGHOST: 'db-1.example.com',
        PGPORT: '25060',
        PGUSER: 'doadmin',
        PGDATABASE: 'defaultdb',
        PGPASSWORD: 's3cr@t/pw',
        PGSSLMODE: 'require',
        PGCONNECT_TIMEOUT: '10',
      },
    });
  });

  test('postgresql:// too; port 5432 by default; no password, no PGPASSWORD; an IPv6 host without brackets', () => {
    const url = parseDatabaseUrl('postgresql://bot@[::1]/my%20db');
    expect(url).toMatchObject({ host: '::1', port: 5432, database: 'my db', user: 'bot', password: '' });
    expect(url.environment).toEqual({ PGHOST: '::1', PGPORT: '5432', PGUSER: 'bot', PGDATABASE: 'my db' });
  });

  test.each([
    ['not a URL', 'bot@db.example.com/bot', 'Input `database-url` is not a URL: use postgres://user:password@host:port/database.'],
    ['another scheme', 'mysql://bot:pw@db.example.com/bot', 'Input `database-url` must start with postgres:// or postgresql://, not mysql://.'],
    ['no database', 'postgres://bot:pw@db.example.com:5432/', 'Input `database-url` must name a host, a user and a database: postgres://user:password@host:port/database.'],
    ['no user', 'postgres://db.example.com/bot', 'Input `database-url` must name a host, a user and a database: postgres://user:password@host:port/database.'],
    [
      'an unsupported parameter',
      'postgres://bot:pw@db.example.com/bot?sslmode=require&host=/tmp',
      'Input `database-url` has the parameter host, which is not supported; supported: sslmode, sslrootcert, sslcert, sslkey, connect_timeout, application_name, options, target_session_attrs.',
    ],
  ])('refuses %s in one sentence', (_case, text, message) => {
    expect(() => parseDatabaseUrl(text)).toThrow(message);
  });
});
