import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { telegramNotifyAction } from '../../../src/actions/telegram-notify.js';
import { Inputs } from '../../../src/inputs/inputs.js';
import { SummaryBuffer } from '../../../src/log/job-summary.js';
import { RecordingLog } from '../../../src/log/recording-log.js';
import { telegramNotify, type TelegramNotifyContext } from '../../../src/notify/telegram/telegram-notify.js';
import { readTelegramNotifyConfig } from '../../../src/notify/telegram/telegram-notify-config.js';
import { testRun } from '../../support/scripted-context.js';
import { TelegramStandIn } from '../../support/telegram-bot-api.js';

const token = '777002:AAH-notify-core-token';
const admins = -1002000000002;
const quick = { policy: { attempts: 2, backoffMs: [10], maxRetryAfterMs: 1000 } };

describe('telegramNotify', () => {
  let standIn: TelegramStandIn;
  let eventPath: string;

  beforeEach(async () => {
    standIn = new TelegramStandIn();
    standIn.addBot(token);
    standIn.addChat(token, { id: admins, type: 'supergroup', title: 'Admins' });
    await standIn.listen(['127.0.0.1']);
    eventPath = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json');
    writeFileSync(eventPath, JSON.stringify({ head_commit: { message: 'Fix </b> & <script> in "replies"\n\nLong body' } }));
  });
  afterEach(() => standIn.close());

  function run(values: Record<string, string>, now = 1_750_000_000_000): { result: ReturnType<typeof telegramNotify>; log: RecordingLog; summary: SummaryBuffer } {
    const log = new RecordingLog();
    const summary = new SummaryBuffer();
    const all: Record<string, string> = { 'bot-token': token, 'chat-id': String(admins), 'api-root': standIn.apiRoot(), 'fail-on-error': 'false', environment: 'production', ...values };
    const config = readTelegramNotifyConfig(new Inputs(telegramNotifyAction.inputs, (name) => all[name] ?? ''), log);
    const context: TelegramNotifyContext = { log, summary, run: testRun, env: { GITHUB_EVENT_PATH: eventPath }, now };
    return { result: telegramNotify(config, context, quick), log, summary };
  }

  it('sends "started", then edits that same message to "success" with the duration', async () => {
    const first = run({ status: 'started', version: 'v2' }, 1_750_000_000_000);
    const started = await first.result;
    expect(started).toEqual({ messageId: expect.any(Number), startedAt: 1_750_000_000_000, outcome: 'sent' });
    const second = run({ status: 'success', version: 'v2', 'message-id': String(started.messageId), 'started-at': String(started.startedAt) }, 1_750_000_095_000);
    expect(await second.result).toEqual({ messageId: started.messageId, startedAt: started.startedAt, outcome: 'edited' });

    const [message, ...others] = standIn.messages(token, admins);
    expect(others).toEqual([]);
    expect(message?.text).toBe(
      ['✅ bot · deployed to production', 'Version: v2', 'Commit: abc123 Fix </b> & <script> in "replies"', 'By octocat · workflow run · took 1m35s'].join('\n'),
    );
    expect(second.summary.sections).toEqual([
      {
        heading: 'Telegram message',
        rows: [
          ['Status', 'success'],
          ['Environment', 'production'],
          ['Version', 'v2'],
          ['Chat', `chat ${admins}`],
          ['Message', `${started.messageId}, edited in place`],
        ],
      },
    ]);
    // The text is shown in the log as data (never as workflow commands), inside a group; the token never.
    expect(second.log.lines[0]).toBe(`::group::Telegram: success to chat ${admins}`);
    expect(second.log.lines).toContain('Commit: abc123 Fix </b> & <script> in "replies"');
    expect(second.log.lines.slice(-2)).toEqual([`Message ${started.messageId} edited in place in chat ${admins}.`, '::endgroup::']);
    expect(second.log.text).not.toContain(token);
  });

  it('warns and goes on when the chat is wrong (fail-on-error false), keeping the message id to edit', async () => {
    const { result, log, summary } = run({ status: 'failure', 'chat-id': '-1009999', 'message-id': '17' });
    expect(await result).toEqual({ messageId: 17, startedAt: 1_750_000_000_000, outcome: 'not delivered' });
    expect(log.lines.filter((line) => line.startsWith('warning: '))).toEqual([
      'warning: The Telegram notification was not delivered (The Bot API refused editMessageText (HTTP 400: Bad Request: chat not found): check `chat-id` (-1009999; a group\'s id is negative, a supergroup\'s starts with -100) and that the bot was added to that chat); the deploy goes on (fail-on-error: false).',
    ]);
    expect(summary.sections[0]?.rows.at(-1)?.[0]).toBe('Result');
    expect(summary.sections[0]?.rows.at(-1)?.[1]).toMatch(/^not delivered: The Bot API refused editMessageText/);
  });

  it('fails with the sentence when fail-on-error is true, the summary still written', async () => {
    const { result, summary } = run({ status: 'success', 'chat-id': '-1009999', 'fail-on-error': 'true' });
    await expect(result).rejects.toThrow(/^The Bot API refused sendMessage \(HTTP 400: Bad Request: chat not found\): check `chat-id`/);
    expect(summary.sections[0]?.rows.at(-1)?.[1]).toMatch(/^failed: The Bot API refused sendMessage/);
  });
});

