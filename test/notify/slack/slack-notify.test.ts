import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { slackNotifyAction } from '../../../src/actions/slack-notify.js';
import { InputError } from '../../../src/inputs/input-error.js';
import { Inputs } from '../../../src/inputs/inputs.js';
import { SummaryBuffer } from '../../../src/log/job-summary.js';
import { RecordingLog } from '../../../src/log/recording-log.js';
import { SlackDeliveryError } from '../../../src/notify/slack/delivery-failure.js';
import { runSlackNotify, type SlackNotifyResult } from '../../../src/notify/slack/slack-notify.js';
import type { SlackTransport } from '../../../src/notify/slack/transport.js';
import type { RunInfo } from '../../../src/pipeline/run-info.js';
import { controlSequences, SlackStandIn, type StoredMessage } from '../../support/slack-stand-in.js';

const run: RunInfo = {
  actor: 'octocat',
  sha: '0123456789abcdef0123456789abcdef01234567',
  repository: 'acme/sample-bot',
  runUrl: 'https://github.com/acme/sample-bot/actions/runs/7',
  owner: 'acme/sample-bot run 7 by octocat',
  lockToken: '0123456789abcdef01234567',
};

const hostile = '<!channel> ship it <@U123>\n"quoted" a & b <https://evil.test|click> 🚀';
const eventDir = mkdtempSync(join(tmpdir(), 'slack-event-'));
const eventPath = join(eventDir, 'event.json');
writeFileSync(eventPath, JSON.stringify({ head_commit: { message: hostile } }));

/** Quick retries: 3 after the first try, 10 ms apart. */
const fast: Partial<SlackTransport> = { retry: { retries: 3, factor: 1, minTimeout: 10, maxTimeout: 10 }, timeoutMs: 5000 };

interface Notified {
  result: SlackNotifyResult;
  log: RecordingLog;
  summary: SummaryBuffer;
  masked: string[];
}

async function notify(values: Record<string, string>, now = Date.now()): Promise<Notified> {
  const log = new RecordingLog();
  const masked: string[] = [];
  const mask = log.mask.bind(log);
  log.mask = (secret) => {
    masked.push(secret);
    mask(secret);
  };
  const summary = new SummaryBuffer();
  const inputs = new Inputs(slackNotifyAction.inputs, (name) => values[name] ?? '');
  const result = await runSlackNotify({ inputs, log, summary, run }, { env: { GITHUB_EVENT_PATH: eventPath }, now: () => now, transport: fast });
  // A masked secret shows as *** in a RecordingLog: none may have been printed.
  expect(log.text).not.toContain('***');
  return { result, log, summary, masked };
}

