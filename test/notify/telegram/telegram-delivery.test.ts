import { createServer } from 'node:net';
import { UserError } from '../../../src/errors/user-error.js';
import { RecordingLog } from '../../../src/log/recording-log.js';
import { deliverTelegram, type TelegramTarget } from '../../../src/notify/telegram/telegram-delivery.js';
import type { RetryPolicy } from '../../../src/telegram/bot-api-retry.js';
import { TelegramStandIn } from '../../support/telegram-bot-api.js';

const token = '777001:AAH-delivery-test-token_x';
const admins = -1002000000001;
const quick: RetryPolicy = { attempts: 3, backoffMs: [20, 40], maxRetryAfterMs: 5000 };

/** A loopback port nobody listens on (fetch refuses "bad ports" such as 9 before connecting). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('deliverTelegram against the Bot API stand-in', () => {
  let standIn: TelegramStandIn;
  let target: TelegramTarget;
  let log: RecordingLog;
  let topic: number;

  beforeEach(async () => {
    standIn = new TelegramStandIn();
    standIn.addBot(token);
    standIn.addChat(token, { id: admins, type: 'supergroup', title: 'Admins', forum: true });
    topic = standIn.addTopic(token, admins, 'Deploys');
    await standIn.listen(['127.0.0.1']);
    target = { api: { root: standIn.apiRoot(), token }, chatId: String(admins), threadId: topic };
    log = new RecordingLog();
  });
  afterEach(() => standIn.close());

  const errorOf = async (promise: Promise<unknown>): Promise<Error> => {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    throw new Error('it did not fail');
  };

  it('sends into the forum topic as HTML with link previews off', async () => {
    const sent = await deliverTelegram(target, '🚀 <b>deploying</b>', log, { policy: quick });
    expect(sent.outcome).toBe('sent');
    expect(standIn.messages(token, admins)).toEqual([expect.objectContaining({ message_id: sent.messageId, message_thread_id: topic, text: '🚀 deploying' })]);
    expect(standIn.answers(token)[0]?.params).toMatchObject({ parse_mode: 'HTML', link_preview_options: { is_disabled: true }, message_thread_id: topic });
  });

  it('edits the message in place, and an edit that changes nothing is still success', async () => {
    const { messageId } = await deliverTelegram(target, '🚀 <b>deploying</b>', log, { policy: quick });
    expect(await deliverTelegram({ ...target, messageId }, '✅ <b>deployed</b>', log, { policy: quick })).toEqual({ messageId, outcome: 'edited' });
    expect(await deliverTelegram({ ...target, messageId }, '✅ <b>deployed</b>', log, { policy: quick })).toEqual({ messageId, outcome: 'unchanged' });
    expect(standIn.messages(token, admins)).toEqual([expect.objectContaining({ message_id: messageId, text: '✅ deployed', edit_date: expect.any(Number) })]);
  });

  it('sends a new message, in the topic, when the one to edit was deleted', async () => {
    const { messageId } = await deliverTelegram(target, '🚀 deploying', log, { policy: quick });
    await fetch(`${standIn.apiRoot()}/bot${token}/deleteMessage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chat_id: admins, message_id: messageId }) });
    const resent = await deliverTelegram({ ...target, messageId }, '✅ deployed', log, { policy: quick });
    expect(resent.outcome).toBe('resent');
    expect(resent.messageId).not.toBe(messageId);
    expect(standIn.messages(token, admins)).toEqual([expect.objectContaining({ message_id: resent.messageId, text: '✅ deployed', message_thread_id: topic })]);
    expect(log.text).toContain(`Message ${messageId} cannot be edited (Bad Request: message to edit not found); sending a new one.`);
  });

  it('waits the retry_after Telegram asks for on 429, then delivers', async () => {
    standIn.failNext(token, { status: 429, retryAfter: 1 });
    const sent = await deliverTelegram(target, 'hello', log, { policy: quick });
    expect(sent.outcome).toBe('sent');
    const [limited, delivered] = standIn.calls(token);
    expect([limited?.status, delivered?.status]).toEqual([429, 200]);
    expect(delivered!.at - limited!.at).toBeGreaterThanOrEqual(990);
    expect(log.lines).toContain('The Bot API refused sendMessage (HTTP 429: Too Many Requests: retry after 1); trying again in 1.0s.');
  });

  it('does not wait out a retry_after longer than a notification may take', async () => {
    standIn.failNext(token, { status: 429, retryAfter: 60 });
    const started = Date.now();
    const error = await errorOf(deliverTelegram(target, 'hello', log, { policy: quick }));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(
      `The Bot API refused sendMessage (HTTP 429: Too Many Requests: retry after 60): Telegram's flood control asks to wait 60s, longer than a notification may hold the job; send fewer messages to chat ${admins}.`,
    );
  });

  it('retries a server error with backoff and delivers once Telegram is back', async () => {
    standIn.failNext(token, { status: 502 }, { status: 500 });
    const sent = await deliverTelegram(target, 'hello', log, { policy: quick });
    expect(sent.outcome).toBe('sent');
    expect(standIn.calls(token).map((call) => call.status)).toEqual([502, 500, 200]);
    expect(standIn.messages(token, admins)).toHaveLength(1);
  });

  it('gives up after the attempts with one sentence when the server keeps failing', async () => {
    standIn.failNext(token, { status: 502 }, { status: 503 }, { status: 500 }, { status: 500 });
    const error = await errorOf(deliverTelegram(target, 'hello', log, { policy: quick }));
    expect(error.message).toBe(
      'The Bot API refused sendMessage (HTTP 500: Internal Server Error) after 3 tries: Telegram (or the Bot API server at `api-root`) is failing; nothing to change on your side, try again later.',
    );
    expect(standIn.calls(token)).toHaveLength(3);
  });

  it('says which input to fix, without quoting the token, and does not retry a refusal', async () => {
    const wrongToken = await errorOf(deliverTelegram({ ...target, api: { ...target.api, token: '777001:AAH-revoked' } }, 'hi', log, { policy: quick }));
    expect(wrongToken.message).toBe('The Bot API refused sendMessage (HTTP 401: Unauthorized): check `bot-token` (the token @BotFather gave the bot, from a secret).');

    const wrongChat = await errorOf(deliverTelegram({ ...target, chatId: '-1009999' }, 'hi', log, { policy: quick }));
    expect(wrongChat.message).toBe(
      'The Bot API refused sendMessage (HTTP 400: Bad Request: chat not found): check `chat-id` (-1009999; a group\'s id is negative, a supergroup\'s starts with -100) and that the bot was added to that chat.',
    );
    const wrongTopic = await errorOf(deliverTelegram({ ...target, threadId: 999 }, 'hi', log, { policy: quick }));
    expect(wrongTopic.message).toMatch(/^The Bot API refused sendMessage \(HTTP 400: Bad Request: message thread not found\): check `message-thread-id`/);

    const closed = await closedPort();
    const unreachable = await errorOf(deliverTelegram({ ...target, api: { root: `http://127.0.0.1:${closed}`, token } }, 'hi', log, { policy: quick }));
    expect(unreachable.message).toBe(
      `The Bot API at 127.0.0.1:${closed} could not be reached for sendMessage (connect ECONNREFUSED 127.0.0.1:${closed}) after 3 tries: check \`api-root\` and the runner's network.`,
    );
    for (const error of [wrongToken, wrongChat, wrongTopic, unreachable]) expect(error.message).not.toContain('AAH-');
    expect(standIn.calls(token).map((call) => call.status)).toEqual([400, 400]);
  });

  it('reports markup Telegram refused as its own bug (never the user\'s commit message)', async () => {
    const error = await errorOf(deliverTelegram(target, 'a <script>', log, { policy: quick }));
    expect(error.message).toBe(
      'The Bot API refused sendMessage (HTTP 400: Bad Request: can\'t parse entities: Unsupported start tag "script" at byte offset 2): this is a bug of telegram-notify (the message it built was refused), please report it with this line.',
    );
  });
});
