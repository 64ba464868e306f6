import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lab } from '../lab/lab.js';
import { onHost, removeAppContainers } from './lab-host.js';

/**
 * A bot team's database as the suite finds it on a droplet: PostgreSQL (the lab's image built from
 * Debian's packages) as service `db` of the app's compose project, with a named volume.
 */
export class DatabaseStack {
  readonly database = 'bot';
  readonly user = 'bot';
  private readonly dir: string;

  constructor(readonly app: string) {
    this.dir = mkdtempSync(join(tmpdir(), `db-stack-${app}-`));
    const { service, volumes } = this.composeParts();
    writeFileSync(join(this.dir, 'compose.yml'), ['services:', ...service, 'volumes:', ...volumes, ''].join('\n'));
  }

  /** The `db` service's lines (under `services:`) and its volume's (under `volumes:`), for a bot's own compose file too. */
  composeParts(): { service: string[]; volumes: string[] } {
    return {
      service: [
        '  db:',
        `    image: ${lab.images.postgres}:15`,
        '    environment:',
        '      POSTGRES_USER: bot',
        '      POSTGRES_PASSWORD: stack-db-secret',
        '      POSTGRES_DB: bot',
        '    labels:',
        `      ${lab.containerLabel}: "true"`,
        `      dev.bot-deploy.app: ${this.app}`,
        '    volumes: [pgdata:/var/lib/postgresql/data]',
      ],
      volumes: ['  pgdata:'],
    };
  }

  /** Starts the stack and waits until the database takes connections. */
  up(): void {
    this.compose('up', '-d', '--quiet-pull');
    for (let attempt = 0; attempt < 60; attempt += 1) {
      try {
        // On its first start the entrypoint runs a temporary server on the socket only, then stops
        // it: the socket answering proves nothing until the real server also listens on TCP.
        execFileSync('docker', ['exec', this.container(), 'pg_isready', '-q', '-h', '127.0.0.1'], { stdio: 'ignore' });
        this.sql('SELECT 1');
        return;
      } catch {
        execFileSync('sleep', ['0.5']);
      }
    }
    throw new Error(`The database of ${this.app} did not start.`);
  }

  /** Removes the stack, its volume included. */
  down(): void {
    try {
      this.compose('down', '-v', '--remove-orphans');
    } finally {
      removeAppContainers(this.app);
    }
  }

  container(): string {
    return onHost(`docker ps -q --filter label=com.docker.compose.project=${this.app} --filter label=com.docker.compose.service=db`).trim();
  }

  /** Runs SQL in `database` (default the app's) as the superuser and returns psql's unaligned output. */
  sql(sqlText: string, database: string = this.database): string {
    return execFileSync('docker', ['exec', '-i', this.container(), 'psql', '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-U', this.user, '-d', database], { input: sqlText, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
  }

  /** A bot's data: users, messages (with text that needs escaping) and a partitioned table. */
  seed(rows: number): void {
    this.sql(`
      CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL, joined timestamptz NOT NULL DEFAULT now());
      CREATE TABLE messages (id bigserial PRIMARY KEY, user_id bigint REFERENCES users(id), body text, sent date);
      CREATE SCHEMA stats;
      CREATE TABLE stats."daily counts" (day date PRIMARY KEY, n integer);
      INSERT INTO users SELECT g, 'user ' || g || E' \\'quoted\\' \\ttab' FROM generate_series(1, ${rows}) g;
      INSERT INTO messages (user_id, body, sent) SELECT 1 + g % ${rows}, md5(g::text) || E'\\n<b>&</b>', date '2026-01-01' + g % 300 FROM generate_series(1, ${rows * 3}) g;
      INSERT INTO stats."daily counts" SELECT date '2026-01-01' + g, g FROM generate_series(0, 99) g;
      CREATE INDEX messages_user ON messages (user_id);
    `);
  }

  /** Adds `megabytes` of poorly compressible rows, to make dumps that take a while. */
  grow(megabytes: number): void {
    this.sql(`CREATE TABLE IF NOT EXISTS bulk (id bigserial PRIMARY KEY, payload text);
      INSERT INTO bulk (payload) SELECT string_agg(md5(random()::text), '') FROM generate_series(1, ${megabytes * 1024}) g, generate_series(1, 32) h GROUP BY g;`);
  }

  /** An MD5 of every row of every table, in a stable order: equal means the same data. */
  checksums(database: string = this.database): Record<string, string> {
    const tables = this.sql(
      "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
      database,
    ).split('\n').filter((line) => line !== '');
    return Object.fromEntries(tables.map((table) => [table, this.sql(`SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM ${table} t`, database)]));
  }

  databases(): string[] {
    return this.sql('SELECT datname FROM pg_database ORDER BY 1', 'postgres').split('\n');
  }

  private compose(...args: string[]): void {
    execFileSync('docker', ['compose', '-p', this.app, '-f', join(this.dir, 'compose.yml'), ...args], { stdio: 'pipe' });
  }
}
