import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type {
  Answer,
  ApiCall,
  BotUser,
  Chat,
  Confirmation,
  Delivery,
  Gap,
  GroupChat,
  InjectedFailure,
  Message,
  MessageEntity,
  Refusal,
  Update,
  WebhookInfo,
  WebhookState,
} from './telegram-bot-api-types.js';
import { HtmlError, parseTelegramHtml } from './telegram-html-parser.js';

const terminatedByGetUpdates =
  'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';
const terminatedBySetWebhook = 'Conflict: terminated by setWebhook request';
const terminatedBySetWebhookAgain = 'Conflict: terminated by other setWebhook';
const webhookActive =
  "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
const longPollMaxSeconds = 50;
// The reference answers a woken long poll this long after the first update, so a burst goes out in one answer.
const wakeDelayMs = 1;
const webhookTimeoutMs = 10_000;
// After entity parsing, counted in code points as the reference does (utf8_length).
const messageTextMax = 4096;
const notModified =
  'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

type Params = Record<string, unknown>;

/** One API call being answered. */
interface Call {
  request: number;
  to: string;
  res: ServerResponse;
  clientGone: boolean;
  /** Records the answer in the bot's call log, once the bot is known. */
  answered?: (status: number) => void;
}

/** A group, supergroup or channel the bot was added to. */
interface Group {
  chat: GroupChat;
  /** Message ids count per chat in groups, as on Telegram. */
  nextMessageId: number;
  /** A forum's topics: the id of each topic's first message. */
  topics: Set<number>;
  /** Set when the bot was removed: it can no longer post there. */
  kicked: boolean;
}

/** A message in a chat, and whether the bot sent it (only those can be edited by it). */
interface Stored {
  message: Message;
  bySelf: boolean;
}

interface Poll {
  call: Call;
  limit: number;
  timer: NodeJS.Timeout;
  woken: boolean;
}

interface Webhook {
  url: string;
  target: URL;
  secretToken: string;
  errors: Array<{ at: number; message: string }>;
  posting: boolean;
  retry?: NodeJS.Timeout;
}

interface Bot {
  user: BotUser;
  /** Unconfirmed updates, oldest first. */
  queue: Update[];
  nextUpdateId: number;
  nextMessageId: number;
  /** The private chats that wrote to the bot: a bot cannot start a conversation. */
  chats: Map<number, string>;
  groups: Map<number, Group>;
  /** Every message in every chat of the bot, by chat id then message id; deleted ones are gone. */
  messages: Map<number, Map<number, Stored>>;
  /** Answers the next calls get instead of the real ones. */
  failures: InjectedFailure[];
  calls: ApiCall[];
  waiting?: Poll;
  previousPoll: { offset: number; at: number };
  nextConflictAt: number;
  webhook?: Webhook;
  /** A setWebhook waiting for its URL to answer a connection. */
  settingWebhook?: Call;
  /** Bumped by every webhook change, so a check or post that finishes after one is ignored. */
  webhookGeneration: number;
  delivered: Delivery[];
  confirmed: Confirmation[];
  answers: Answer[];
  refused: Refusal[];
  gaps: Gap[];
}

export interface StandInOptions {
  /** A 409 Conflict within this long of the previous one is answered this much later (Telegram: 3 s). */
  conflictPauseMs?: number;
  /** How long a failed webhook post waits before the next try. */
  webhookRetryMs?: number;
}

/**
 * A stand-in for api.telegram.org that keeps the rules of the reference server (tdlib/telegram-bot-api)
 * which decide what a deploy does to a running bot:
 * - one waiting getUpdates per token: a new one that has to wait ends the waiting one with 409, even when
 *   that one's client has hung up (hanging up does not cancel a long poll), so two pollers knock each other off;
 *   a 409 within `conflictPauseMs` of the previous one goes out that much later, as on Telegram;
 * - long polls (`timeout`, at most 50 s) are answered as soon as an update arrives;
 * - an update is confirmed only by a later getUpdates whose `offset` is above it (a negative offset keeps only
 *   the last ones) and is handed out again until then; a poller repeating the same offset within 3 s waits at
 *   least 3 s, and gets one update at a time within 0.5 s;
 * - webhooks and getUpdates exclude each other: setWebhook ends a waiting poll and checks that the URL accepts
 *   connections before answering; each update is then posted (with X-Telegram-Bot-Api-Secret-Token) until a 2xx,
 *   failures showing in getWebhookInfo;
 * - sendMessage only reaches private chats that wrote to the bot (an injected update) and the groups, supergroups
 *   (forums with topics: message_thread_id) and channels it was added to (addChat), by id or @username;
 * - text in parse_mode HTML is parsed as the reference parses it (telegram-html-parser.ts): malformed HTML is refused
 *   with "can't parse entities", and the text after parsing may have at most 4096 characters;
 * - editMessageText edits the bot's own messages: "message is not modified" when nothing changes, "message to edit
 *   not found" once deleted (deleteMessage);
 * - failNext makes the next calls answer 429 with retry_after, or a server error.
 * Unlike Telegram, webhook URLs are plain http (as with the reference's --local mode) and posts go one at a time;
 * Markdown parse modes are not parsed (refused), and there is no flood control unless injected.
 */
