import { messageOf } from '../errors/message-of.js';
import type { Log } from '../log/log.js';

/**
 * A notification that cannot be delivered must never fail a deploy: it becomes a warning and the
 * result says so, unless the workflow asked for `fail-on-error`.
 */
export async function deliverOrWarn<T>(channel: string, failOnError: boolean, log: Log, send: () => Promise<T>): Promise<{ delivered: true; result: T } | { delivered: false; reason: string }> {
  try {
    return { delivered: true, result: await send() };
  } catch (error) {
    if (failOnError) throw error;
    // The reason is the sentence the step would have failed with; inside the warning it loses its full stop.
    const reason = messageOf(error).replace(/\.$/, '');
    log.warning(`The ${channel} notification was not delivered (${reason}); the deploy goes on (fail-on-error: false).`);
    return { delivered: false, reason };
  }
}
