import { SlackStandIn } from './slack-stand-in.js';

/** The stand-in itself: it must refuse what Slack refuses, or the delivery tests prove nothing. */
describe('SlackStandIn', () => {
  let slack: SlackStandIn;
  let token: string;
  let channelId: string;
  beforeAll(async () => {
    slack = await SlackStandIn.start();
    token = slack.addToken();
    channelId = slack.addChannel('deploys').id;
  });
  afterAll(() => slack.close());

  const api = async (method: string, params: Record<string, unknown>, options: { token?: string; json?: boolean } = {}): Promise<Record<string, unknown>> => {
    const json = options.json ?? false;
    const body = json ? JSON.stringify(params) : new URLSearchParams(Object.entries(params).map(([key, value]): [string, string] => [key, typeof value === 'string' ? value : JSON.stringify(value)])).toString();
    const response = await fetch(`${slack.apiUrl}${method}`, {
      method: 'POST',
      headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded', ...(options.token === '' ? {} : { authorization: `Bearer ${options.token ?? token}` }) },
      body,
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };
  const section = (text: string): Record<string, unknown> => ({ type: 'section', text: { type: 'mrkdwn', text } });

  it('posts by #name, answers the channel ID and a ts, and updates only by ID', async () => {
    const posted = await api('chat.postMessage', { channel: '#deploys', text: 'hi', blocks: [section('hi')] });
    expect(posted).toMatchObject({ ok: true, channel: channelId, ts: expect.stringMatching(/^\d{10}\.\d{6}$/) });
    expect(await api('chat.update', { channel: '#deploys', ts: posted.ts, text: 'x' })).toEqual({ ok: false, error: 'channel_not_found' });
    expect(await api('chat.update', { channel: channelId, ts: posted.ts, text: 'bye' }, { json: true })).toMatchObject({ ok: true, ts: posted.ts });
    expect(slack.messages(channelId).find((message) => message.ts === posted.ts)).toMatchObject({ text: 'bye', edits: 1 });
    expect(await api('chat.update', { channel: channelId, ts: '1.000001', text: 'x' })).toEqual({ ok: false, error: 'message_not_found' });
    expect(await api('chat.update', { channel: channelId, ts: posted.ts, text: 'x' }, { token: slack.addToken() })).toEqual({ ok: false, error: 'cant_update_message' });
  });

  it('refuses a missing or unknown token, a JSON body\'s token outside the header, and unknown channels', async () => {
    expect(await api('chat.postMessage', { channel: channelId, text: 'x' }, { token: '' })).toEqual({ ok: false, error: 'not_authed' });
    expect(await api('chat.postMessage', { channel: channelId, text: 'x' }, { token: 'xoxb-nope' })).toEqual({ ok: false, error: 'invalid_auth' });
    expect(await api('chat.postMessage', { channel: channelId, text: 'x', token }, { token: '', json: true })).toEqual({ ok: false, error: 'not_authed' });
    expect(await api('chat.postMessage', { channel: channelId, text: 'x', token }, { token: '' })).toMatchObject({ ok: true });
    expect(await api('chat.postMessage', { channel: '#nope', text: 'x' })).toEqual({ ok: false, error: 'channel_not_found' });
    const outside = slack.addChannel('private', { member: false });
    expect(await api('chat.postMessage', { channel: outside.id, text: 'x' })).toEqual({ ok: false, error: 'not_in_channel' });
    const archived = slack.addChannel('old', { archived: true });
    expect(await api('chat.postMessage', { channel: archived.id, text: 'x' })).toEqual({ ok: false, error: 'is_archived' });
  });

  it('checks text and blocks against Slack\'s limits', async () => {
    const post = (params: Record<string, unknown>): Promise<Record<string, unknown>> => api('chat.postMessage', { channel: channelId, ...params });
    expect(await post({})).toEqual({ ok: false, error: 'no_text' });
    expect(await post({ text: 'x'.repeat(40_001) })).toEqual({ ok: false, error: 'msg_too_long' });
    expect(await post({ text: 'x'.repeat(40_000) })).toMatchObject({ ok: true });
    expect(await api('chat.postMessage', { channel: channelId, blocks: '[{"type":' })).toEqual({ ok: false, error: 'invalid_blocks_format' });
    const refused = async (blocks: unknown[], problem: string): Promise<void> => {
      const answer = await post({ text: 'x', blocks });
      expect(answer).toMatchObject({ ok: false, error: 'invalid_blocks' });
      expect(answer.errors).toContain(problem);
    };
    await refused([{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }], 'must be less than 151 characters [json-pointer:/blocks/0/text/text]');
    await refused([{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }], 'must be a plain_text text object [json-pointer:/blocks/0/text]');
    await refused([section('s'.repeat(3001))], 'must be less than 3001 characters [json-pointer:/blocks/0/text/text]');
    await refused([section('')], 'must be at least 1 character [json-pointer:/blocks/0/text/text]');
    await refused([{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }], 'must provide 1 to 10 items [json-pointer:/blocks/0/fields]');
    await refused([{ type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2001) }] }], 'must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]');
    await refused([{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }], 'must provide 1 to 10 items [json-pointer:/blocks/0/elements]');
    await refused(Array.from({ length: 51 }, () => ({ type: 'divider' })), 'no more than 50 items allowed [json-pointer:/blocks]');
    await refused([{ type: 'section', text: { type: 'plain_text', text: 'x', verbatim: true } }], 'unsupported property verbatim [json-pointer:/blocks/0/text/verbatim]');
    await refused([{ type: 'banner' }], 'unsupported type banner [json-pointer:/blocks/0/type]');
    expect(await post({ text: 'x', blocks: Array.from({ length: 50 }, () => ({ type: 'divider' })) })).toMatchObject({ ok: true });
  });

  it('answers incoming webhooks with plain-text errors and HTTP statuses', async () => {
    const hook = async (url: string, body: string): Promise<[number, string]> => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      return [response.status, await response.text()];
    };
    const url = slack.addWebhook(channelId);
    expect(await hook(url, JSON.stringify({ text: 'hello' }))).toEqual([200, 'ok']);
    expect(await hook(url, '{"text":')).toEqual([400, 'invalid_payload']);
    expect(await hook(url, '{}')).toEqual([400, 'no_text']);
    expect(await hook(url, JSON.stringify({ text: 'x', blocks: [section('')] }))).toEqual([400, 'invalid_blocks']);
    expect(await hook(`${url}x`, JSON.stringify({ text: 'x' }))).toEqual([404, 'no_service']);
    const gone = slack.addChannel('gone');
    const goneUrl = slack.addWebhook(gone.id);
    slack.removeChannel(gone.id);
    expect(await hook(goneUrl, JSON.stringify({ text: 'x' }))).toEqual([404, 'channel_not_found']);
    const archived = slack.addChannel('archived', { archived: true });
    expect(await hook(slack.addWebhook(archived.id), JSON.stringify({ text: 'x' }))).toEqual([410, 'channel_is_archived']);
  });

  it('answers faults on demand: a 429 with Retry-After, then 5xx, then normally again', async () => {
    slack.failNext('api', { status: 429, retryAfterSeconds: 3 });
    slack.failNext('api', { status: 503 }, 2);
    const statuses: Array<[number, string | null]> = [];
    for (let index = 0; index < 4; index += 1) {
      const response = await fetch(`${slack.apiUrl}chat.postMessage`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ channel: channelId, text: 'x' }) });
      statuses.push([response.status, response.headers.get('retry-after')]);
    }
    expect(statuses).toEqual([[429, '3'], [503, null], [503, null], [200, null]]);
  });
});