export class TelegramStandIn {
  private readonly bots = new Map<string, Bot>();
  private readonly servers: Server[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly conflictPauseMs: number;
  private readonly webhookRetryMs: number;
  private requests = 0;
  private closed = false;
  private listeningPort = 0;

  constructor(options: StandInOptions = {}) {
    this.conflictPauseMs = options.conflictPauseMs ?? 3000;
    this.webhookRetryMs = options.webhookRetryMs ?? 1000;
  }

  /** Listens on every host at one port; port 0 takes a free one (from the first host) for all. */
  async listen(hosts: string[], port = 0): Promise<number> {
    for (const host of hosts) {
      const server = createServer((req, res) => void this.handle(req, res));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.servers.length === 0 ? port : this.listeningPort, host, resolve);
      });
      this.servers.push(server);
      this.listeningPort = (server.address() as AddressInfo).port;
    }
    return this.listeningPort;
  }

  get port(): number {
    return this.listeningPort;
  }

  /** The API root a bot library takes (grammY's `client.apiRoot`). */
  apiRoot(host = '127.0.0.1'): string {
    return `http://${host}:${this.port}`;
  }

  addBot(token: string, firstName = 'Test bot'): BotUser {
    const id = /^(\d+):[\w-]+$/.exec(token)?.[1];
    if (!id) throw new Error(`A bot token looks like 123456:ABC-def, not "${token}".`);
    const user: BotUser = {
      id: Number(id),
      is_bot: true,
      first_name: firstName,
      username: `test${id}_bot`,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
    };
    this.bots.set(token, {
      user,
      queue: [],
      // Update ids do not start at 1 on Telegram either; a bot must take them from what it receives.
      nextUpdateId: 100_000_000 + Math.floor(Math.random() * 800_000_000),
      nextMessageId: 1,
      chats: new Map(),
      groups: new Map(),
      messages: new Map(),
      failures: [],
      calls: [],
      previousPoll: { offset: -1, at: -Infinity },
      nextConflictAt: 0,
      webhookGeneration: 0,
      delivered: [],
      confirmed: [],
      answers: [],
      refused: [],
      gaps: [{ from: Date.now(), to: null }],
    });
    return user;
  }

  /** A user writes `text` to the bot in a private chat; returns the update_id. */
  inject(token: string, text: string, from: { id: number; first_name: string } = { id: 1_000_001, first_name: 'Tester' }): number {
    const bot = this.bot(token);
    const update: Update = {
      update_id: bot.nextUpdateId++,
      message: {
        message_id: bot.nextMessageId++,
        date: unixTime(),
        chat: { id: from.id, type: 'private', first_name: from.first_name },
        from: { id: from.id, is_bot: false, first_name: from.first_name },
        text,
      },
    };
    bot.queue.push(update);
    bot.chats.set(from.id, from.first_name);
    this.store(bot, update.message, false);
    const poll = bot.waiting;
    if (poll && !poll.woken) {
      poll.woken = true;
      this.forget(poll.timer);
      poll.timer = this.later(wakeDelayMs, () => this.endPoll(bot));
    }
    this.post(bot);
    return update.update_id;
  }

  /** Adds the bot to a group, supergroup (`forum: true` for topics) or channel, so it can post there. */
  addChat(token: string, chat: { id: number; type: GroupChat['type']; title: string; username?: string; forum?: boolean }): GroupChat {
    const bot = this.bot(token);
    const { id, type, title, username, forum } = chat;
    const group: GroupChat = { id, type, title, ...(username ? { username } : {}), ...(forum ? { is_forum: true as const } : {}) };
    bot.groups.set(id, { chat: group, nextMessageId: 1, topics: new Set(), kicked: false });
    return group;
  }

  /** Creates a forum topic; returns its message_thread_id (the id of the topic's first message, as on Telegram). */
  addTopic(token: string, chatId: number, name: string): number {
    const group = this.group(token, chatId);
    if (!group.chat.is_forum) throw new Error(`Chat ${chatId} is not a forum: add it with forum: true.`);
    const threadId = group.nextMessageId++;
    group.topics.add(threadId);
    this.store(this.bot(token), { message_id: threadId, date: unixTime(), chat: group.chat, text: name }, false);
    return threadId;
  }

  /** The bot is removed from the chat: from now on it is refused there with 403. */
  removeFromChat(token: string, chatId: number): void {
    this.group(token, chatId).kicked = true;
  }

  /** The next calls of the bot, whatever the method, get these answers instead, in order. */
  failNext(token: string, ...failures: InjectedFailure[]): void {
    this.bot(token).failures.push(...failures);
  }

  /** Every call the stand-in answered for the bot (with a token it knows), in order. */
  calls(token: string): ApiCall[] {
    return this.bot(token).calls.map((call) => ({ ...call }));
  }

  /** The bot's own messages in a chat as they are now (edited, deleted ones gone), oldest first. */
  messages(token: string, chatId: number): Message[] {
    return [...(this.bot(token).messages.get(chatId)?.values() ?? [])].filter((stored) => stored.bySelf).map((stored) => structuredClone(stored.message));
  }

  delivered(token: string): Delivery[] {
    return [...this.bot(token).delivered];
  }

  confirmed(token: string): Confirmation[] {
    return [...this.bot(token).confirmed];
  }

  answers(token: string): Answer[] {
    return [...this.bot(token).answers];
  }

  refused(token: string): Refusal[] {
    return [...this.bot(token).refused];
  }

  /** Unconfirmed updates. */
  pending(token: string): Update[] {
    return [...this.bot(token).queue];
  }

  /** Waiting getUpdates calls whose client is still there (0 or 1). */
  pollers(token: string): number {
    return watched(this.bot(token)) ? 1 : 0;
  }

  /**
   * When nobody was waiting in getUpdates, from addBot on. A poller busy with its last answer shows as a short
   * gap too; a waiting call whose client hung up counts as nobody.
   */
  gaps(token: string): Gap[] {
    return this.bot(token).gaps.map((gap) => ({ ...gap }));
  }

  webhook(token: string): WebhookState | undefined {
    const bot = this.bot(token);
    if (!bot.webhook) return undefined;
    return { ...webhookInfo(bot), secret_token: bot.webhook.secretToken, errors: [...bot.webhook.errors] };
  }

  /** Stops listening and drops every call still open, without answering it. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
  }

  private bot(token: string): Bot {
    const bot = this.bots.get(token);
    if (!bot) throw new Error(`No bot with token ${token} was added to the stand-in.`);
    return bot;
  }

  private group(token: string, chatId: number): Group {
    const group = this.bot(token).groups.get(chatId);
    if (!group) throw new Error(`The bot was not added to chat ${chatId}: call addChat first.`);
    return group;
  }

  private store(bot: Bot, message: Message, bySelf: boolean): void {
    const chat = bot.messages.get(message.chat.id) ?? new Map<number, Stored>();
    chat.set(message.message_id, { message, bySelf });
    bot.messages.set(message.chat.id, chat);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const call: Call = { request: ++this.requests, to: `${req.socket.remoteAddress}:${req.socket.remotePort}`, res, clientGone: false };
    res.on('close', () => {
      if (res.writableFinished) return;
      call.clientGone = true;
      for (const bot of this.bots.values()) if (bot.waiting?.call === call) trackGap(bot);
    });
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const path = /^\/bot([^/]+)\/([^/]*)$/.exec(url.pathname);
    if (!path) return fail(call, 404, 'Not Found');
    const bot = this.bots.get(decodeURIComponent(path[1] ?? ''));
    if (!bot) return fail(call, 401, 'Unauthorized');
    const method = path[2] ?? '';
    call.answered = (status) => bot.calls.push({ request: call.request, method, at: Date.now(), status });
    let params: Params;
    try {
      params = { ...Object.fromEntries(url.searchParams), ...parseBody(req.headers['content-type'] ?? '', await readBody(req)) };
    } catch {
      return fail(call, 400, "Bad Request: can't parse the request body");
    }
    const failure = bot.failures.shift();
    if (failure) return answerFailure(call, failure);
    switch (method.toLowerCase()) {
      case 'getme':
        return ok(call, bot.user);
      case 'getupdates':
        return this.getUpdates(bot, call, params);
      case 'setwebhook':
        return this.setWebhook(bot, call, params, stringArg(params, 'url'));
      case 'deletewebhook':
        return this.setWebhook(bot, call, params, '');
      case 'getwebhookinfo':
        return ok(call, webhookInfo(bot));
      case 'sendmessage':
        return this.sendMessage(bot, call, params);
      case 'editmessagetext':
        return this.editMessageText(bot, call, params);
      case 'deletemessage':
        return this.deleteMessage(bot, call, params);
      default:
        return fail(call, 404, 'Not Found: method not found');
    }
  }

  private getUpdates(bot: Bot, call: Call, params: Params): void {
    if (bot.webhook || bot.settingWebhook) return this.conflict(bot, call, webhookActive);
    const offset = integerArg(params, 'offset', 0);
    let limit = integerArg(params, 'limit', 100, 1, 100);
    let timeout = integerArg(params, 'timeout', 0, 0, longPollMaxSeconds);
    const now = Date.now();
    // The reference slows a poller that repeats its offset at once (a busy loop, or two pollers taking turns).
    if (offset === bot.previousPoll.offset && timeout < 3 && now < bot.previousPoll.at + 3000) timeout = 3;
    if (offset === bot.previousPoll.offset && now < bot.previousPoll.at + 500) limit = 1;
    bot.previousPoll = { offset, at: now };

    if (offset < 0) this.drop(bot, bot.queue.length + offset);
    // An offset past the next update is ignored, like the reference does with one "in the future".
    if (offset > 0 && offset <= bot.nextUpdateId) this.confirm(bot, (update) => update.update_id < offset, 'offset');
    if (bot.queue.length > 0 || timeout === 0) return this.handOut(bot, call, limit);

    const older = this.takePoll(bot);
    bot.waiting = { call, limit, woken: false, timer: this.later(timeout * 1000, () => this.endPoll(bot)) };
    trackGap(bot);
    if (older) this.conflict(bot, older.call, terminatedByGetUpdates);
  }

  /** Takes the waiting poll out of its slot, its timer stopped; the caller answers it and tracks the gap. */
  private takePoll(bot: Bot): Poll | undefined {
    const poll = bot.waiting;
    if (poll) this.forget(poll.timer);
    bot.waiting = undefined;
    return poll;
  }

  private endPoll(bot: Bot): void {
    const poll = this.takePoll(bot);
    if (!poll) return;
    trackGap(bot);
    this.handOut(bot, poll.call, poll.limit);
  }

  private handOut(bot: Bot, call: Call, limit: number): void {
    const updates = bot.queue.slice(0, limit);
    const at = Date.now();
    for (const update of updates) {
      bot.delivered.push({ update_id: update.update_id, at, via: 'getUpdates', request: call.request, to: call.to, clientGone: call.clientGone });
    }
    ok(call, updates);
  }

  private conflict(bot: Bot, call: Call, description: string): void {
    const answer = (): void => {
      bot.refused.push({ at: Date.now(), request: call.request, to: call.to, description, clientGone: call.clientGone });
      fail(call, 409, description);
    };
    const now = Date.now();
    if (now < bot.nextConflictAt) {
      this.later(this.conflictPauseMs, answer);
      return;
    }
    bot.nextConflictAt = now + this.conflictPauseMs;
    answer();
  }

  private confirm(bot: Bot, which: (update: Update) => boolean, by: Confirmation['by']): void {
    const at = Date.now();
    for (const update of bot.queue.filter(which)) bot.confirmed.push({ update_id: update.update_id, at, by });
    bot.queue = bot.queue.filter((update) => !which(update));
  }

  private drop(bot: Bot, count: number): void {
    const dropped = new Set(bot.queue.slice(0, Math.max(count, 0)));
    this.confirm(bot, (update) => dropped.has(update), 'dropped');
  }

  /** setWebhook, or deleteWebhook when `url` is empty. */
  private setWebhook(bot: Bot, call: Call, params: Params, url: string): void {
    const secretToken = url ? stringArg(params, 'secret_token') : '';
    const dropPending = booleanArg(params, 'drop_pending_updates');
    if (bot.settingWebhook) {
      this.conflict(bot, bot.settingWebhook, terminatedBySetWebhookAgain);
      bot.settingWebhook = undefined;
    } else if ((bot.webhook?.url ?? '') === url && (bot.webhook?.secretToken ?? '') === secretToken && !dropPending) {
      return ok(call, true, url ? 'Webhook is already set' : 'Webhook is already deleted');
    }
    const hadWebhook = bot.webhook !== undefined;
    this.stopWebhook(bot);
    if (dropPending) this.drop(bot, bot.queue.length);
    if (!url) return ok(call, true, hadWebhook ? 'Webhook was deleted' : 'Webhook is already deleted');

    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return fail(call, 400, 'Bad Request: invalid webhook URL specified');
    }
    if (target.protocol !== 'http:') return fail(call, 400, 'Bad Request: bad webhook: the stand-in posts to http:// URLs only');
    const poll = this.takePoll(bot);
    trackGap(bot);
    if (poll) this.conflict(bot, poll.call, terminatedBySetWebhook);
    bot.settingWebhook = call;
    const generation = bot.webhookGeneration;
    void reach(target).then((error) => {
      if (bot.webhookGeneration !== generation || this.closed) return;
      bot.settingWebhook = undefined;
      if (error) return fail(call, 400, `Bad Request: bad webhook: ${error}`);
      bot.webhook = { url, target, secretToken, errors: [], posting: false };
      ok(call, true, 'Webhook was set');
      this.post(bot);
    });
  }

  private stopWebhook(bot: Bot): void {
    bot.webhookGeneration++;
    if (bot.webhook?.retry) this.forget(bot.webhook.retry);
    bot.webhook = undefined;
  }

  /** Posts the oldest update to the webhook, then the next, until the queue is empty or a post fails. */
  private post(bot: Bot): void {
    const hook = bot.webhook;
    const update = bot.queue[0];
    if (!hook || hook.posting || hook.retry || !update || this.closed) return;
    hook.posting = true;
    const generation = bot.webhookGeneration;
    void postUpdate(hook, update).then((error) => {
      if (bot.webhookGeneration !== generation || this.closed) return;
      hook.posting = false;
      const at = Date.now();
      if (error) {
        hook.errors.push({ at, message: error });
        hook.retry = this.later(this.webhookRetryMs, () => {
          hook.retry = undefined;
          this.post(bot);
        });
        return;
      }
      bot.delivered.push({ update_id: update.update_id, at, via: 'webhook', to: hook.url, clientGone: false });
      this.confirm(bot, (queued) => queued === update, 'webhook');
      this.post(bot);
    });
  }

  private sendMessage(bot: Bot, call: Call, params: Params): void {
    const chatId = stringArg(params, 'chat_id');
    const rawText = stringArg(params, 'text');
    if (!chatId) return fail(call, 400, 'Bad Request: chat_id is empty');
    if (!rawText) return fail(call, 400, 'Bad Request: message text is empty');
    const chat = chatOf(bot, chatId);
    if ('refusal' in chat) return fail(call, chat.status, chat.refusal);
    const formatted = formattedText(params);
    if ('refusal' in formatted) return fail(call, 400, formatted.refusal);
    const threadId = integerArg(params, 'message_thread_id', 0);
    const group = chat.chat.type === 'private' ? undefined : bot.groups.get(chat.chat.id);
    if (threadId !== 0) {
      // A forum's topics, or elsewhere the thread of replies to an existing message.
      const exists = group?.chat.is_forum ? group.topics.has(threadId) : bot.messages.get(chat.chat.id)?.has(threadId);
      if (!exists) return fail(call, 400, 'Bad Request: message thread not found');
    }
    const { id, is_bot, first_name, username } = bot.user;
    const message: Message = {
      message_id: group ? group.nextMessageId++ : bot.nextMessageId++,
      date: unixTime(),
      chat: chat.chat,
      ...(chat.chat.type === 'channel' ? { sender_chat: chat.chat } : { from: { id, is_bot, first_name, username } }),
      ...(threadId !== 0 ? { message_thread_id: threadId, ...(group?.chat.is_forum ? { is_topic_message: true as const } : {}) } : {}),
      text: formatted.text,
      ...(formatted.entities.length > 0 ? { entities: formatted.entities } : {}),
    };
    this.store(bot, message, true);
    bot.answers.push({ at: Date.now(), request: call.request, from: call.to, chat_id: chat.chat.id, text: formatted.text, message, params });
    ok(call, message);
  }

  private editMessageText(bot: Bot, call: Call, params: Params): void {
    const chatId = stringArg(params, 'chat_id');
    if (!chatId) return fail(call, 400, stringArg(params, 'inline_message_id') ? 'Bad Request: the stand-in has no inline messages' : 'Bad Request: chat_id is empty');
    const chat = chatOf(bot, chatId);
    if ('refusal' in chat) return fail(call, chat.status, chat.refusal);
    const messageId = integerArg(params, 'message_id', 0);
    if (messageId === 0) return fail(call, 400, 'Bad Request: message identifier is not specified');
    if (!stringArg(params, 'text')) return fail(call, 400, 'Bad Request: message text is empty');
    const stored = bot.messages.get(chat.chat.id)?.get(messageId);
    if (!stored) return fail(call, 400, 'Bad Request: message to edit not found');
    if (!stored.bySelf) return fail(call, 400, "Bad Request: message can't be edited");
    const formatted = formattedText(params);
    if ('refusal' in formatted) return fail(call, 400, formatted.refusal);
    const { message } = stored;
    if (message.text === formatted.text && JSON.stringify(message.entities ?? []) === JSON.stringify(formatted.entities)) return fail(call, 400, notModified);
    message.text = formatted.text;
    if (formatted.entities.length > 0) message.entities = formatted.entities;
    else delete message.entities;
    message.edit_date = unixTime();
    ok(call, structuredClone(message));
  }

  private deleteMessage(bot: Bot, call: Call, params: Params): void {
    const chat = chatOf(bot, stringArg(params, 'chat_id'));
    if ('refusal' in chat) return fail(call, chat.status, chat.refusal);
    const messages = bot.messages.get(chat.chat.id);
    if (!messages?.delete(integerArg(params, 'message_id', 0))) return fail(call, 400, 'Bad Request: message to delete not found');
    ok(call, true);
  }

  private later(ms: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private forget(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }
}

