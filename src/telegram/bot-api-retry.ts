import { BotApiRefusal, BotApiUnreachable } from './bot-api.js';

/** How hard to try one Bot API call: a notification must never hold a deploy for long. */
export interface RetryPolicy {
  /** Calls at most, the first included. */
  attempts: number;
  /** The waits before the 2nd, 3rd, ... call after a 5xx or no answer (the last one repeats). */
  backoffMs: readonly number[];
  /** A 429 whose retry_after is longer than this is not waited for: the call fails at once. */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 4, backoffMs: [1000, 3000, 5000], maxRetryAfterMs: 30_000 };

/** Whether another call can help: flood control (429, after its retry_after), Telegram's 5xx, or no answer. */
export function transient(error: unknown): boolean {
  if (error instanceof BotApiUnreachable) return true;
  return error instanceof BotApiRefusal && (error.status === 429 || error.status >= 500);
}

/**
 * Runs `call` until it succeeds, fails for good (a 4xx other than 429), or the attempts run out;
 * then throws the last error. Retrying a sendMessage whose answer was lost can post it twice: a
 * rare duplicate beats a missing deploy notice.
 */
export async function withRetries<T>(
  call: () => Promise<T>,
  policy: RetryPolicy,
  onRetry: (error: BotApiRefusal | BotApiUnreachable, waitMs: number) => void,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= policy.attempts || !transient(error)) throw error;
      const waitMs = waitBefore(error as BotApiRefusal | BotApiUnreachable, attempt, policy);
      if (waitMs === undefined) throw error;
      onRetry(error as BotApiRefusal | BotApiUnreachable, waitMs);
      await sleep(waitMs);
    }
  }
}

/** Telegram's own retry_after for a 429 (undefined when too long to wait), else the backoff step. */
function waitBefore(error: BotApiRefusal | BotApiUnreachable, attempt: number, policy: RetryPolicy): number | undefined {
  if (error instanceof BotApiRefusal && error.status === 429) {
    const ms = (error.parameters.retryAfterS ?? 1) * 1000;
    return ms <= policy.maxRetryAfterMs ? ms : undefined;
  }
  return policy.backoffMs[Math.min(attempt - 1, policy.backoffMs.length - 1)] ?? 1000;
}
