import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { TelegramStandIn, type StandInOptions } from './telegram-bot-api.js';

const token = '123456:test-token';
const conflict = 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';

interface Reply {
  status: number;
  body: { ok: boolean; result?: unknown; error_code?: number; description?: string };
  at: number;
}

let standIn: TelegramStandIn;

async function start(options: StandInOptions = {}): Promise<void> {
  standIn = new TelegramStandIn(options);
  standIn.addBot(token);
  await standIn.listen(['127.0.0.1']);
}

afterEach(() => standIn.close());

/** Calls a Bot API method with a JSON body (or a form, or the query string). */
async function call(
  method: string,
  params: Record<string, string | number | boolean> = {},
  options: { as?: 'json' | 'form' | 'query'; token?: string; signal?: AbortSignal } = {},
): Promise<Reply> {
  const as = options.as ?? 'json';
  const strings = Object.fromEntries(Object.entries(params).map(([name, value]) => [name, String(value)]));
  const query = as === 'query' ? `?${new URLSearchParams(strings)}` : '';
  const response = await fetch(`${standIn.apiRoot()}/bot${options.token ?? token}/${method}${query}`, {
    method: as === 'query' ? 'GET' : 'POST',
    ...(as === 'json' && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) }),
    ...(as === 'form' && { body: new URLSearchParams(strings) }),
    ...(options.signal && { signal: options.signal }),
  });
  return { status: response.status, body: (await response.json()) as Reply['body'], at: Date.now() };
}

function updateIds(reply: Reply): number[] {
  return (reply.body.result as Array<{ update_id: number }>).map((update) => update.update_id);
}

/** Resolves once `check` holds (2 s at most). */
async function until(check: () => boolean): Promise<void> {
  const limit = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > limit) throw new Error('condition not reached in 2 s');
    await sleep(10);
  }
}

/** A webhook receiver on 127.0.0.1 answering each post with the next status of `statuses` (then 200). */
async function startWebhook(statuses: number[] = []): Promise<{ url: string; port: number; posts: Array<{ body: unknown; secret: string | undefined }>; server: Server }> {
  const posts: Array<{ body: unknown; secret: string | undefined }> = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      posts.push({ body: JSON.parse(body), secret: req.headers['x-telegram-bot-api-secret-token'] as string | undefined });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, port, posts, server };
}

function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('the Bot API basics', () => {
  beforeEach(() => start());

  it('answers getMe with the bot, and 401 for a token it does not know', async () => {
    const me = await call('getMe');
    expect(me.body).toEqual({ ok: true, result: expect.objectContaining({ id: 123456, is_bot: true }) });
    const stranger = await call('getMe', {}, { token: '999:nope' });
    expect(stranger.status).toBe(401);
    expect(stranger.body).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });
    expect((await call('sendSticker')).body).toEqual({ ok: false, error_code: 404, description: 'Not Found: method not found' });
  });

  it('reads parameters from JSON, a form or the query string, and records each sendMessage', async () => {
    standIn.inject(token, '/start', { id: 42, first_name: 'Ann' });
    for (const as of ['json', 'form', 'query'] as const) {
      const sent = await call('sendMessage', { chat_id: 42, text: `hello by ${as}` }, { as });
      expect(sent.body).toEqual({ ok: true, result: expect.objectContaining({ chat: { id: 42, type: 'private', first_name: 'Ann' }, text: `hello by ${as}` }) });
    }
    expect(standIn.answers(token).map((answer) => [answer.chat_id, answer.text])).toEqual([
      [42, 'hello by json'],
      [42, 'hello by form'],
      [42, 'hello by query'],
    ]);
  });

  it('listens on every address given, at one port', async () => {
    const both = new TelegramStandIn();
    both.addBot(token);
    try {
      const port = await both.listen(['127.0.0.1', '127.0.0.2']);
      expect(port).toBeGreaterThan(0);
      for (const host of ['127.0.0.1', '127.0.0.2']) {
        const response = await fetch(`${both.apiRoot(host)}/bot${token}/getMe`);
        expect(response.status).toBe(200);
      }
    } finally {
      await both.close();
    }
  });

  it('refuses a sendMessage to a chat that never wrote to the bot', async () => {
    const sent = await call('sendMessage', { chat_id: 77, text: 'hi' });
    expect(sent.body).toEqual({ ok: false, error_code: 400, description: 'Bad Request: chat not found' });
    expect(standIn.answers(token)).toEqual([]);
  });
});