function watched(bot: Bot): boolean {
  return bot.waiting !== undefined && !bot.waiting.call.clientGone;
}

/** Opens or closes the bot's current gap to match whether someone is waiting now. */
function trackGap(bot: Bot): void {
  const last = bot.gaps.at(-1);
  const open = last !== undefined && last.to === null;
  if (watched(bot) && open) last.to = Date.now();
  else if (!watched(bot) && !open) bot.gaps.push({ from: Date.now(), to: null });
}

function webhookInfo(bot: Bot): WebhookInfo {
  const info: WebhookInfo = { url: bot.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: bot.queue.length };
  const lastError = bot.webhook?.errors.at(-1);
  if (lastError) {
    info.last_error_date = Math.floor(lastError.at / 1000);
    info.last_error_message = lastError.message;
  }
  return info;
}

/** The chat a chat_id names (a number, or @username for public groups and channels), or why the bot cannot post there. */
function chatOf(bot: Bot, chatId: string): { chat: Chat } | { status: number; refusal: string } {
  const group = chatId.startsWith('@')
    ? [...bot.groups.values()].find((candidate) => candidate.chat.username?.toLowerCase() === chatId.slice(1).toLowerCase())
    : bot.groups.get(Number(chatId));
  if (group) {
    if (group.kicked) return { status: 403, refusal: `Forbidden: bot was kicked from the ${group.chat.type} chat` };
    return { chat: group.chat };
  }
  const firstName = /^-?\d+$/.test(chatId) ? bot.chats.get(Number(chatId)) : undefined;
  if (firstName === undefined) return { status: 400, refusal: 'Bad Request: chat not found' };
  return { chat: { id: Number(chatId), type: 'private', first_name: firstName } };
}

