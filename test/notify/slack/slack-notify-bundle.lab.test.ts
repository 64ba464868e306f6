import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { runDistAction, type ActionRun } from '../../support/action-runner.js';
import { controlSequences, SlackStandIn, type StoredMessage } from '../../support/slack-stand-in.js';

// These run dist/slack-notify/index.js exactly as the runner does: build it first (`npm run build`).

const eventDir = mkdtempSync(join(tmpdir(), 'slack-bundle-event-'));
const eventPath = join(eventDir, 'event.json');
writeFileSync(eventPath, JSON.stringify({ head_commit: { message: 'Ship it <!channel> & "thanks" <@U123>\nsecond line' } }));
const env = { GITHUB_EVENT_PATH: eventPath };

const headerOf = (message: StoredMessage | undefined): string => ((message?.blocks ?? []) as KnownBlock[]).filter((block): block is HeaderBlock => block.type === 'header')[0]?.text.text ?? '';
const lines = (run: ActionRun, prefix: string): string[] => run.log.split('\n').filter((line) => line.startsWith(prefix));

describe('dist/slack-notify/index.js from the runner', () => {
  let slack: SlackStandIn;
  let token: string;
  let channelId: string;
  beforeAll(async () => {
    slack = await SlackStandIn.start();
    token = slack.addToken();
    channelId = slack.addChannel('deploys').id;
  });
  afterAll(() => slack.close());

  it('posts "started", then updates the same message to "success" with the ts, channel and started-at outputs', async () => {
    const bot = { 'bot-token': token, 'api-url': slack.apiUrl, environment: 'production', version: 'v1.4.0' };
    const started = await runDistAction('slack-notify', { ...bot, channel: '#deploys', status: 'started' }, { env });
    expect(started.code).toBe(0);
    expect(started.outputs).toEqual({ ts: expect.stringMatching(/^\d+\.\d+$/), channel: channelId, 'started-at': expect.stringMatching(/^\d{13}$/) });
    expect(started.masks).toContain(token);
    expect(started.log).not.toContain(token);
    expect(lines(started, '::group::')).toEqual(['::group::Slack notification']);

    const done = await runDistAction('slack-notify', { ...bot, channel: started.outputs.channel ?? '', ts: started.outputs.ts ?? '', 'started-at': started.outputs['started-at'] ?? '', status: 'success' }, { env });
    expect(done.code).toBe(0);
    expect(done.outputs).toEqual(started.outputs);
    expect(done.log).not.toContain(token);
    const messages = slack.messages(channelId);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ ts: started.outputs.ts, edits: 1 });
    expect(headerOf(messages[0])).toBe(':white_check_mark: sample-bot v1.4.0 → production: deployed');
    const sections = ((messages[0]?.blocks ?? []) as KnownBlock[]).filter((block): block is SectionBlock => block.type === 'section');
    expect(sections[0]?.fields?.map((field) => field.text)).toEqual(expect.arrayContaining(['*Actor*\noctocat', expect.stringMatching(/^\*Duration\*\n\d/)]));
    expect(sections[1]?.text?.text).toBe(
      '*Commit* <https://github.com/acme/sample-bot/commit/0123456789abcdef0123456789abcdef01234567|0123456>\nShip it &lt;!channel&gt; &amp; "thanks" &lt;@U123&gt;\nsecond line',
    );
    expect(controlSequences(JSON.stringify(messages[0]?.blocks)).filter((sequence) => !sequence.startsWith('<https://github.com/acme/sample-bot/'))).toEqual([]);
    expect(done.summary).toContain('<h2>slack-notify</h2>');
    expect(done.summary).toContain(`<td>Message</td><td>updated ${started.outputs.ts} in ${channelId}</td>`);
    expect(done.summary).toContain('<td>Delivered</td><td>yes</td>');
  });

  it('posts through an incoming webhook without its URL in the log', async () => {
    const url = slack.addWebhook(channelId);
    const run = await runDistAction('slack-notify', { 'webhook-url': url, status: 'rolled-back', version: 'v1.3.9' }, { env });
    expect(run.code).toBe(0);
    expect(run.masks).toEqual(expect.arrayContaining([url, new URL(url).pathname]));
    expect(run.log).not.toContain(new URL(url).pathname);
    expect(headerOf(slack.messages(channelId).at(-1))).toBe(':rewind: sample-bot v1.3.9 → production: rolled back');
    expect(run.outputs).toMatchObject({ ts: '', channel: '' });
  });

  it('warns and exits 0 on channel_not_found by default; fails with the sentence when fail-on-error', async () => {
    const inputs = { 'bot-token': token, 'api-url': slack.apiUrl, channel: '#gone', status: 'failure' };
    const sentence =
      'Slack found no channel "#gone" (channel_not_found): check `channel` (a name such as #deploys, or an ID such as C0123ABCD) and, for a private channel, invite the app to it';
    const lenient = await runDistAction('slack-notify', inputs, { env });
    expect(lenient.code).toBe(0);
    expect(lines(lenient, '::warning::')).toEqual([`::warning::The Slack notification was not delivered (${sentence}); the deploy goes on (fail-on-error: false).`]);
    expect(lines(lenient, '::error::')).toEqual([]);
    expect(lenient.outputs['started-at']).toMatch(/^\d{13}$/);
    expect(lenient.summary).toContain(`<td>Delivered</td><td>no: ${sentence}</td>`);
    expect(lenient.log).not.toContain(token);

    const strict = await runDistAction('slack-notify', { ...inputs, 'fail-on-error': 'true' }, { env });
    expect(strict.code).toBe(1);
    expect(lines(strict, '::error::')).toEqual([`::error::${sentence}.`]);
    expect(strict.summary).toContain('<h2>slack-notify</h2>');
    expect(strict.outputs['started-at']).toMatch(/^\d{13}$/);
    expect(strict.log).not.toContain(token);
  });
});