describe('getUpdates', () => {
  beforeEach(() => start({ conflictPauseMs: 300 }));

  it('answers a long poll as soon as an update arrives', async () => {
    const poll = call('getUpdates', { timeout: 30 });
    await until(() => standIn.pollers(token) === 1);
    const injectedAt = Date.now();
    const id = standIn.inject(token, 'hi');
    const reply = await poll;
    expect(updateIds(reply)).toEqual([id]);
    expect(reply.at - injectedAt).toBeLessThan(500);
    expect(standIn.delivered(token)).toEqual([expect.objectContaining({ update_id: id, via: 'getUpdates', clientGone: false })]);
  });

  it('answers [] when the timeout passes, and counts the time nobody waited as gaps', async () => {
    const before = Date.now();
    const reply = await call('getUpdates', { timeout: 1 });
    expect(reply.body).toEqual({ ok: true, result: [] });
    expect(reply.at - before).toBeGreaterThanOrEqual(950);
    const gaps = standIn.gaps(token);
    expect(gaps).toHaveLength(2);
    expect(gaps[0]?.to).toBeGreaterThanOrEqual(before);
    expect(gaps[1]).toEqual({ from: expect.any(Number), to: null });
    expect(gaps[1]!.from - gaps[0]!.to!).toBeGreaterThanOrEqual(950);
    expect(standIn.pollers(token)).toBe(0);
  });

  it('hands out updates again until a later offset confirms them', async () => {
    const first = standIn.inject(token, 'one');
    const second = standIn.inject(token, 'two');
    expect(updateIds(await call('getUpdates'))).toEqual([first, second]);
    await sleep(600); // the same offset again within 0.5 s would get one update at a time
    expect(updateIds(await call('getUpdates'))).toEqual([first, second]);
    expect(standIn.confirmed(token)).toEqual([]);
    expect(updateIds(await call('getUpdates', { offset: first + 1 }))).toEqual([second]);
    expect(standIn.confirmed(token)).toEqual([expect.objectContaining({ update_id: first, by: 'offset' })]);
    expect(standIn.pending(token).map((update) => update.update_id)).toEqual([second]);
  });

  it('ends the waiting poll with 409 when another one waits, whichever came first', async () => {
    const a1 = call('getUpdates', { timeout: 30 });
    await until(() => standIn.pollers(token) === 1);
    const b = call('getUpdates', { timeout: 30 });
    expect(await a1).toMatchObject({ status: 409, body: { ok: false, error_code: 409, description: conflict } });
    await until(() => standIn.pollers(token) === 1);
    const a2Sent = Date.now();
    const a2 = call('getUpdates', { timeout: 30 });
    const bReply = await b;
    expect(bReply).toMatchObject({ status: 409, body: { description: conflict } });
    // A second conflict this soon is held back, as Telegram does.
    expect(bReply.at - a2Sent).toBeGreaterThanOrEqual(280);
    // One poller taking over from another leaves no moment with nobody polling.
    expect(standIn.gaps(token)).toEqual([{ from: expect.any(Number), to: expect.any(Number) }]);
    const id = standIn.inject(token, 'hi');
    expect(updateIds(await a2)).toEqual([id]);
    expect(standIn.refused(token).map((refusal) => refusal.description)).toEqual([conflict, conflict]);
  });

  it('keeps a poll waiting after its client hangs up, and the next poll ends it with 409', async () => {
    const gone = new AbortController();
    const abandoned = call('getUpdates', { timeout: 30 }, { signal: gone.signal }).catch(() => 'aborted');
    await until(() => standIn.pollers(token) === 1);
    gone.abort();
    expect(await abandoned).toBe('aborted');
    await until(() => standIn.pollers(token) === 0);
    const next = call('getUpdates', { timeout: 30 });
    await until(() => standIn.refused(token).length === 1);
    expect(standIn.refused(token)[0]).toMatchObject({ description: conflict, clientGone: true });
    const id = standIn.inject(token, 'hi');
    expect(updateIds(await next)).toEqual([id]);
  });

  it('hands an update to a poll whose client hung up, and hands it out again since nobody confirmed it', async () => {
    const gone = new AbortController();
    void call('getUpdates', { timeout: 30 }, { signal: gone.signal }).catch(() => undefined);
    await until(() => standIn.pollers(token) === 1);
    gone.abort();
    await until(() => standIn.pollers(token) === 0);
    const id = standIn.inject(token, 'hi');
    await until(() => standIn.delivered(token).length === 1);
    expect(standIn.delivered(token)[0]).toMatchObject({ update_id: id, clientGone: true });
    expect(updateIds(await call('getUpdates', { timeout: 30 }))).toEqual([id]);
  });
});

