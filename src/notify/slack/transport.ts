import type { RetryOptions } from '@slack/web-api';
import { sleep } from './answer-watch.js';

/** How hard both Slack clients try before a notification counts as not delivered. */
export interface SlackTransport {
  /** The SDKs' retry policy (node-retry): for 5xx answers and network errors, and for 429s in the Web API client. */
  retry: RetryOptions;
  /** One request's time limit. */
  timeoutMs: number;
  /** Webhook 429s waited out in a row before giving up (the Web API client counts them against `retry`). */
  maxRateLimitWaits: number;
  /** A longer Retry-After is not waited out for a webhook: a deploy should not stall on a notification. */
  maxRetryAfterMs: number;
  sleep: (ms: number) => Promise<void>;
}

/** 4 retries, 1 s, 2 s, 4 s, 8 s apart (with jitter): a Slack hiccup is ridden out within about 20 s. */
export const defaultTransport: SlackTransport = {
  retry: { retries: 4, factor: 2, minTimeout: 1000, maxTimeout: 8000, randomize: true },
  timeoutMs: 15_000,
  maxRateLimitWaits: 3,
  maxRetryAfterMs: 60_000,
  sleep,
};
