import type { Log } from '../../log/log.js';
import { BotApiRefusal, callBotApi, type BotApi, type BotApiParams } from '../../telegram/bot-api.js';
import { defaultRetryPolicy, withRetries, type RetryPolicy } from '../../telegram/bot-api-retry.js';
import { formatDuration } from '../../inputs/duration.js';
import { oneLine } from '../../log/one-line.js';
import { telegramFailure } from './telegram-errors.js';

/** Where the message goes, and which earlier message it replaces. */
export interface TelegramTarget {
  api: BotApi;
  chatId: string;
  threadId?: number;
  messageId?: number;
}

/** sent: a new message; edited: the earlier one now says this; unchanged: it already did; resent: it was gone, so a new one. */
export type DeliveryOutcome = 'sent' | 'edited' | 'unchanged' | 'resent';

export interface Delivered {
  messageId: number;
  outcome: DeliveryOutcome;
}

export interface DeliveryOptions {
  policy?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Sends the HTML message, or edits the earlier one in place. An edit that changes nothing is
 * success (Telegram refuses it as "message is not modified"); an edit of a message that is gone
 * (deleted by someone, or never sent by this bot) sends a new one instead, so the chat always ends
 * up showing the newest status.
 */
export async function deliverTelegram(target: TelegramTarget, html: string, log: Log, options: DeliveryOptions = {}): Promise<Delivered> {
  const call = retryingCaller(target, log, options);
  const format = { text: html, parse_mode: 'HTML', link_preview_options: { is_disabled: true } };
  if (target.messageId !== undefined) {
    try {
      await call('editMessageText', { chat_id: target.chatId, message_id: target.messageId, ...format });
      return { messageId: target.messageId, outcome: 'edited' };
    } catch (error) {
      const refusal = editRefusal(error);
      if (refusal === 'not modified') return { messageId: target.messageId, outcome: 'unchanged' };
      if (refusal !== 'gone') throw error;
      log.info(`Message ${target.messageId} cannot be edited (${oneLine((error as BotApiRefusal).description)}); sending a new one.`);
    }
  }
  const sent = await call<{ message_id: number }>('sendMessage', {
    chat_id: target.chatId,
    ...(target.threadId !== undefined ? { message_thread_id: target.threadId } : {}),
    ...format,
  });
  return { messageId: sent.message_id, outcome: target.messageId === undefined ? 'sent' : 'resent' };
}

/**
 * What an edit refused for a reason deliverTelegram handles means: the text is already there, or
 * the message is not there to edit (deleted, or too old or not the bot's own to edit).
 */
function editRefusal(error: unknown): 'not modified' | 'gone' | undefined {
  if (!(error instanceof BotApiRefusal) || error.status !== 400) return undefined;
  const description = error.description.toLowerCase();
  if (description.includes('message is not modified')) return 'not modified';
  if (description.includes('message to edit not found') || description.includes("message can't be edited")) return 'gone';
  return undefined;
}

/** A Bot API call with bounded retries, whose final failure is one sentence (edit refusals deliverTelegram handles pass through as they are). */
function retryingCaller(target: TelegramTarget, log: Log, options: DeliveryOptions) {
  return async <T>(method: string, params: BotApiParams): Promise<T> => {
    let tries = 0;
    try {
      return await withRetries(
        () => {
          tries++;
          return callBotApi<T>(target.api, method, params);
        },
        options.policy ?? defaultRetryPolicy,
        (error, waitMs) => log.info(`${error.message}; trying again in ${formatDuration(waitMs)}.`),
        options.sleep,
      );
    } catch (error) {
      if (editRefusal(error) !== undefined) throw error;
      throw telegramFailure(error, target.chatId, tries);
    }
  };
}
