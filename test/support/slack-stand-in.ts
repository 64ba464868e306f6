import { randomBytes } from 'node:crypto';
import { closeServer, listenOnLoopback } from './loopback-server.js';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Slack's documented limits, written out here again rather than imported from the code under test,
 * so a wrong limit there is caught here (Block Kit reference; chat.postMessage `text`).
 */
const LIMITS = { blocks: 50, header: 150, text: 3000, field: 2000, fields: 10, contextElements: 10, blockId: 255, messageText: 40_000 };

export interface StandInChannel {
  id: string;
  name: string;
  /** Whether the bot is in it: a bot posts only to channels it was invited to (else not_in_channel). */
  member: boolean;
  archived: boolean;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  threadTs?: string;
  /** The token that posted it, or `webhook`: only the poster's token may update a message. */
  postedBy: string;
  /** How many chat.update calls changed it. */
  edits: number;
}

export interface RecordedRequest {
  at: number;
  path: string;
  contentType: string;
  authorization: string;
  params: Record<string, unknown>;
  /** The HTTP status answered, and for the Web API the `error` of an `ok: false`. */
  status: number;
  error?: string;
}

/** An answer the stand-in gives instead of Slack's, for the next calls: a 429 with Retry-After, or a 5xx. */
export type Fault = { status: 429; retryAfterSeconds: number } | { status: 500 | 502 | 503 };

type Params = Record<string, unknown>;

/**
 * An in-process stand-in for Slack's Web API (chat.postMessage, chat.update) and incoming webhooks,
 * checking what it is sent the way Slack documents it:
 * - Web API: a token as `Authorization: Bearer` or a `token` form field (not_authed, invalid_auth);
 *   form (application/x-www-form-urlencoded, `blocks` as a JSON string) or JSON bodies; every
 *   refusal is HTTP 200 with `{ ok: false, error }`, Slack's names: channel_not_found, not_in_channel,
 *   is_archived, no_text, msg_too_long, invalid_blocks (with `errors` naming the JSON pointer, as
 *   Slack does), invalid_blocks_format, message_not_found, cant_update_message;
 * - chat.postMessage takes a channel's ID, `#name` or name; chat.update only its ID (Slack answers
 *   channel_not_found to a name there);
 * - incoming webhooks answer `ok` or a plain-text error with an HTTP status: 400 invalid_payload /
 *   no_text / invalid_blocks, 404 no_service (unknown URL) / channel_not_found, 410 channel_is_archived;
 * - faults on demand: a 429 with Retry-After, or 5xx answers, for the next N requests.
 * Blocks are checked against the limits of the block types this suite sends (header, section,
 * context, divider); any other type is refused like a malformed block.
 */
export class SlackStandIn {
  readonly requests: RecordedRequest[] = [];
  private readonly channels = new Map<string, StandInChannel>();
  private readonly tokens = new Set<string>();
  private readonly webhooks = new Map<string, string>();
  private readonly stored: StoredMessage[] = [];
  private readonly faults: Record<'api' | 'webhook', Fault[]> = { api: [], webhook: [] };
  private sequence = 0;
  private server?: Server;
  private port = 0;

  static async start(): Promise<SlackStandIn> {
    const standIn = new SlackStandIn();
    const { server, port } = await listenOnLoopback((req, res) => void standIn.handle(req, res));
    standIn.server = server;
    standIn.port = port;
    return standIn;
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }

  /** The Web API root, for `api-url` / WebClient's slackApiUrl. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** A bot token Slack accepts. */
  addToken(token = `xoxb-${randomBytes(6).toString('hex')}-${randomBytes(12).toString('hex')}`): string {
    this.tokens.add(token);
    return token;
  }

  addChannel(name: string, options: Partial<Pick<StandInChannel, 'member' | 'archived'>> = {}): StandInChannel {
    const channel: StandInChannel = { id: `C${randomBytes(5).toString('hex').toUpperCase()}`, name, member: options.member ?? true, archived: options.archived ?? false };
    this.channels.set(channel.id, channel);
    return channel;
  }

  removeChannel(id: string): void {
    this.channels.delete(id);
  }