/** The text as Telegram stores it: parsed by parse_mode, then checked as the reference checks it. */
function formattedText(params: Params): { text: string; entities: MessageEntity[] } | { refusal: string } {
  const raw = stringArg(params, 'text');
  // JSON can carry half a surrogate pair, which is no UTF-8.
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(raw)) return { refusal: 'Bad Request: strings must be encoded in UTF-8' };
  const mode = stringArg(params, 'parse_mode').toLowerCase();
  let formatted: { text: string; entities: MessageEntity[] };
  if (mode === '') formatted = { text: raw, entities: [] };
  else if (mode === 'html') {
    try {
      formatted = parseTelegramHtml(raw);
    } catch (error) {
      if (error instanceof HtmlError) return { refusal: `Bad Request: can't parse entities: ${error.message}` };
      throw error;
    }
  } else if (mode === 'markdown' || mode === 'markdownv2') return { refusal: `Bad Request: the stand-in does not parse ${stringArg(params, 'parse_mode')}, only HTML` };
  else return { refusal: 'Bad Request: unsupported parse_mode' };
  if (formatted.text.trim() === '') return { refusal: 'Bad Request: message text is empty' };
  if ([...formatted.text].length > messageTextMax) return { refusal: 'Bad Request: message is too long' };
  return formatted;
}

