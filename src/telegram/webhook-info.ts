import { UserError } from '../errors/user-error.js';
import { messageOf } from '../errors/message-of.js';
import { oneLine } from '../log/one-line.js';

/** What getWebhookInfo tells about a bot (the fields the switch judges). */
export interface WebhookInfo {
  url: string;
  pendingUpdateCount: number;
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

/** Where a bot's Bot API lives: the public one, or a local server (`telegram-api-root`). */
export interface BotApi {
  root: string;
  token: string;
}

/**
 * getWebhookInfo for the bot. The token is part of the URL, so no error built here ever quotes
 * the URL; the message says what Telegram or the network said.
 */
export async function getWebhookInfo(api: BotApi, timeoutMs = 10_000): Promise<WebhookInfo> {
  let response: Response;
  try {
    response = await fetch(`${api.root.replace(/\/+$/, '')}/bot${api.token}/getWebhookInfo`, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = messageOf(error instanceof Error && error.cause instanceof Error ? error.cause : error);
    throw new UserError(`The Bot API at ${new URL(api.root).host} could not be reached for getWebhookInfo (${oneLine(cause)}): check \`telegram-api-root\` and the runner's network.`);
  }
  const body = (await response.json().catch(() => undefined)) as
    | { ok?: boolean; description?: string; result?: { url?: string; pending_update_count?: number; last_error_date?: number; last_error_message?: string } }
    | undefined;
  if (!body?.ok || !body.result) {
    throw new UserError(`The Bot API refused getWebhookInfo (HTTP ${response.status}${body?.description ? `: ${oneLine(body.description)}` : ''}): check \`telegram-token\`.`);
  }
  const { result } = body;
  return {
    url: result.url ?? '',
    pendingUpdateCount: result.pending_update_count ?? 0,
    ...(result.last_error_date ? { lastErrorDate: result.last_error_date } : {}),
    ...(result.last_error_message ? { lastErrorMessage: result.last_error_message } : {}),
  };
}