/** A loopback port nothing listens on (one just freed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const headerOf = (message: StoredMessage | undefined): string => ((message?.blocks ?? []) as KnownBlock[]).filter((block): block is HeaderBlock => block.type === 'header')[0]?.text.text ?? '';
const fieldsOf = (message: StoredMessage | undefined): string[] =>
  ((message?.blocks ?? []) as KnownBlock[]).filter((block): block is SectionBlock => block.type === 'section')[0]?.fields?.map((field) => field.text) ?? [];
const summaryRows = (summary: SummaryBuffer): Record<string, string> => Object.fromEntries(summary.sections.flatMap((section) => section.rows));

describe('slack-notify with a bot token, against the stand-in', () => {
  let slack: SlackStandIn;
  let token: string;
  let channelId: string;
  let bot: Record<string, string>;
  beforeAll(async () => {
    slack = await SlackStandIn.start();
    token = slack.addToken();
    channelId = slack.addChannel('deploys').id;
    bot = { 'bot-token': token, channel: '#deploys', 'api-url': slack.apiUrl, environment: 'production', version: 'v1.2.3' };
  });
  afterAll(() => slack.close());

  it('posts once, then updates the same message: ts and channel outputs feed the next step', async () => {
    const now = Date.now();
    const started = await notify({ ...bot, status: 'started' }, now);
    expect(started.result).toEqual({ delivered: true, ts: expect.stringMatching(/^\d+\.\d+$/), channel: channelId, startedAt: now });
    expect(started.masked).toContain(token);
    const posted = slack.messages(channelId).find((message) => message.ts === started.result.ts);
    expect(headerOf(posted)).toBe(':rocket: sample-bot v1.2.3 → production: deploying');
    // The SDK's own request: a form body, the token in the Authorization header only.
    const request = slack.requests.at(-1);
    expect(request).toMatchObject({ path: '/api/chat.postMessage', contentType: 'application/x-www-form-urlencoded', authorization: `Bearer ${token}` });
    expect(request?.params.token).toBeUndefined();

    const done = await notify({ ...bot, status: 'success', ts: started.result.ts, channel: started.result.channel, 'started-at': String(now) }, now + 95_000);
    expect(done.result).toEqual({ delivered: true, ts: started.result.ts, channel: channelId, startedAt: now });
    const updated = slack.messages(channelId).filter((message) => message.ts === started.result.ts);
    expect(updated).toHaveLength(1);
    expect(updated[0]?.edits).toBe(1);
    expect(headerOf(updated[0])).toBe(':white_check_mark: sample-bot v1.2.3 → production: deployed');
    expect(fieldsOf(updated[0])).toContain('*Duration*\n1m35s');
    expect(done.log.lines).toContain(`Updated message ${started.result.ts} in ${channelId}.`);
    expect(summaryRows(done.summary)).toMatchObject({ Status: 'success', 'Sent with': `bot token, channel ${channelId}`, Message: `updated ${started.result.ts} in ${channelId}`, Delivered: 'yes' });
  });

  it('escapes the pushed commit\'s message: Slack receives no mention or link of its own', async () => {
    const { result } = await notify({ ...bot, status: 'success' });
    const message = slack.messages(channelId).find((stored) => stored.ts === result.ts);
    const texts = JSON.stringify(message?.blocks);
    expect(texts).toContain('&lt;!channel&gt; ship it &lt;@U123&gt;\\n\\"quoted\\" a &amp; b &lt;https://evil.test|click&gt; 🚀');
    const sequences = controlSequences(`${message?.text}\n${((message?.blocks ?? []) as KnownBlock[]).map((block) => JSON.stringify(block)).join('\n')}`);
    expect(sequences.every((sequence) => sequence.startsWith('<https://github.com/acme/sample-bot/'))).toBe(true);
  });

  it('takes the start from the updated message\'s ts when started-at is not given', async () => {
    const first = await notify({ ...bot, status: 'started' });
    const postedAt = Math.round(Number(first.result.ts) * 1000);
    const later = await notify({ ...bot, channel: first.result.channel, status: 'failure', ts: first.result.ts }, postedAt + 42_000);
    expect(later.result.startedAt).toBe(postedAt);
    expect(fieldsOf(slack.messages(channelId).find((message) => message.ts === first.result.ts))).toContain('*Duration*\n42s');
  });

  it('replies in the thread of thread-ts, with the reply\'s own ts as output', async () => {
    const parent = await notify({ ...bot, status: 'started' });
    const reply = await notify({ ...bot, status: 'success', 'thread-ts': parent.result.ts });
    expect(reply.result.ts).not.toBe(parent.result.ts);
    expect(slack.messages(channelId).find((message) => message.ts === reply.result.ts)?.threadTs).toBe(parent.result.ts);
    expect(summaryRows(reply.summary).Message).toBe(`replied in the thread of ${parent.result.ts}: ${reply.result.ts}`);
  });

  it('honours a 429\'s Retry-After, then delivers', async () => {
    slack.failNext('api', { status: 429, retryAfterSeconds: 1 });
    const before = slack.requests.length;
    const { result, log } = await notify({ ...bot, status: 'success' });
    expect(result.delivered).toBe(true);
    const [limited, retried] = slack.requests.slice(before);
    expect(limited?.status).toBe(429);
    expect(retried?.status).toBe(200);
    expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(log.lines).toContain('Slack rate-limited chat.postMessage (HTTP 429): waiting 1s as its Retry-After asks.');
  });

  it('gives up when Slack keeps rate-limiting, saying so', async () => {
    slack.failNext('api', { status: 429, retryAfterSeconds: 0 }, 4);
    const { result } = await notify({ ...bot, status: 'success', 'fail-on-error': 'true' });
    expect((result.failure as Error).message).toBe(
      'Slack kept rate-limiting chat.postMessage (HTTP 429, waited out 4 times): too many messages go to Slack at once, so send fewer notifications or re-run the job later.',
    );
  });

  it('retries 5xx answers, then delivers', async () => {
    slack.failNext('api', { status: 503 }, 2);
    const before = slack.requests.length;
    const { result, log } = await notify({ ...bot, status: 'success' });
    expect(result.delivered).toBe(true);
    expect(slack.requests.slice(before).map((request) => request.status)).toEqual([503, 503, 200]);
    expect(log.lines.filter((line) => line === 'Slack answered HTTP 503 to chat.postMessage.')).toHaveLength(2);
  });

  it('gives up after the retries with one sentence, failing only with fail-on-error', async () => {
    slack.failNext('api', { status: 503 }, 4);
    const { result, summary } = await notify({ ...bot, status: 'success', 'fail-on-error': 'true' });
    expect(result.delivered).toBe(false);
    expect(result.failure).toBeInstanceOf(SlackDeliveryError);
    expect((result.failure as Error).message).toBe(
      'Slack answered HTTP 503 to chat.postMessage 4 times in a row: Slack is having trouble (https://slack-status.com), so re-run the job later to send the notification.',
    );
    expect(summaryRows(summary).Delivered).toBe(`no: ${(result.failure as Error).message}`);
  });

  it.each([
    ['an unknown token', { 'bot-token': 'xoxb-0-unknown' }, 'Slack refused the bot token (invalid_auth): check `bot-token` — it must be the Bot User OAuth Token (xoxb-...) of a Slack app installed in the workspace.'],
    ['an unknown channel', { channel: '#nope' }, 'Slack found no channel "#nope" (channel_not_found): check `channel` (a name such as #deploys, or an ID such as C0123ABCD) and, for a private channel, invite the app to it.'],
    ['a channel the app is not in', { channel: '#private' }, 'The Slack app is not a member of channel "#private" (not_in_channel): invite it there (/invite @your-app), or give it the chat:write.public scope.'],
    ['an archived channel', { channel: '#old' }, 'Slack channel "#old" is archived (is_archived): unarchive it, or set `channel` to another one.'],
    ['an update by channel name', { ts: 'POSTED' }, 'Slack found no channel "#deploys" to update message POSTED in (channel_not_found): chat.update needs the channel\'s ID, so pass the `channel` output of the step that posted the message.'],
    ['an update of an unknown ts', { ts: '1700000000.999999', channel: 'ID' }, 'Slack found no message 1700000000.999999 in channel "ID" (message_not_found): pass the `ts` and `channel` outputs of the step that posted it.'],
  ])('answers ok:false for %s with one sentence naming the fix', async (_case, change, sentence) => {
    slack.addChannel('private', { member: false });
    slack.addChannel('old', { archived: true });
    const posted = await notify({ ...bot, status: 'started' });
    const values: Record<string, string> = { ...bot, status: 'success', 'fail-on-error': 'true', ...change };
    if (values.ts === 'POSTED') values.ts = posted.result.ts;
    if (values.channel === 'ID') values.channel = channelId;
    const { result } = await notify(values);
    expect(result.failure).toBeInstanceOf(SlackDeliveryError);
    expect((result.failure as Error).message).toBe(sentence.replace('POSTED', posted.result.ts).replace('"ID"', `"${channelId}"`));
  });

  it('says when Slack cannot be reached at all', async () => {
    const port = await closedPort();
    const { result } = await notify({ ...bot, 'api-url': `http://127.0.0.1:${port}/api`, status: 'success', 'fail-on-error': 'true' });
    expect((result.failure as Error).message).toBe(`Could not reach Slack's API at http://127.0.0.1:${port}/api/ (fetch failed: ECONNREFUSED): check the runner's network and \`api-url\`.`);
  });

  it('warns instead of failing without fail-on-error, and sets the outputs it knows', async () => {
    const now = Date.now();
    const { result, log, summary } = await notify({ ...bot, channel: '#nope', status: 'success' }, now);
    expect(result).toEqual({ delivered: false, ts: '', channel: '#nope', startedAt: now });
    const warnings = log.lines.filter((line) => line.startsWith('warning: '));
    expect(warnings).toEqual([
      'warning: The Slack notification was not delivered (Slack found no channel "#nope" (channel_not_found): check `channel` (a name such as #deploys, or an ID such as C0123ABCD) and, for a private channel, invite the app to it); the deploy goes on (fail-on-error: false).',
    ]);
    expect(summaryRows(summary).Delivered).toMatch(/^no: Slack found no channel "#nope"/);
  });

  it('treats a missing secret or a bad input as an undelivered notification', async () => {
    const missing = await notify({ status: 'success' });
    expect(missing.result.delivered).toBe(false);
    expect(missing.log.lines.filter((line) => line.startsWith('warning: '))).toEqual([
      'warning: The Slack notification was not delivered (Give `webhook-url` (an incoming webhook) or `bot-token` with `channel` (a Slack app) to say where to post; is the secret passed to this job?); the deploy goes on (fail-on-error: false).',
    ]);
    const strict = await notify({ ...bot, status: 'shipped', 'fail-on-error': 'true' });
    expect(strict.result.failure).toBeInstanceOf(InputError);
    expect((strict.result.failure as Error).message).toBe('Input `status` must be one of started, success, failure, cancelled, rolled-back, not "shipped".');
    const both = await notify({ ...bot, status: 'success', ts: '1.1', 'thread-ts': '1.2', 'fail-on-error': 'true' });
    expect((both.result.failure as Error).message).toBe('Give `ts` (update that message) or `thread-ts` (reply in its thread), not both.');
    const badTs = await notify({ ...bot, status: 'success', ts: 'latest', 'fail-on-error': 'true' });
    expect((badTs.result.failure as Error).message).toMatch(/^Input `ts` must be a Slack message timestamp such as 1712345678\.123456/);
  });
});

describe('slack-notify with an incoming webhook, against the stand-in', () => {
  let slack: SlackStandIn;
  let channelId: string;
  let url: string;
  beforeAll(async () => {
    slack = await SlackStandIn.start();
    channelId = slack.addChannel('deploys').id;
    url = slack.addWebhook(channelId);
  });
  afterAll(() => slack.close());

  it('posts the Block Kit message, masking the URL and its secret path', async () => {
    const { result, masked, summary } = await notify({ 'webhook-url': url, status: 'success', version: 'v2' });
    expect(result).toMatchObject({ delivered: true, ts: '', channel: '' });
    expect(masked).toEqual(expect.arrayContaining([url, new URL(url).pathname]));
    expect(headerOf(slack.messages(channelId).at(-1))).toBe(':white_check_mark: sample-bot v2 → production: deployed');
    expect(slack.requests.at(-1)?.contentType).toBe('application/json');
    expect(summaryRows(summary)).toMatchObject({ 'Sent with': 'incoming webhook', Message: 'posted', Delivered: 'yes' });
  });

  it('honours a 429\'s Retry-After, which @slack/webhook alone would not', async () => {
    slack.failNext('webhook', { status: 429, retryAfterSeconds: 1 });
    const before = slack.requests.length;
    const { result, log } = await notify({ 'webhook-url': url, status: 'success' });
    expect(result.delivered).toBe(true);
    const [limited, retried] = slack.requests.slice(before);
    expect([limited?.status, retried?.status]).toEqual([429, 200]);
    expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(log.lines).toContain('Slack rate-limited the incoming webhook (HTTP 429): waiting 1s as its Retry-After asks.');
  });

  it('gives up on a Retry-After too long to wait, with one sentence', async () => {
    slack.failNext('webhook', { status: 429, retryAfterSeconds: 3600 });
    const { result } = await notify({ 'webhook-url': url, status: 'success', 'fail-on-error': 'true' });
    expect((result.failure as Error).message).toBe(
      'Slack kept rate-limiting the incoming webhook (HTTP 429): too many messages go to Slack at once, so send fewer notifications or re-run the job later.',
    );
  });

  it('gives up after three 429s in a row, saying how often it waited', async () => {
    slack.failNext('webhook', { status: 429, retryAfterSeconds: 0 }, 4);
    const before = slack.requests.length;
    const { result } = await notify({ 'webhook-url': url, status: 'success', 'fail-on-error': 'true' });
    expect(slack.requests.slice(before).map((request) => request.status)).toEqual([429, 429, 429, 429]);
    expect((result.failure as Error).message).toBe(
      'Slack kept rate-limiting the incoming webhook (HTTP 429, waited out 3 times): too many messages go to Slack at once, so send fewer notifications or re-run the job later.',
    );
  });

  it('retries 5xx answers, then delivers; gives up after the retries', async () => {
    slack.failNext('webhook', { status: 500 }, 2);
    const before = slack.requests.length;
    expect((await notify({ 'webhook-url': url, status: 'success' })).result.delivered).toBe(true);
    expect(slack.requests.slice(before).map((request) => request.status)).toEqual([500, 500, 200]);
    slack.failNext('webhook', { status: 502 }, 4);
    const { result } = await notify({ 'webhook-url': url, status: 'success', 'fail-on-error': 'true' });
    expect((result.failure as Error).message).toBe(
      'Slack answered HTTP 502 rollup_error to the incoming webhook 4 times in a row: Slack is having trouble (https://slack-status.com), so re-run the job later to send the notification.',
    );
  });

  it('names the fix for a webhook Slack does not know, without printing its URL', async () => {
    const { result, log } = await notify({ 'webhook-url': `${url}0`, status: 'success', 'fail-on-error': 'true' });
    expect((result.failure as Error).message).toBe(
      'Slack does not know this incoming webhook (404 no_service): it was removed or the URL is wrong, so create the webhook again and put its URL in the secret behind `webhook-url`.',
    );
    expect(log.text).not.toContain(new URL(url).pathname);
  });

  it('says when the webhook cannot be reached, without its URL', async () => {
    const { result } = await notify({ 'webhook-url': `http://127.0.0.1:${await closedPort()}/services/T1/B1/secretsecret`, status: 'success', 'fail-on-error': 'true' });
    expect((result.failure as Error).message).toBe("Could not reach the Slack incoming webhook (fetch failed: ECONNREFUSED): check `webhook-url` and the runner's network.");
  });

  it('refuses ts with a webhook, and a value that is no URL without quoting it', async () => {
    const ts = await notify({ 'webhook-url': url, status: 'success', ts: '1.2', 'fail-on-error': 'true' });
    expect((ts.result.failure as Error).message).toBe('Input `ts` needs `bot-token` and `channel`: an incoming webhook can only post new messages.');
    const notUrl = await notify({ 'webhook-url': 'T000/B000/secretsecret', status: 'success', 'fail-on-error': 'true' });
    expect((notUrl.result.failure as Error).message).not.toContain('secretsecret');
    expect((notUrl.result.failure as Error).message).toMatch(/^Input `webhook-url` must be the URL of a Slack incoming webhook/);
  });
});