  /** An incoming webhook URL posting to `channelId`. */
  addWebhook(channelId: string): string {
    const path = `/services/T${randomBytes(4).toString('hex').toUpperCase()}/B${randomBytes(4).toString('hex').toUpperCase()}/${randomBytes(12).toString('hex')}`;
    this.webhooks.set(path, channelId);
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Answers the next `times` requests to the Web API or to webhooks with `fault` instead. */
  failNext(scope: 'api' | 'webhook', fault: Fault, times = 1): void {
    for (let index = 0; index < times; index += 1) this.faults[scope].push(fault);
  }

  messages(channelId: string): StoredMessage[] {
    return this.stored.filter((message) => message.channel === channelId);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const record: RecordedRequest = { at: Date.now(), path, contentType: req.headers['content-type'] ?? '', authorization: req.headers.authorization ?? '', params: {}, status: 200 };
    this.requests.push(record);
    const scope = path.startsWith('/api/') ? 'api' : path.startsWith('/services/') ? 'webhook' : undefined;
    if (req.method !== 'POST' || scope === undefined) return answer(res, record, 404, 'text/plain', 'Not Found');
    const fault = this.faults[scope].shift();
    if (fault) {
      const headers: Record<string, string> = fault.status === 429 ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
      if (scope === 'api') return answer(res, record, fault.status, 'application/json', JSON.stringify({ ok: false, error: fault.status === 429 ? 'ratelimited' : 'service_unavailable' }), headers);
      return answer(res, record, fault.status, 'text/plain', fault.status === 429 ? 'rate_limited' : 'rollup_error', headers);
    }
    if (scope === 'webhook') return this.webhook(path, record, body, res);
    const parsed = parseApiBody(record.contentType, body);
    if (typeof parsed === 'string') return this.apiAnswer(res, record, { ok: false, error: parsed });
    record.params = parsed;
    this.apiAnswer(res, record, this.apiCall(path.slice('/api/'.length), record, parsed));
  }

  private apiCall(method: string, record: RecordedRequest, params: Params): Params {
    const bearer = /^Bearer (.+)$/.exec(record.authorization)?.[1];
    // A JSON body must carry its token in the header; a form may carry it as a field.
    const formToken = !record.contentType.startsWith('application/json') && typeof params.token === 'string' ? params.token : undefined;
    const token = bearer ?? formToken;
    if (method !== 'chat.postMessage' && method !== 'chat.update') return { ok: false, error: 'unknown_method' };
    if (!token) return { ok: false, error: 'not_authed' };
    if (!this.tokens.has(token)) return { ok: false, error: 'invalid_auth' };
    const channel = this.findChannel(params.channel, method === 'chat.update');
    if (!channel) return { ok: false, error: 'channel_not_found' };
    if (channel.archived) return { ok: false, error: 'is_archived' };
    if (!channel.member) return { ok: false, error: 'not_in_channel' };
    const content = checkContent(params);
    if ('error' in content) return { ok: false, ...content };
    if (method === 'chat.update') {
      const message = this.stored.find((stored) => stored.channel === channel.id && stored.ts === params.ts);
      if (!message) return { ok: false, error: 'message_not_found' };
      if (message.postedBy !== token) return { ok: false, error: 'cant_update_message' };
      Object.assign(message, { text: content.text, blocks: content.blocks, edits: message.edits + 1 });
      return { ok: true, channel: channel.id, ts: message.ts, text: content.text, message: { text: content.text, blocks: content.blocks } };
    }
    const message: StoredMessage = { channel: channel.id, ts: this.nextTs(), text: content.text, postedBy: token, edits: 0 };
    if (content.blocks) message.blocks = content.blocks;
    if (typeof params.thread_ts === 'string' && params.thread_ts !== '') message.threadTs = params.thread_ts;
    this.stored.push(message);
    return { ok: true, channel: channel.id, ts: message.ts, message: { type: 'message', text: message.text, ts: message.ts, ...(message.threadTs ? { thread_ts: message.threadTs } : {}) } };
  }

  private webhook(path: string, record: RecordedRequest, body: string, res: ServerResponse): void {
    const channelId = this.webhooks.get(path);
    if (channelId === undefined) return answer(res, record, 404, 'text/plain', 'no_service');
    let params: unknown;
    try {
      params = JSON.parse(body);
    } catch {
      return answer(res, record, 400, 'text/plain', 'invalid_payload');
    }
    if (typeof params !== 'object' || params === null || Array.isArray(params)) return answer(res, record, 400, 'text/plain', 'invalid_payload');
    record.params = params as Params;
    const channel = this.channels.get(channelId);
    if (!channel) return answer(res, record, 404, 'text/plain', 'channel_not_found');
    if (channel.archived) return answer(res, record, 410, 'text/plain', 'channel_is_archived');
    const content = checkContent(params as Params);
    if ('error' in content) return answer(res, record, 400, 'text/plain', content.error);
    const message: StoredMessage = { channel: channel.id, ts: this.nextTs(), text: content.text, postedBy: 'webhook', edits: 0 };
    if (content.blocks) message.blocks = content.blocks;
    this.stored.push(message);
    answer(res, record, 200, 'text/html', 'ok');
  }

  private findChannel(value: unknown, idOnly: boolean): StandInChannel | undefined {
    if (typeof value !== 'string') return undefined;
    const byId = this.channels.get(value);
    if (byId || idOnly) return byId;
    const name = value.replace(/^#/, '');
    return [...this.channels.values()].find((channel) => channel.name === name);
  }

  /** Slack's ts: epoch seconds and a per-channel sequence, unique and increasing. */
  private nextTs(): string {
    this.sequence += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.sequence).padStart(6, '0')}`;
  }

  private apiAnswer(res: ServerResponse, record: RecordedRequest, payload: Params): void {
    if (payload.ok === false && typeof payload.error === 'string') record.error = payload.error;
    answer(res, record, 200, 'application/json; charset=utf-8', JSON.stringify(payload));
  }
}

/** The message's `text` and `blocks`, or Slack's error for them. */
function checkContent(params: Params): { text: string; blocks?: unknown[] } | { error: string; errors?: string[] } {
  const text = typeof params.text === 'string' ? params.text : '';
  let blocks: unknown = params.blocks;
  if (typeof blocks === 'string') {
    try {
      blocks = JSON.parse(blocks);
    } catch {
      return { error: 'invalid_blocks_format' };
    }
  }
  if (blocks !== undefined && !Array.isArray(blocks)) return { error: 'invalid_blocks_format' };
  if (text === '' && (blocks === undefined || blocks.length === 0)) return { error: 'no_text' };
  if (text.length > LIMITS.messageText) return { error: 'msg_too_long' };
  if (blocks === undefined) return { text };
  const errors = blockErrors(blocks);
  return errors.length > 0 ? { error: 'invalid_blocks', errors } : { text, blocks };
}

/** What Slack would say about each block, as `<problem> [json-pointer:/blocks/...]`. */
export function blockErrors(blocks: unknown[]): string[] {
  const errors: string[] = [];
  const fail = (problem: string, pointer: string): void => void errors.push(`${problem} [json-pointer:/blocks${pointer}]`);
  if (blocks.length > LIMITS.blocks) fail(`no more than ${LIMITS.blocks} items allowed`, '');
  const ids = new Set<string>();
  blocks.forEach((block, index) => {
    const at = `/${index}`;
    if (!isObject(block) || typeof block.type !== 'string') return fail('must provide an object with a type', at);
    if (block.block_id !== undefined) {
      if (typeof block.block_id !== 'string' || block.block_id.length > LIMITS.blockId) fail(`must be a string of at most ${LIMITS.blockId} characters`, `${at}/block_id`);
      else if (ids.has(block.block_id)) fail('must be unique', `${at}/block_id`);
      else ids.add(block.block_id);
    }
    const allowed = (keys: string[]): void => {
      for (const key of Object.keys(block)) if (![...keys, 'type', 'block_id'].includes(key)) fail(`unsupported property ${key}`, `${at}/${key}`);
    };
    switch (block.type) {
      case 'header':
        allowed(['text']);
        textErrors(block.text, LIMITS.header, `${at}/text`, fail, ['plain_text']);
        break;
      case 'section':
        allowed(['text', 'fields', 'expand']);
        if (block.text === undefined && block.fields === undefined) fail('must provide text or fields', at);
        if (block.text !== undefined) textErrors(block.text, LIMITS.text, `${at}/text`, fail);
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields) || block.fields.length === 0 || block.fields.length > LIMITS.fields) fail(`must provide 1 to ${LIMITS.fields} items`, `${at}/fields`);
          else block.fields.forEach((field, fieldIndex) => textErrors(field, LIMITS.field, `${at}/fields/${fieldIndex}`, fail));
        }
        break;
      case 'context':
        allowed(['elements']);
        if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > LIMITS.contextElements) {
          fail(`must provide 1 to ${LIMITS.contextElements} items`, `${at}/elements`);
        } else block.elements.forEach((element, elementIndex) => textErrors(element, LIMITS.text, `${at}/elements/${elementIndex}`, fail));
        break;
      case 'divider':
        allowed([]);
        break;
      default:
        fail(`unsupported type ${block.type}`, `${at}/type`);
    }
  });
  return errors;
}

/** A text object: plain_text (emoji) or mrkdwn (verbatim), 1 to `max` characters. */
function textErrors(value: unknown, max: number, at: string, fail: (problem: string, pointer: string) => void, types = ['plain_text', 'mrkdwn']): void {
  if (!isObject(value) || typeof value.type !== 'string' || !types.includes(value.type)) return fail(`must be a ${types.join(' or ')} text object`, at);
  if (typeof value.text !== 'string' || value.text.length === 0) return fail('must be at least 1 character', `${at}/text`);
  if (value.text.length > max) fail(`must be less than ${max + 1} characters`, `${at}/text`);
  const extra = value.type === 'plain_text' ? 'emoji' : 'verbatim';
  for (const key of Object.keys(value)) if (!['type', 'text', extra].includes(key)) fail(`unsupported property ${key}`, `${at}/${key}`);
}

/**
 * What Slack would act on in mrkdwn text: special mentions and links, `<...>` sequences. Escaped
 * user text has none of its own, so a test can list exactly the ones the message meant.
 */
export function controlSequences(text: string): string[] {
  return [...text.matchAll(/<[^<>]*>/g)].map((match) => match[0]);
}

function parseApiBody(contentType: string, body: string): Params | string {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === '' && body !== '') return 'missing_post_type';
  if (type === 'application/x-www-form-urlencoded' || type === '') return Object.fromEntries(new URLSearchParams(body));
  if (type === 'application/json') {
    try {
      const parsed: unknown = JSON.parse(body);
      return isObject(parsed) ? parsed : 'invalid_json';
    } catch {
      return 'invalid_json';
    }
  }
  return 'invalid_post_type';
}

function answer(res: ServerResponse, record: RecordedRequest, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  record.status = status;
  res.writeHead(status, { 'content-type': contentType, ...headers });
  res.end(body);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
