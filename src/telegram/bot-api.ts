import { oneLine } from '../log/one-line.js';

/** Where a bot's Bot API lives: the public one, or a local server (`api-root`, `telegram-api-root`). */
export interface BotApi {
  root: string;
  token: string;
}

/** Bot API parameters, sent as a JSON body. */
export type BotApiParams = Record<string, unknown>;

/**
 * The Bot API answered, but not with a result: `ok: false` (Telegram's description and error code)
 * or something that is no Bot API answer at all (a proxy's 502 page). The message never holds the
 * URL, which carries the token.
 */
export class BotApiRefusal extends Error {
  override readonly name = 'BotApiRefusal';
  constructor(
    readonly method: string,
    /** The HTTP status. */
    readonly status: number,
    /** Telegram's `description` ('' when the answer had none). */
    readonly description: string,
    /** Telegram's `parameters` on a refusal: retry_after with 429, migrate_to_chat_id for an upgraded group. */
    readonly parameters: { retryAfterS?: number; migrateToChatId?: number } = {},
  ) {
    super(`The Bot API refused ${method} (HTTP ${status}${description ? `: ${oneLine(description)}` : ''})`);
  }
}

/** No answer at all: DNS, connection, TLS or a timeout. */
export class BotApiUnreachable extends Error {
  override readonly name = 'BotApiUnreachable';
  constructor(
    readonly method: string,
    /** host[:port] of the API root (never the path, which carries the token). */
    readonly host: string,
    readonly reason: string,
  ) {
    super(`The Bot API at ${host} could not be reached for ${method} (${oneLine(reason)})`);
  }
}

/** The description of an answer that was no Bot API answer (HTML, a redirect page, nothing). */
export const NOT_BOT_API = 'not a Bot API answer';

interface Answer {
  ok?: boolean;
  result?: unknown;
  description?: unknown;
  parameters?: { retry_after?: unknown; migrate_to_chat_id?: unknown };
}

/**
 * Calls one Bot API method with a JSON body and returns its `result`. The token is part of the URL,
 * so nothing thrown here quotes the URL: a refusal says what Telegram said, an unreachable API what
 * the network said.
 */
export async function callBotApi<T>(api: BotApi, method: string, params: BotApiParams = {}, timeoutMs = 10_000): Promise<T> {
  const root = api.root.replace(/\/+$/, '');
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${root}/bot${api.token}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    throw new BotApiUnreachable(method, hostOf(root), unreachableReason(error, timeoutMs));
  }
  const answer = parseAnswer(text);
  if (answer?.ok === true && response.ok && 'result' in answer) return answer.result as T;
  // A proxy's error page says what happened in its status line; anything else without JSON is no Bot API at all.
  const description = answer ? (typeof answer.description === 'string' ? answer.description : '') : response.status >= 500 ? response.statusText : NOT_BOT_API;
  const retryAfter = answer?.parameters?.retry_after;
  const migrateTo = answer?.parameters?.migrate_to_chat_id;
  throw new BotApiRefusal(method, response.status, description, {
    ...(typeof retryAfter === 'number' ? { retryAfterS: retryAfter } : {}),
    ...(typeof migrateTo === 'number' ? { migrateToChatId: migrateTo } : {}),
  });
}

/**
 * What the network said: fetch only says "fetch failed", the reason (ECONNREFUSED, ENOTFOUND, a TLS
 * error) is its cause. Read by shape, not instanceof: fetch's errors may come from another realm.
 */
function unreachableReason(error: unknown, timeoutMs: number): string {
  const thrown = error as { name?: unknown; cause?: unknown } | undefined;
  if (thrown?.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000}s`;
  const cause = (thrown?.cause ?? error) as { message?: unknown; code?: unknown } | undefined;
  if (typeof cause?.message === 'string' && cause.message !== '') return cause.message;
  if (typeof cause?.code === 'string') return cause.code;
  return String(cause);
}

function parseAnswer(text: string): Answer | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Answer) : undefined;
  } catch {
    return undefined;
  }
}

function hostOf(root: string): string {
  try {
    return new URL(root).host;
  } catch {
    return 'the configured API root';
  }
}
