import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pollerConsumes, webhookStillServed } from '../../src/blue-green/telegram-checks.js';
import type { BotApi } from '../../src/telegram/bot-api.js';
import { getWebhookInfo } from '../../src/telegram/webhook-info.js';
import { scriptedContext } from '../support/scripted-context.js';
import { ScriptedSession } from '../support/scripted-session.js';
import { TelegramStandIn } from '../support/telegram-bot-api.js';

const token = '424242:AAE-blue-green-checks';

/** Calls a Bot API method on the stand-in as a bot (or its shutdown hook) would. */
async function call(api: BotApi, method: string, params: Record<string, unknown> = {}): Promise<unknown> {
  const response = await fetch(`${api.root}/bot${api.token}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
  return response.json();
}

describe('Telegram checks of blue-green-switch (against the Bot API stand-in)', () => {
  let standIn: TelegramStandIn;
  let api: BotApi;
  let webhookTarget: Server;
  let webhookUrl: string;
  const ctx = scriptedContext(new ScriptedSession()).ctx;

  beforeEach(async () => {
    standIn = new TelegramStandIn({ conflictPauseMs: 100, webhookRetryMs: 100 });
    await standIn.listen(['127.0.0.1']);
    standIn.addBot(token);
    api = { root: standIn.apiRoot(), token };
    webhookTarget = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => webhookTarget.listen(0, '127.0.0.1', resolve));
    webhookUrl = `http://127.0.0.1:${(webhookTarget.address() as AddressInfo).port}/webhook`;
  });
  afterEach(async () => {
    await standIn.close();
    await new Promise((resolve) => webhookTarget.close(resolve));
  });

  it('webhook mode: a shutdown hook that called deleteWebhook is caught after the old color stops', async () => {
    await call(api, 'setWebhook', { url: webhookUrl });
    const before = await getWebhookInfo(api);
    expect(before.url).toBe(webhookUrl);
    expect(await webhookStillServed(api, before)).toBeUndefined();
    await call(api, 'deleteWebhook');
    expect(await webhookStillServed(api, before)).toMatch(/^Telegram no longer has a webhook for the bot now that the old color stopped/);
  });

  it('webhook mode: a delivery error newer than the switch is caught', async () => {
    await call(api, 'setWebhook', { url: webhookUrl });
    const before = await getWebhookInfo(api);
    await new Promise((resolve) => webhookTarget.close(resolve));
    webhookTarget = createServer((_req, res) => res.writeHead(502).end());
    await new Promise<void>((resolve) => webhookTarget.listen(Number(new URL(webhookUrl).port), '127.0.0.1', resolve));
    standIn.inject(token, 'hello');
    for (let i = 0; i < 30 && !(await getWebhookInfo(api)).lastErrorDate; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await webhookStillServed(api, before)).toMatch(/^Telegram reports a webhook delivery error since the switch/);
  });

  it('polling mode: a release that set a webhook never polls', async () => {
    await call(api, 'setWebhook', { url: webhookUrl });
    expect(await pollerConsumes(ctx, api, 1000, 100)).toMatch(/^a webhook is set for the bot \(127\.0\.0\.1:\d+\), so the new release runs in webhook mode and never polls$/);
  });

  it('polling mode: a queue nobody consumes fails at the timeout, one a poller consumes passes', async () => {
    standIn.inject(token, 'one');
    standIn.inject(token, 'two');
    expect(await pollerConsumes(ctx, api, 500, 100)).toMatch(/^2 update\(s\) waited in Telegram's queue for .* and none was consumed, so the new release does not poll$/);

    // A live poller: takes the updates, then confirms them with the next offset.
    const poller = (async () => {
      const first = (await call(api, 'getUpdates', { timeout: 1 })) as { result: Array<{ update_id: number }> };
      const last = first.result.at(-1)?.update_id ?? 0;
      await call(api, 'getUpdates', { offset: last + 1, timeout: 1 });
    })();
    expect(await pollerConsumes(ctx, api, 5000, 100)).toBeUndefined();
    await poller;
  });

  it('never quotes the token, whatever the Bot API answers', async () => {
    const stranger = { root: api.root, token: '999:not-a-bot-of-this-server' };
    await expect(getWebhookInfo(stranger)).rejects.toThrow(/^The Bot API refused getWebhookInfo \(HTTP 401: Unauthorized\): check `telegram-token`\.$/);
    await expect(getWebhookInfo({ root: 'http://127.0.0.1:9', token })).rejects.toThrow(/^The Bot API at 127\.0\.0\.1:9 could not be reached for getWebhookInfo \(.*\): check `telegram-api-root`/);
    await expect(getWebhookInfo({ root: 'http://127.0.0.1:9', token })).rejects.not.toThrow(new RegExp(token));
  });
});