describe('webhooks', () => {
  const webhookServers: Server[] = [];
  beforeEach(() => start({ webhookRetryMs: 100 }));
  afterEach(() => Promise.all(webhookServers.splice(0).map(stop)));

  async function webhook(statuses: number[] = []): ReturnType<typeof startWebhook> {
    const hook = await startWebhook(statuses);
    webhookServers.push(hook.server);
    return hook;
  }

  it('posts each update with the secret token, refuses getUpdates meanwhile, and polls again once deleted', async () => {
    const hook = await webhook();
    const set = await call('setWebhook', { url: hook.url, secret_token: 's3cret' });
    expect(set.body).toEqual({ ok: true, result: true, description: 'Webhook was set' });
    const refused = await call('getUpdates');
    expect(refused.body).toEqual({
      ok: false,
      error_code: 409,
      description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    });
    const id = standIn.inject(token, 'hi');
    await until(() => standIn.confirmed(token).length === 1);
    expect(hook.posts).toEqual([{ body: expect.objectContaining({ update_id: id }), secret: 's3cret' }]);
    expect(standIn.confirmed(token)).toEqual([expect.objectContaining({ update_id: id, by: 'webhook' })]);
    expect((await call('getWebhookInfo')).body.result).toEqual({ url: hook.url, has_custom_certificate: false, pending_update_count: 0 });

    expect((await call('deleteWebhook')).body).toMatchObject({ ok: true, description: 'Webhook was deleted' });
    expect((await call('deleteWebhook')).body).toMatchObject({ ok: true, description: 'Webhook is already deleted' });
    expect((await call('getUpdates')).body).toEqual({ ok: true, result: [] });
  });

  it('ends a waiting poll when a webhook is set', async () => {
    const hook = await webhook();
    const poll = call('getUpdates', { timeout: 30 });
    await until(() => standIn.pollers(token) === 1);
    await call('setWebhook', { url: hook.url });
    expect((await poll).body).toMatchObject({ error_code: 409, description: 'Conflict: terminated by setWebhook request' });
  });

  it('refuses a webhook that does not accept connections', async () => {
    const hook = await webhook();
    await stop(hook.server);
    const set = await call('setWebhook', { url: hook.url });
    expect(set.body).toEqual({ ok: false, error_code: 400, description: 'Bad Request: bad webhook: Connection refused' });
    expect((await call('getWebhookInfo')).body.result).toMatchObject({ url: '' });
  });

  it('records a failed post in getWebhookInfo and posts the update again later', async () => {
    const hook = await webhook([500]);
    await call('setWebhook', { url: hook.url });
    const id = standIn.inject(token, 'hi');
    await until(() => standIn.webhook(token)?.errors.length === 1);
    expect((await call('getWebhookInfo')).body.result).toEqual({
      url: hook.url,
      has_custom_certificate: false,
      pending_update_count: 1,
      last_error_date: expect.any(Number),
      last_error_message: 'Wrong response from the webhook: 500 Internal Server Error',
    });
    await until(() => standIn.confirmed(token).length === 1);
    expect(hook.posts.map((post) => (post.body as { update_id: number }).update_id)).toEqual([id, id]);
  });

  it('records a webhook that went away, keeps the update, and drops it on request', async () => {
    const hook = await webhook();
    await call('setWebhook', { url: hook.url });
    await stop(hook.server);
    standIn.inject(token, 'hi');
    await until(() => standIn.webhook(token)?.errors.length === 1);
    const info = (await call('getWebhookInfo')).body.result as Record<string, unknown>;
    expect(info).toMatchObject({ pending_update_count: 1, last_error_message: 'Connection refused' });
    expect(info.last_error_date).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) - 2);
    expect((await call('deleteWebhook', { drop_pending_updates: true }, { as: 'form' })).body).toMatchObject({ ok: true, description: 'Webhook was deleted' });
    expect(standIn.pending(token)).toEqual([]);
    expect(standIn.confirmed(token)).toEqual([expect.objectContaining({ by: 'dropped' })]);
  });
});

