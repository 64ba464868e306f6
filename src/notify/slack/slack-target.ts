import { InputError } from '../../inputs/input-error.js';
import type { Inputs } from '../../inputs/inputs.js';
import type { Log } from '../../log/log.js';

export interface WebhookTarget {
  via: 'webhook';
  url: string;
}

export interface BotTarget {
  via: 'bot';
  token: string;
  /** As given: a name (#deploys) or an ID; chat.update needs the ID (the `channel` output). */
  channel: string;
  /** Slack's Web API root, e.g. https://slack.com/api/ (always ending in /). */
  apiUrl: string;
  /** Update this message instead of posting one. */
  ts?: string;
  /** Post into this message's thread. */
  threadTs?: string;
}

export type SlackTarget = WebhookTarget | BotTarget;

const SECRET_INPUTS = ['webhook-url', 'bot-token'] as const;

/**
 * Registers the webhook URL and the bot token as secrets before anything else runs. A webhook URL's
 * path is the secret part of it and can show up on its own (a path in an error), so it is masked too.
 */
export function maskSlackSecrets(inputs: Inputs, log: Log): void {
  for (const name of SECRET_INPUTS) {
    const value = inputs.raw(name).trim();
    if (value === '') continue;
    log.mask(value);
    if (name === 'webhook-url' && URL.canParse(value)) {
      const { pathname } = new URL(value);
      if (pathname.length > 1) log.mask(pathname);
    }
  }
}

/** Where the message goes: an incoming webhook, or a bot token and a channel. */
export function readSlackTarget(inputs: Inputs, log: Log): SlackTarget {
  const url = inputs.raw('webhook-url').trim();
  const token = inputs.raw('bot-token').trim();
  const ts = messageTs(inputs, 'ts');
  const threadTs = messageTs(inputs, 'thread-ts');
  if (url !== '' && token !== '') {
    throw new InputError('Give either `webhook-url` (an incoming webhook) or `bot-token` with `channel` (a Slack app), not both.');
  }
  if (url === '' && token === '') {
    throw new InputError('Give `webhook-url` (an incoming webhook) or `bot-token` with `channel` (a Slack app) to say where to post; is the secret passed to this job?');
  }
  if (url !== '') {
    for (const name of ['ts', 'thread-ts'] as const) {
      if (inputs.optional(name) !== '') throw new InputError(`Input \`${name}\` needs \`bot-token\` and \`channel\`: an incoming webhook can only post new messages.`);
    }
    if (inputs.optional('channel') !== '') log.warning('Input `channel` is ignored with `webhook-url`: an incoming webhook posts to the channel it was created for.');
    if (!isHttpUrl(url)) {
      // Never quoted: the URL is a secret.
      throw new InputError('Input `webhook-url` must be the URL of a Slack incoming webhook (https://hooks.slack.com/services/...), and the value given is not an http(s) URL.');
    }
    return { via: 'webhook', url };
  }
  const channel = inputs.required('channel', 'the channel to post in with `bot-token`, such as #deploys or an ID such as C0123ABCD');
  if (ts !== undefined && threadTs !== undefined) {
    throw new InputError('Give `ts` (update that message) or `thread-ts` (reply in its thread), not both.');
  }
  const apiUrl = inputs.required('api-url');
  if (!isHttpUrl(apiUrl)) throw new InputError(`Input \`api-url\` must be an http(s) URL such as https://slack.com/api/, not "${apiUrl}".`);
  return {
    via: 'bot',
    token,
    channel,
    apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
    ...(ts !== undefined ? { ts } : {}),
    ...(threadTs !== undefined ? { threadTs } : {}),
  };
}

/** When the message being updated or replied to was posted (epoch ms): a Slack ts is epoch seconds. */
export function postedAt(target: SlackTarget): number | undefined {
  const ts = target.via === 'bot' ? (target.ts ?? target.threadTs) : undefined;
  return ts === undefined ? undefined : Math.round(Number(ts) * 1000);
}

function messageTs(inputs: Inputs, name: 'ts' | 'thread-ts'): string | undefined {
  const value = inputs.optional(name);
  if (value === '') return undefined;
  if (!/^\d{1,12}\.\d{1,9}$/.test(value)) {
    throw new InputError(`Input \`${name}\` must be a Slack message timestamp such as 1712345678.123456 (the \`ts\` output of an earlier slack-notify step), not "${value}".`);
  }
  return value;
}

function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'https:' || protocol === 'http:';
}
