import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDistAction } from '../../support/action-runner.js';
import { TelegramStandIn } from '../../support/telegram-bot-api.js';

// These run dist/telegram-notify/index.js exactly as the runner does: build it first (`npm run build`).

const token = '777003:AAH-bundle-secret-token_Z';
const admins = -1002000000003;

describe('dist/telegram-notify/index.js from the runner', () => {
  let standIn: TelegramStandIn;
  let env: Record<string, string>;
  let topic: number;

  beforeAll(async () => {
    standIn = new TelegramStandIn();
    standIn.addBot(token);
    standIn.addChat(token, { id: admins, type: 'supergroup', title: 'Admins', forum: true });
    topic = standIn.addTopic(token, admins, 'Deploys');
    await standIn.listen(['127.0.0.1']);
    const eventPath = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json');
    writeFileSync(eventPath, JSON.stringify({ head_commit: { message: 'Fix </b> & <script>alert("x")</script> in replies\n\n::error::not from us' } }));
    env = { GITHUB_EVENT_PATH: eventPath };
  });
  afterAll(() => standIn.close());

  const inputs = (extra: Record<string, string>): Record<string, string> => ({
    'bot-token': token,
    'chat-id': String(admins),
    'message-thread-id': String(topic),
    'api-root': standIn.apiRoot(),
    environment: 'production',
    version: 'v1.2.3',
    'previous-release': 'v1.2.2',
    ...extra,
  });

  it('sends "started", then edits the same message to "success" with the outputs of the first step', async () => {
    const started = await runDistAction('telegram-notify', inputs({ status: 'started' }), { env });
    expect(started.code).toBe(0);
    const messageId = started.outputs['message-id'] ?? '';
    expect(messageId).toMatch(/^\d+$/);
    expect(Number(started.outputs['started-at'])).toBeGreaterThan(Date.now() - 60_000);
    expect(standIn.messages(token, admins)).toEqual([
      expect.objectContaining({ message_id: Number(messageId), message_thread_id: topic, text: expect.stringMatching(/^🚀 sample-bot · deploying to production\n/) }),
    ]);

    const finished = await runDistAction(
      'telegram-notify',
      inputs({ status: 'success', 'message-id': messageId, 'started-at': started.outputs['started-at'] ?? '', text: 'Release notes:\n::error::a line that looks like a workflow command' }),
      { env },
    );
    expect(finished.code).toBe(0);
    expect(finished.outputs['message-id']).toBe(messageId);
    expect(finished.outputs['started-at']).toBe(started.outputs['started-at']);
    const [message, ...others] = standIn.messages(token, admins);
    expect(others).toEqual([]);
    expect(message?.message_id).toBe(Number(messageId));
    expect(message?.text.split('\n')).toEqual([
      '✅ sample-bot · deployed to production',
      'Version: v1.2.3',
      'Previous: v1.2.2',
      'Commit: 0123456 Fix </b> & <script>alert("x")</script> in replies',
      expect.stringMatching(/^By octocat · workflow run · took \d+(\.\d)?(ms|s)$/),
      '',
      'Release notes:',
      '::error::a line that looks like a workflow command',
    ]);

    for (const run of [started, finished]) {
      expect(run.masks).toContain(token);
      expect(run.log).not.toContain(token);
      expect(run.log).not.toContain('AAH-bundle');
      expect(run.summary).toContain('<h2>telegram-notify</h2>');
    }
    expect(finished.log).toMatch(new RegExp(`^::group::Telegram: success to chat ${admins}, topic ${topic}$`, 'm'));
    expect(finished.log).toContain(`Message ${messageId} edited in place in chat ${admins}, topic ${topic}.`);
    expect(finished.summary).toContain(`<td>Message</td><td>${messageId}, edited in place</td>`);
    // The workflow's text is printed as data: the runner is told to ignore commands around it.
    const lines = finished.log.split('\n');
    const fake = lines.indexOf('::error::a line that looks like a workflow command');
    const stop = lines.findIndex((line) => line.startsWith('::stop-commands::'));
    expect(stop).toBeGreaterThanOrEqual(0);
    expect(stop).toBeLessThan(fake);
    expect(lines.filter((line) => line.startsWith('::error::'))).toHaveLength(1);
  });

  it('warns and exits 0 when the chat is wrong (fail-on-error false)', async () => {
    const run = await runDistAction('telegram-notify', inputs({ status: 'failure', 'chat-id': '-1009999', 'message-thread-id': '' }), { env });
    expect(run.code).toBe(0);
    const warnings = run.log.split('\n').filter((line) => line.startsWith('::warning::'));
    expect(warnings).toEqual([
      '::warning::The Telegram notification was not delivered (The Bot API refused sendMessage (HTTP 400: Bad Request: chat not found): check `chat-id` (-1009999; a group\'s id is negative, a supergroup\'s starts with -100) and that the bot was added to that chat); the deploy goes on (fail-on-error: false).',
    ]);
    expect(run.log).not.toContain('::error::');
    expect(run.outputs['message-id']).toBe('');
    expect(run.outputs['started-at']).toMatch(/^\d{13}$/);
    expect(run.summary).toContain('<td>Result</td><td>not delivered: The Bot API refused sendMessage');
  });

  it('fails with exit code 1 and one sentence when fail-on-error is true', async () => {
    const run = await runDistAction('telegram-notify', inputs({ status: 'failure', 'chat-id': '-1009999', 'message-thread-id': '', 'fail-on-error': 'true' }), { env });
    expect(run.code).toBe(1);
    const errors = run.log.split('\n').filter((line) => line.startsWith('::error::'));
    expect(errors).toEqual([
      '::error::The Bot API refused sendMessage (HTTP 400: Bad Request: chat not found): check `chat-id` (-1009999; a group\'s id is negative, a supergroup\'s starts with -100) and that the bot was added to that chat.',
    ]);
    expect(run.summary).toContain('<td>Result</td><td>failed: The Bot API refused sendMessage');
  });

  it('says which input is wrong for a revoked token, and never prints it', async () => {
    const revoked = '777003:AAH-revoked-secret-token';
    const run = await runDistAction('telegram-notify', inputs({ status: 'success', 'bot-token': revoked, 'fail-on-error': 'true' }), { env });
    expect(run.code).toBe(1);
    expect(run.log).toContain('::error::The Bot API refused sendMessage (HTTP 401: Unauthorized): check `bot-token` (the token @BotFather gave the bot, from a secret).');
    expect(run.masks).toContain(revoked);
    expect(run.log).not.toContain('revoked-secret');
  });
});
