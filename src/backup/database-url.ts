import { InputError } from '../inputs/input-error.js';

/** A `postgres://` URL taken apart into libpq's environment (PGHOST, PGPASSWORD, ...). */
export interface DatabaseUrl {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  environment: Record<string, string>;
}

/** URL query parameters libpq also reads from the environment; anything else is refused rather than ignored. */
const PARAMETER_VARIABLES: Record<string, string> = {
  sslmode: 'PGSSLMODE',
  sslrootcert: 'PGSSLROOTCERT',
  sslcert: 'PGSSLCERT',
  sslkey: 'PGSSLKEY',
  connect_timeout: 'PGCONNECT_TIMEOUT',
  application_name: 'PGAPPNAME',
  options: 'PGOPTIONS',
  target_session_attrs: 'PGTARGETSESSIONATTRS',
};

export function parseDatabaseUrl(text: string): DatabaseUrl {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new InputError('Input `database-url` is not a URL: use postgres://user:password@host:port/database.');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new InputError(`Input \`database-url\` must start with postgres:// or postgresql://, not ${url.protocol}//.`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const user = decodeURIComponent(url.username);
  if (url.hostname === '' || database === '' || user === '') {
    throw new InputError('Input `database-url` must name a host, a user and a database: postgres://user:password@host:port/database.');
  }
  const port = url.port === '' ? 5432 : Number(url.port);
  const password = decodeURIComponent(url.password);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const environment: Record<string, string> = {
    PGHOST: host,
    PGPORT: String(port),
    PGUSER: user,
    PGDATABASE: database,
    ...(password === '' ? {} : { PGPASSWORD: password }),
  };
  for (const [name, value] of url.searchParams) {
    const variable = PARAMETER_VARIABLES[name];
    if (!variable) throw new InputError(`Input \`database-url\` has the parameter ${name}, which is not supported; supported: ${Object.keys(PARAMETER_VARIABLES).join(', ')}.`);
    environment[variable] = value;
  }
  return { host, port, database, user, password, environment };
}
