import { IncomingWebhook } from '@slack/webhook';
import type { Log } from '../../log/log.js';
import { AnswerWatch } from './answer-watch.js';
import { webhookFailure } from './delivery-failure.js';
import type { SlackMessage } from './notice-message.js';
import type { SlackTransport } from './transport.js';

/**
 * Posts the message to an incoming webhook. @slack/webhook retries 5xx answers and network errors
 * (its retryConfig) but gives up on every 4xx, 429 included, and does not hand the Retry-After
 * header on; so the 429 is waited out below it, in the fetch it sends through (AnswerWatch).
 */
export async function deliverWithWebhook(url: string, message: SlackMessage, log: Log, transport: SlackTransport): Promise<void> {
  const watch = new AnswerWatch('the incoming webhook', log, { waitOnRateLimit: true, maxRateLimitWaits: transport.maxRateLimitWaits, maxRetryAfterMs: transport.maxRetryAfterMs, sleep: transport.sleep });
  const webhook = new IncomingWebhook(url, { fetch: watch.fetch, timeout: transport.timeoutMs, retryConfig: transport.retry });
  log.info('Posting to the Slack incoming webhook.');
  try {
    await webhook.send({ text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false });
  } catch (error) {
    throw webhookFailure(error, watch);
  }
}
