import { WebClient } from '@slack/web-api';
import type { Log } from '../../log/log.js';
import { AnswerWatch } from './answer-watch.js';
import { botFailure, type BotCall } from './delivery-failure.js';
import type { SlackMessage } from './notice-message.js';
import { slackLogger } from './slack-logger.js';
import type { BotTarget } from './slack-target.js';
import type { SlackTransport } from './transport.js';

/** Where a message went: Slack's own channel ID and the message's ts (a reply's own ts for a thread reply). */
export interface BotDelivery {
  action: 'posted' | 'updated' | 'replied';
  channel: string;
  ts: string;
}

/**
 * Sends the message with a bot token: chat.update of `ts` when given, else chat.postMessage (into the
 * thread of `threadTs` when given). Retries and Retry-After are the Web API client's own.
 */
export async function deliverWithBot(target: BotTarget, message: SlackMessage, log: Log, transport: SlackTransport): Promise<BotDelivery> {
  const method = target.ts ? 'chat.update' : 'chat.postMessage';
  const watch = new AnswerWatch(method, log, { waitOnRateLimit: false, maxRateLimitWaits: transport.maxRateLimitWaits, maxRetryAfterMs: transport.maxRetryAfterMs, sleep: transport.sleep });
  const client = new WebClient(target.token, {
    slackApiUrl: target.apiUrl,
    retryConfig: transport.retry,
    // Wait out a 429 for as long as Retry-After says, then send again (the client's own handling).
    rejectRateLimitedCalls: false,
    timeout: transport.timeoutMs,
    logger: slackLogger(log),
    fetch: watch.fetch,
  });
  const call: BotCall = { method, channel: target.channel, apiUrl: target.apiUrl, watch, ...(target.ts ? { ts: target.ts } : {}) };
  try {
    if (target.ts) {
      log.info(`Updating Slack message ${target.ts} in ${target.channel} (chat.update).`);
      const answer = await client.chat.update({ channel: target.channel, ts: target.ts, text: message.text, blocks: message.blocks });
      return { action: 'updated', channel: answer.channel ?? target.channel, ts: answer.ts ?? target.ts };
    }
    log.info(target.threadTs ? `Replying in the thread of Slack message ${target.threadTs} in ${target.channel} (chat.postMessage).` : `Posting to Slack channel ${target.channel} (chat.postMessage).`);
    const answer = await client.chat.postMessage({
      channel: target.channel,
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
      unfurl_media: false,
      ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
    });
    if (!answer.ts || !answer.channel) throw new Error(`Slack answered chat.postMessage with ok but no ${answer.ts ? 'channel' : 'ts'}.`);
    return { action: target.threadTs ? 'replied' : 'posted', channel: answer.channel, ts: answer.ts };
  } catch (error) {
    throw botFailure(error, call);
  }
}
