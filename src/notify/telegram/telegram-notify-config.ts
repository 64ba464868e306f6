import { InputError } from '../../inputs/input-error.js';
import type { Inputs } from '../../inputs/inputs.js';
import type { Log } from '../../log/log.js';
import type { BotApi } from '../../telegram/bot-api.js';
import type { NoticeInputs } from '../deploy-notice.js';
import { readNoticeInputs } from '../notice-input-specs.js';

/** telegram-notify's inputs, validated before anything is sent. */
export interface TelegramNotifyConfig {
  api: BotApi;
  /** A numeric chat id (groups are negative, supergroups start with -100) or @channelusername. */
  chatId: string;
  /** A forum topic of the chat. */
  threadId?: number;
  /** The message to edit in place (an earlier step's `message-id` output). */
  messageId?: number;
  notice: NoticeInputs;
  failOnError: boolean;
}

/** The token @BotFather hands out: the bot's numeric id, a colon, then letters, digits, - and _. */
const TOKEN = /^\d+:[A-Za-z0-9_-]+$/;

export function readTelegramNotifyConfig(inputs: Inputs, log: Log): TelegramNotifyConfig {
  const token = inputs.raw('bot-token').trim();
  if (token) log.mask(token);
  if (!token) throw new InputError('Input `bot-token` is required: the bot\'s token from @BotFather (pass it from a secret, e.g. `${{ secrets.TELEGRAM_BOT_TOKEN }}`).');
  if (!TOKEN.test(token)) throw new InputError('Input `bot-token` does not look like a bot token (digits, a colon, then letters such as 123456:ABC-DEF1234ghIkl): check the secret it comes from.');
  const chatId = inputs.required('chat-id', 'the id of the chat to notify (e.g. -1001234567890 for a supergroup) or @channelusername');
  if (!/^-?\d+$/.test(chatId) && !/^@[A-Za-z][A-Za-z0-9_]{3,}$/.test(chatId)) {
    throw new InputError(`Input \`chat-id\` must be a chat id such as -1001234567890 or a @channelusername, not "${chatId}".`);
  }
  const threadId = positiveInteger(inputs.optional('message-thread-id'), 'message-thread-id', 'the forum topic\'s id');
  const messageId = positiveInteger(inputs.optional('message-id'), 'message-id', 'an earlier telegram-notify step\'s message-id output');
  return {
    api: { root: apiRoot(inputs.optional('api-root')), token },
    chatId,
    ...(threadId === undefined ? {} : { threadId }),
    ...(messageId === undefined ? {} : { messageId }),
    notice: readNoticeInputs(inputs),
    failOnError: inputs.bool('fail-on-error'),
  };
}

function positiveInteger(text: string, name: string, what: string): number | undefined {
  if (text === '') return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new InputError(`Input \`${name}\` must be a positive whole number (${what}), not "${text}".`);
  }
  return Number(text);
}

function apiRoot(root: string): string {
  try {
    const url = new URL(root);
    if (url.protocol === 'https:' || url.protocol === 'http:') return root;
  } catch {
    // One sentence below covers both.
  }
  throw new InputError(`Input \`api-root\` must be an http(s) URL such as https://api.telegram.org, not "${root}".`);
}
