import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, httpGet, uniqueApp } from '../support/lab-host.js';
import { lab } from './lab.js';

/**
 * The lab's real images (lab/images/build.sh): PostgreSQL 15 and Redis 7 from Debian's binaries
 * and the grammY sample bot, run the way a bot's compose stack runs them.
 */

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function docker(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile('docker', args, { env, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

async function dockerOk(args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const result = await docker(args, env);
  if (result.code !== 0) throw new Error(`docker ${args.join(' ')} exited ${result.code}: ${result.stderr || result.stdout}`);
  return result.stdout;
}

/** Retries `check` until it resolves (a server needs a moment after its container starts). */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * Just enough of the Bot API for a bot to start and answer: getMe succeeds unless the token starts
 * with `bad` (401, as Telegram answers a revoked token), sendMessage is recorded, and any path
 * outside /bot<token>/ is a 404. Listens on docker0's address, which containers reach as
 * `telegram` through `extra_hosts: telegram:host-gateway`.
 */
class BotApiStandIn {
  readonly sent: string[] = [];
  private server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    const gateway = (await dockerOk(['network', 'inspect', 'bridge', '-f', '{{(index .IPAM.Config 0).Gateway}}'])).trim();
    this.server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const [, token, method] = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '') ?? [];
        const answer = (status: number, payload: object): void => {
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
        };
        if (token === undefined) return answer(404, { ok: false, error_code: 404, description: 'Not Found' });
        if (token.startsWith('bad')) return answer(401, { ok: false, error_code: 401, description: 'Unauthorized' });
        if (method === 'getMe') return answer(200, { ok: true, result: { id: 1, is_bot: true, first_name: 'Lab', username: 'lab_bot' } });
        if (method === 'sendMessage') {
          const { chat_id: chatId, text } = JSON.parse(body) as { chat_id: number; text: string };
          this.sent.push(text);
          return answer(200, { ok: true, result: { message_id: this.sent.length, date: 0, chat: { id: chatId, type: 'private' }, text } });
        }
        return answer(200, { ok: true, result: true });
      });
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, gateway, resolve));
    this.port = (server.address() as AddressInfo).port;
  }

  /** The API root as the bot container sees it. */
  apiRoot(path = ''): string {
    return `http://telegram:${this.port}${path}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
}

const textUpdate = (text: string): string =>
  JSON.stringify({
    update_id: 1,
    message: { message_id: 1, date: 0, chat: { id: 42, type: 'private' }, from: { id: 42, is_bot: false, first_name: 'Ann' }, text },
  });

let standIn: BotApiStandIn;
let scratch: string;

beforeAll(async () => {
  standIn = new BotApiStandIn();
  await standIn.start();
  scratch = mkdtempSync(join(tmpdir(), 'lab-images-'));
});

afterAll(async () => {
  await standIn.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('lab registry images', () => {
  const basic = `Basic ${Buffer.from(`${lab.registry.username}:${lab.registry.password}`).toString('base64')}`;

  test.each([
    [lab.images.grammy, ['v1', 'v2']],
    [lab.images.postgres, ['15']],
    [lab.images.redis, ['7']],
  ])('%s is in the registry as %j', async (image, tags) => {
    const repository = image.slice(lab.registry.address.length + 1);
    const response = await fetch(`http://${lab.registry.address}/v2/${repository}/tags/list`, { headers: { authorization: basic } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { tags: string[] }).tags).toEqual(expect.arrayContaining(tags));
  });
});

describe('the grammY sample stack (bot, postgres, redis)', () => {
  const password = 'lab-images-db-secret';

  test('the bot answers webhooks with its version, reaches db and redis by name, and the data outlives a recreate', async () => {
    const project = uniqueApp('lab-images');
    const port = await freePort();
    // A release folder as the suite writes it: the repo's compose file next to the .env.
    const release = mkdtempSync(join(scratch, `${project}-`));
    copyFileSync(join(lab.samples.grammy, 'compose.yml'), join(release, 'compose.yml'));
    writeFileSync(
      join(release, '.env'),
      [`BOT_TOKEN=1:lab-images`, 'BOT_MODE=webhook', `TELEGRAM_API_ROOT=${standIn.apiRoot()}`, `POSTGRES_PASSWORD=${password}`, ''].join('\n'),
      { mode: 0o600 },
    );
    const env = { ...process.env, IMAGE: `${lab.images.grammy}:v2`, VERSION: 'v2', HOST_PORT: String(port) };
    const compose = ['compose', '-p', project, '--project-directory', release, '-f', join(release, 'compose.yml')];
    const network = `${project}_default`;
    const client = (args: string[]): Promise<string> =>
      dockerOk(['run', '--rm', '--label', `${lab.containerLabel}=images-test`, '--network', network, '-e', `PGPASSWORD=${password}`, ...args]);
    const psqlByName = (sql: string): Promise<string> =>
      client([`${lab.images.postgres}:15`, 'psql', '-h', 'db', '-U', 'bot', '-d', 'bot', '-v', 'ON_ERROR_STOP=1', '-tAc', sql]);
    try {
      await dockerOk([...compose, 'up', '-d'], env);

      const health = await eventually(async () => {
        const answer = await httpGet(`http://${lab.host}:${port}/health`);
        if (answer.status !== 200) throw new Error(`/health answered ${answer.status}`);
        return answer.body;
      });
      expect(JSON.parse(health)).toEqual({ status: 'healthy', version: 'v2', mode: 'webhook' });
      const webhook = await fetch(`http://${lab.host}:${port}/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: textUpdate('hello'),
      });
      expect(webhook.status).toBe(200);
      expect(standIn.sent).toContain('v2: hello');

      // Another container on the stack's network reaches the database by its service name.
      await eventually(() => psqlByName('select 1'));
      await psqlByName("create table notes (body text); insert into notes values ('kept')");
      expect((await client([`${lab.images.redis}:7`, 'redis-cli', '-h', 'redis', 'ping'])).trim()).toBe('PONG');

      // The client tools a backup needs work inside the db container.
      const listing = await dockerOk([...compose, 'exec', '-T', 'db', 'sh', '-c', 'pg_dump -U bot -Fc bot | pg_restore -l'], env);
      expect(listing).toMatch(/TABLE DATA public notes bot/);

      await dockerOk([...compose, 'up', '-d', '--force-recreate', 'db'], env);
      expect((await eventually(() => psqlByName('select body from notes'))).trim()).toBe('kept');
    } finally {
      await docker([...compose, 'down', '-v', '-t', '10'], env);
      rmSync(release, { recursive: true, force: true });
    }
  });
});

describe('the grammY bot image', () => {
  test.each([
    ['a token Telegram refuses (401)', 'bad:token', ''],
    ['an API root that is not the Bot API (404)', '1:lab-images', '/not-the-bot-api'],
  ])('exits 1 at start for %s', async (_case, token, rootPath) => {
    const result = await docker([
      'run', '--rm', '--label', `${lab.containerLabel}=images-test`, '--add-host', 'telegram:host-gateway',
      '-e', `BOT_TOKEN=${token}`, '-e', `TELEGRAM_API_ROOT=${standIn.apiRoot(rootPath)}`, `${lab.images.grammy}:v1`,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^grammy-bot v1 cannot run: Call to 'getMe' failed! \(40[14]: /m);
  });
});
