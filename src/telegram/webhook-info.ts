import { UserError } from '../errors/user-error.js';
import { BotApiRefusal, BotApiUnreachable, callBotApi, type BotApi } from './bot-api.js';

/** What getWebhookInfo tells about a bot (the fields the switch judges). */
export interface WebhookInfo {
  url: string;
  pendingUpdateCount: number;
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

interface WebhookInfoResult {
  url?: string;
  pending_update_count?: number;
  last_error_date?: number;
  last_error_message?: string;
}

/** getWebhookInfo for the bot; a failure is one sentence naming blue-green-switch's inputs. */
export async function getWebhookInfo(api: BotApi, timeoutMs = 10_000): Promise<WebhookInfo> {
  let result: WebhookInfoResult;
  try {
    result = await callBotApi<WebhookInfoResult>(api, 'getWebhookInfo', {}, timeoutMs);
  } catch (error) {
    if (error instanceof BotApiUnreachable) throw new UserError(`${error.message}: check \`telegram-api-root\` and the runner's network.`);
    if (error instanceof BotApiRefusal) throw new UserError(`${error.message}: check \`telegram-token\`.`);
    throw error;
  }
  return {
    url: result.url ?? '',
    pendingUpdateCount: result.pending_update_count ?? 0,
    ...(result.last_error_date ? { lastErrorDate: result.last_error_date } : {}),
    ...(result.last_error_message ? { lastErrorMessage: result.last_error_message } : {}),
  };
}
