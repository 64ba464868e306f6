/** The Bot API objects the stand-in hands out, and what it records for tests to read. */

export interface User {
  id: number;
  is_bot: boolean;
  first_name: string;
  username?: string;
}

export interface BotUser extends User {
  is_bot: true;
  username: string;
  can_join_groups: boolean;
  can_read_all_group_messages: boolean;
  supports_inline_queries: boolean;
}

/** A user's private chat with the bot. */
export interface PrivateChat {
  id: number;
  type: 'private';
  first_name: string;
}

/** A group, supergroup (a forum when is_forum) or channel the bot was added to. */
export interface GroupChat {
  id: number;
  type: 'group' | 'supergroup' | 'channel';
  title: string;
  username?: string;
  is_forum?: true;
}

export type Chat = PrivateChat | GroupChat;

/** A formatting entity of a message's text; offset and length count UTF-16 code units. */
export interface MessageEntity {
  type:
    | 'bold'
    | 'italic'
    | 'underline'
    | 'strikethrough'
    | 'spoiler'
    | 'code'
    | 'pre'
    | 'text_link'
    | 'custom_emoji'
    | 'blockquote'
    | 'expandable_blockquote';
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
}

export interface Message {
  message_id: number;
  date: number;
  chat: Chat;
  /** Absent in a channel, where the post comes from the channel (sender_chat). */
  from?: User;
  sender_chat?: GroupChat;
  /** The forum topic (or reply thread) the message is in. */
  message_thread_id?: number;
  is_topic_message?: true;
  text: string;
  entities?: MessageEntity[];
  edit_date?: number;
}

export interface Update {
  update_id: number;
  message: Message;
}

/** What getWebhookInfo answers. */
export interface WebhookInfo {
  url: string;
  has_custom_certificate: false;
  pending_update_count: number;
  last_error_date?: number;
  last_error_message?: string;
}

/** Times are Date.now() milliseconds; `request` numbers every API call the stand-in answered, in arrival order. */

/** An update handed to a poller (its address) or posted to the webhook (its URL). */
export interface Delivery {
  update_id: number;
  at: number;
  via: 'getUpdates' | 'webhook';
  /** The getUpdates call, absent for a webhook post. */
  request?: number;
  to: string;
  /** The poller had hung up, so nobody read it: it stays unconfirmed and comes again. */
  clientGone: boolean;
}

/** An update taken out of the queue: by a later `offset`, a webhook's 2xx, or dropped (negative offset, drop_pending_updates). */
export interface Confirmation {
  update_id: number;
  at: number;
  by: 'offset' | 'webhook' | 'dropped';
}

/** A sendMessage the bot made. */
export interface Answer {
  at: number;
  request: number;
  from: string;
  /** The chat's numeric id, also when the call named it by @username. */
  chat_id: number;
  text: string;
  message: Message;
  /** Every parameter as sent (reply_to_message_id, parse_mode, ...). */
  params: Record<string, unknown>;
}

/** A call ended with 409 Conflict (getUpdates, or a setWebhook overtaken by another). `at` is when the answer went out (a repeat conflict waits, as on Telegram). */
export interface Refusal {
  at: number;
  request: number;
  to: string;
  description: string;
  clientGone: boolean;
}

/** A time nobody was waiting in getUpdates; `to` is null while it lasts. */
export interface Gap {
  from: number;
  to: number | null;
}

export interface WebhookState extends WebhookInfo {
  secret_token: string;
  /** Every failed post, oldest first. */
  errors: Array<{ at: number; message: string }>;
}

/** Every API call the stand-in answered for a bot: which method, when, and the HTTP status it got. */
export interface ApiCall {
  request: number;
  method: string;
  at: number;
  status: number;
}

/**
 * An answer the stand-in gives the bot's next call instead of the real one: 429 (flood control, with
 * parameters.retry_after) or a server error (500 as the Bot API says it; 502-504 as the HTML page of
 * the proxy in front of it).
 */
export type InjectedFailure = { status: 429; retryAfter: number } | { status: 500 | 502 | 503 | 504 };
