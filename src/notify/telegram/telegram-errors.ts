import { UserError } from '../../errors/user-error.js';
import { BotApiRefusal, BotApiUnreachable, NOT_BOT_API } from '../../telegram/bot-api.js';

/**
 * One sentence for a Bot API call that failed for good: what Telegram said and what to change.
 * `tries` is how many calls were made (retries of a 429, 5xx or no answer included).
 */
export function telegramFailure(error: unknown, chatId: string, tries: number): unknown {
  const after = tries > 1 ? ` after ${tries} tries` : '';
  if (error instanceof BotApiUnreachable) {
    return new UserError(`${error.message}${after}: check \`api-root\` and the runner's network.`);
  }
  if (!(error instanceof BotApiRefusal)) return error;
  return new UserError(`${error.message}${after}: ${fix(error, chatId)}.`);
}

function fix(error: BotApiRefusal, chatId: string): string {
  const description = error.description.toLowerCase();
  if (error.description === NOT_BOT_API) return 'check `api-root`: it must be a Bot API server such as https://api.telegram.org';
  if (error.status === 401) return 'check `bot-token` (the token @BotFather gave the bot, from a secret)';
  if (error.status === 404) return 'check `bot-token` and `api-root` (Telegram answers 404 to a malformed token or a URL that is no Bot API)';
  if (error.status === 429) {
    const wait = error.parameters.retryAfterS;
    return `Telegram's flood control asks to wait${wait ? ` ${wait}s` : ''}, longer than a notification may hold the job; send fewer messages to chat ${chatId}`;
  }
  if (error.status >= 500) return 'Telegram (or the Bot API server at `api-root`) is failing; nothing to change on your side, try again later';
  if (error.parameters.migrateToChatId !== undefined) {
    return `the group became a supergroup: set \`chat-id\` to ${error.parameters.migrateToChatId}`;
  }
  if (description.includes('chat not found')) {
    return `check \`chat-id\` (${chatId}; a group's id is negative, a supergroup's starts with -100) and that the bot was added to that chat`;
  }
  if (description.includes('thread not found') || description.includes('topic')) {
    return 'check `message-thread-id`: it must be a topic of that forum chat (the number after the chat in a link to the topic)';
  }
  if (error.status === 403) {
    return `add the bot to chat ${chatId} again, or for a private chat open it and press Start (a bot cannot start a conversation)`;
  }
  if (description.includes('not enough rights') || description.includes('have no rights') || description.includes('administrator')) {
    return `give the bot the right to post in chat ${chatId} (in a channel, make it an administrator who can post messages)`;
  }
  if (description.includes("can't parse entities") || description.includes('message is too long') || description.includes('text is empty')) {
    return 'this is a bug of telegram-notify (the message it built was refused), please report it with this line';
  }
  return 'check `chat-id`, `message-thread-id` and `message-id`';
}