describe('sendMessage and editMessageText in admin chats', () => {
  const admins = -1001234567890;
  beforeEach(async () => {
    await start();
    standIn.addChat(token, { id: admins, type: 'supergroup', title: 'Admins', username: 'acme_admins', forum: true });
  });

  it('posts HTML into a forum topic, parsed into text and entities as Telegram returns them', async () => {
    const topic = standIn.addTopic(token, admins, 'Deploys');
    const sent = await call('sendMessage', {
      chat_id: String(admins),
      message_thread_id: topic,
      text: '✅ <b>bot</b> a &amp; b &lt;script&gt; <a href="https://github.com/acme/bot/actions/runs/7">run</a>',
      parse_mode: 'HTML',
    });
    expect(sent.body).toEqual({
      ok: true,
      result: {
        message_id: topic + 1,
        date: expect.any(Number),
        chat: { id: admins, type: 'supergroup', title: 'Admins', username: 'acme_admins', is_forum: true },
        from: expect.objectContaining({ id: 123456, is_bot: true }),
        message_thread_id: topic,
        is_topic_message: true,
        text: '✅ bot a & b <script> run',
        entities: [
          { type: 'bold', offset: 2, length: 3 },
          { type: 'text_link', offset: 21, length: 3, url: 'https://github.com/acme/bot/actions/runs/7' },
        ],
      },
    });
    expect(standIn.messages(token, admins).map((message) => message.text)).toEqual(['✅ bot a & b <script> run']);
    expect((await call('sendMessage', { chat_id: '@acme_admins', text: 'by username' })).body).toMatchObject({ ok: true, result: { chat: { id: admins } } });
  });

  it('refuses malformed HTML as Telegram does, and sends nothing', async () => {
    const refusals = [
      ['Fix <script>alert(1)</script>', 'Unsupported start tag "script" at byte offset 4'],
      ['a < b', 'Unsupported start tag "" at byte offset 2'],
      ['<b>unclosed', 'Can\'t find end tag corresponding to start tag "b"'],
      ['done</b>', 'Unexpected end tag at byte offset 4'],
    ];
    for (const [text, reason] of refusals) {
      const sent = await call('sendMessage', { chat_id: admins, text: text as string, parse_mode: 'HTML' });
      expect(sent).toMatchObject({ status: 400, body: { ok: false, error_code: 400, description: `Bad Request: can't parse entities: ${reason}` } });
    }
    // Without a parse mode the same text is just text.
    expect((await call('sendMessage', { chat_id: admins, text: 'a < b' })).body).toMatchObject({ ok: true, result: { text: 'a < b' } });
    expect(standIn.messages(token, admins)).toHaveLength(1);
  });

  it('allows 4096 characters after parsing (counted as code points, markup not counted) and refuses one more', async () => {
    const emoji = '🚀'.repeat(4096);
    expect((await call('sendMessage', { chat_id: admins, text: `<b>${emoji}</b>`, parse_mode: 'HTML' })).body.ok).toBe(true);
    expect((await call('sendMessage', { chat_id: admins, text: `${'&amp;'.repeat(4097)}`, parse_mode: 'HTML' })).body).toEqual({
      ok: false,
      error_code: 400,
      description: 'Bad Request: message is too long',
    });
    expect((await call('sendMessage', { chat_id: admins, text: '<b> </b>', parse_mode: 'HTML' })).body.description).toBe('Bad Request: message text is empty');
    expect((await call('sendMessage', { chat_id: admins, text: 'x', parse_mode: 'Markdown' })).body.description).toMatch(/^Bad Request: the stand-in does not parse Markdown/);
    expect((await call('sendMessage', { chat_id: admins, text: 'x', parse_mode: 'XML' })).body.description).toBe('Bad Request: unsupported parse_mode');
  });

  it('edits the bot\'s message in place, refuses an edit that changes nothing, and one of a deleted message', async () => {
    const sent = await call('sendMessage', { chat_id: admins, text: '🚀 <b>deploying</b>', parse_mode: 'HTML' });
    const id = (sent.body.result as { message_id: number }).message_id;
    const edited = await call('editMessageText', { chat_id: admins, message_id: id, text: '✅ <b>deployed</b>', parse_mode: 'HTML' });
    expect(edited.body).toMatchObject({ ok: true, result: { message_id: id, text: '✅ deployed', edit_date: expect.any(Number), entities: [{ type: 'bold', offset: 2, length: 8 }] } });
    expect(standIn.messages(token, admins)).toEqual([expect.objectContaining({ message_id: id, text: '✅ deployed' })]);

    const again = await call('editMessageText', { chat_id: admins, message_id: id, text: '✅ <b>deployed</b>', parse_mode: 'HTML' });
    expect(again.body.description).toBe(
      'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    );
    // The same text without the bold is a change.
    expect((await call('editMessageText', { chat_id: admins, message_id: id, text: '✅ deployed' })).body.ok).toBe(true);
    expect((await call('editMessageText', { chat_id: admins, message_id: id, text: '<i>x', parse_mode: 'HTML' })).body.description).toBe(
      'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "i"',
    );

    expect((await call('deleteMessage', { chat_id: admins, message_id: id })).body).toEqual({ ok: true, result: true });
    expect((await call('editMessageText', { chat_id: admins, message_id: id, text: 'gone?' })).body.description).toBe('Bad Request: message to edit not found');
    expect((await call('deleteMessage', { chat_id: admins, message_id: id })).body.description).toBe('Bad Request: message to delete not found');
    expect(standIn.messages(token, admins)).toEqual([]);
  });

  it('refuses an edit of a message the bot did not send', async () => {
    standIn.inject(token, 'hello', { id: 42, first_name: 'Ann' });
    const [update] = standIn.pending(token);
    const edit = await call('editMessageText', { chat_id: 42, message_id: update!.message.message_id, text: 'mine now' });
    expect(edit.body.description).toBe("Bad Request: message can't be edited");
  });

  it('names what is wrong with the chat or the topic', async () => {
    expect((await call('sendMessage', { chat_id: -1009999, text: 'hi' })).body.description).toBe('Bad Request: chat not found');
    expect((await call('sendMessage', { chat_id: '@nobody_here', text: 'hi' })).body.description).toBe('Bad Request: chat not found');
    expect((await call('sendMessage', { chat_id: admins, message_thread_id: 777, text: 'hi' })).body.description).toBe('Bad Request: message thread not found');
    standIn.removeFromChat(token, admins);
    expect((await call('sendMessage', { chat_id: admins, text: 'hi' })).body).toEqual({ ok: false, error_code: 403, description: 'Forbidden: bot was kicked from the supergroup chat' });
  });

  it('answers the next calls with an injected 429 (retry_after) or server error, then normally, and logs every call', async () => {
    standIn.failNext(token, { status: 429, retryAfter: 3 }, { status: 502 });
    const limited = await call('sendMessage', { chat_id: admins, text: 'one' });
    expect(limited).toMatchObject({
      status: 429,
      body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } },
    });
    const response = await fetch(`${standIn.apiRoot()}/bot${token}/sendMessage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chat_id: admins, text: 'two' }) });
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toContain('<title>502 Bad Gateway</title>');
    expect((await call('sendMessage', { chat_id: admins, text: 'three' })).body.ok).toBe(true);
    expect(standIn.calls(token).map(({ method, status }) => [method, status])).toEqual([
      ['sendMessage', 429],
      ['sendMessage', 502],
      ['sendMessage', 200],
    ]);
    expect(standIn.messages(token, admins).map((message) => message.text)).toEqual(['three']);
  });
});
