import type { FetchFunction } from '@slack/web-api';
import type { Log } from '../../log/log.js';
import { oneLine } from '../../log/one-line.js';

export interface AnswerWatchOptions {
  /**
   * Wait out a 429 here and send again (for @slack/webhook, which gives up on any 4xx, 429 included).
   * The Web API client waits on 429 by itself, so there this only watches.
   */
  waitOnRateLimit: boolean;
  /** How many 429s in a row are waited out before the 429 goes back to the client. */
  maxRateLimitWaits: number;
  /** A Retry-After longer than this is not waited out: the 429 goes back to the client. */
  maxRetryAfterMs: number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * The fetch a Slack client sends through: it logs every answer that is not a success (so retries
 * show in the log, with their status) and remembers them, so a failure can say what Slack last
 * answered. With waitOnRateLimit it also honours Retry-After on a 429 by itself.
 */
export class AnswerWatch {
  /** The HTTP status of every answer, oldest first. */
  readonly statuses: number[] = [];
  /** How many 429s were waited out (here or, for the Web API, by the client). */
  rateLimitWaits = 0;
  /** The last network error (no answer at all), as fetch threw it. */
  networkError: unknown;

  constructor(
    private readonly label: string,
    private readonly log: Log,
    private readonly options: AnswerWatchOptions,
    private readonly send: FetchFunction = (url, init) => fetch(url, init),
  ) {}

  readonly fetch: FetchFunction = async (url, init) => {
    let waits = 0;
    for (;;) {
      let response: Awaited<ReturnType<FetchFunction>>;
      try {
        response = await this.send(url, init);
      } catch (error) {
        // Kept as thrown: the clients rewrap it, and lose its cause (the ECONNREFUSED) on the way.
        this.networkError = error;
        this.log.info(`Slack could not be reached for ${this.label} (${networkErrorText(error)}).`);
        throw error;
      }
      this.statuses.push(response.status);
      if (response.status !== 429) {
        if (response.status >= 300) this.log.info(`Slack answered HTTP ${response.status} to ${this.label}.`);
        return response;
      }
      const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
      if (!this.options.waitOnRateLimit) {
        // The Web API client waits Retry-After itself, then sends again (without one, it gives up).
        if (retryAfter !== undefined) this.rateLimitWaits += 1;
        this.log.info(`Slack rate-limited ${this.label} (HTTP 429): ${retryAfter === undefined ? 'no Retry-After to wait for' : `waiting ${retryAfter}s as its Retry-After asks`}.`);
        return response;
      }
      // Without a usable Retry-After, one second: Slack's webhook rate is one message a second.
      const waitMs = (retryAfter ?? 1) * 1000;
      if (waitMs > this.options.maxRetryAfterMs) {
        this.log.info(`Slack rate-limited ${this.label} (HTTP 429) for ${waitMs / 1000}s: longer than a deploy should wait, so giving up.`);
        return response;
      }
      if (waits >= this.options.maxRateLimitWaits) {
        this.log.info(`Slack rate-limited ${this.label} (HTTP 429) after ${waits} waits: giving up.`);
        return response;
      }
      waits += 1;
      this.rateLimitWaits += 1;
      this.log.info(`Slack rate-limited ${this.label} (HTTP 429): waiting ${waitMs / 1000}s as its Retry-After asks.`);
      // Drain the answer so its connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      await this.options.sleep(waitMs);
    }
  };

  get lastStatus(): number | undefined {
    return this.statuses.at(-1);
  }
}

/** Slack sends Retry-After in whole seconds. */
function retryAfterSeconds(header: string | null): number | undefined {
  const seconds = header === null ? Number.NaN : Number.parseInt(header, 10);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** A network error as "fetch failed: ECONNREFUSED", never with the URL (a webhook URL is a secret). */
export function networkErrorText(error: unknown): string {
  const { message, cause } = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as { message?: unknown; cause?: { code?: unknown; message?: unknown } };
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : '';
  const text = typeof message === 'string' ? message : String(error);
  return oneLine(detail ? `${text}: ${detail}` : text);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