function answerFailure(call: Call, failure: InjectedFailure): void {
  if (failure.status === 429) {
    const description = `Too Many Requests: retry after ${failure.retryAfter}`;
    return respond(call, 429, { ok: false, error_code: 429, description, parameters: { retry_after: failure.retryAfter } });
  }
  if (failure.status === 500) return fail(call, 500, 'Internal Server Error');
  const reason = { 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' }[failure.status];
  // What the proxy in front of the Bot API answers when the server behind it is down: HTML, no JSON.
  const page = `<html>\r\n<head><title>${failure.status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${failure.status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  respondRaw(call, failure.status, 'text/html', page);
}

function ok(call: Call, result: unknown, description?: string): void {
  respond(call, 200, description === undefined ? { ok: true, result } : { ok: true, result, description });
}

function fail(call: Call, code: number, description: string): void {
  respond(call, code, { ok: false, error_code: code, description });
}

function respond(call: Call, status: number, body: unknown): void {
  respondRaw(call, status, 'application/json', JSON.stringify(body));
}

function respondRaw(call: Call, status: number, contentType: string, body: string): void {
  if (call.res.writableEnded || call.res.destroyed) return;
  call.answered?.(status);
  call.res.writeHead(status, { 'content-type': contentType });
  call.res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Bot API parameters come as JSON or a form; anything else (multipart file uploads) is not supported. */
function parseBody(contentType: string, body: string): Params {
  if (body === '') return {};
  if (contentType.startsWith('application/json')) {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Params;
  }
  if (contentType.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body));
  throw new Error(`unsupported content type ${contentType}`);
}

function stringArg(params: Params, name: string): string {
  const value = params[name];
  return value === undefined || value === null ? '' : String(value);
}

/** Like the reference: a missing or unreadable number is the default or 0, then clamped. */
function integerArg(params: Params, name: string, byDefault: number, min = -Infinity, max = Infinity): number {
  const text = stringArg(params, name);
  const value = text === '' ? byDefault : Number.parseInt(text, 10) || 0;
  return Math.min(Math.max(value, min), max);
}

function booleanArg(params: Params, name: string): boolean {
  return ['true', '1'].includes(stringArg(params, name).toLowerCase());
}

function unixTime(): number {
  return Math.floor(Date.now() / 1000);
}

/** Whether the webhook's host accepts a TCP connection; the error, said as the reference says it, when not. */
function reach(target: URL): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: target.hostname, port: Number(target.port || 80), timeout: webhookTimeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('timeout', () => socket.destroy(new Error('Timeout expired')));
    socket.once('error', (error) => resolve(networkError(error)));
  });
}

/** Posts one update; the error as getWebhookInfo shows it, or undefined on a 2xx. */
function postUpdate(hook: Webhook, update: Update): Promise<string | undefined> {
  const body = JSON.stringify(update);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
  if (hook.secretToken) headers['x-telegram-bot-api-secret-token'] = hook.secretToken;
  return new Promise((resolve) => {
    const req = httpRequest(hook.target, { method: 'POST', headers, agent: false, timeout: webhookTimeoutMs }, (res) => {
      res.resume();
      res.once('end', () => {
        const status = res.statusCode ?? 0;
        resolve(status >= 200 && status <= 299 ? undefined : `Wrong response from the webhook: ${status} ${res.statusMessage ?? ''}`.trim());
      });
    });
    req.once('timeout', () => req.destroy(new Error('Timeout expired')));
    req.once('error', (error) => resolve(networkError(error)));
    req.end(body);
  });
}

function networkError(error: NodeJS.ErrnoException): string {
  if (error.code === 'ECONNREFUSED') return 'Connection refused';
  if (error.code === 'ECONNRESET') return 'Connection reset by peer';
  return error.message;
}