describe('readTelegramNotifyConfig', () => {
  const read = (values: Record<string, string>): ReturnType<typeof readTelegramNotifyConfig> => {
    const all: Record<string, string> = { 'bot-token': '123:abc-DEF_1', 'chat-id': '-100123', status: 'started', 'fail-on-error': 'false', 'api-root': 'https://api.telegram.org', ...values };
    return readTelegramNotifyConfig(new Inputs(telegramNotifyAction.inputs, (name) => all[name] ?? ''), new RecordingLog());
  };

  it('reads the chat, topic, message to edit and the notice', () => {
    expect(read({ 'chat-id': '@acme_admins', 'message-thread-id': '12', 'message-id': '345', 'bot-token': ' 123:abc-DEF_1\n' })).toMatchObject({
      api: { root: 'https://api.telegram.org', token: '123:abc-DEF_1' },
      chatId: '@acme_admins',
      threadId: 12,
      messageId: 345,
      notice: { status: 'started' },
      failOnError: false,
    });
  });

  it.each([
    [{ 'bot-token': '' }, /^Input `bot-token` is required/],
    [{ 'bot-token': 'not a token' }, /^Input `bot-token` does not look like a bot token/],
    [{ 'chat-id': '' }, /^Input `chat-id` is required/],
    [{ 'chat-id': 'admins' }, /^Input `chat-id` must be a chat id such as -1001234567890 or a @channelusername, not "admins"\.$/],
    [{ 'message-thread-id': 'general' }, /^Input `message-thread-id` must be a positive whole number/],
    [{ 'message-id': '0' }, /^Input `message-id` must be a positive whole number/],
    [{ 'api-root': 'ftp://x' }, /^Input `api-root` must be an http\(s\) URL/],
    [{ status: 'done' }, /^Input `status` must be one of started, success, failure, cancelled, rolled-back, not "done"\.$/],
    [{ 'started-at': 'yesterday' }, /^Input `started-at` must be epoch milliseconds/],
  ])('refuses %j', (values, message) => {
    expect(() => read(values)).toThrow(message);
  });

  it('masks the token before anything can print it, and never quotes it', () => {
    const log = new RecordingLog();
    const values: Record<string, string> = { 'bot-token': '123:secret-token-value', 'chat-id': 'bad chat' };
    expect(() => readTelegramNotifyConfig(new Inputs(telegramNotifyAction.inputs, (name) => values[name] ?? ''), log)).toThrow(/chat-id/);
    log.info('123:secret-token-value');
    expect(log.lines).toEqual(['***']);
  });
});
