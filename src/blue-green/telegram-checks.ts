import { formatDuration } from '../inputs/duration.js';
import type { HostContext } from '../pipeline/host-context.js';
import type { BotApi } from '../telegram/bot-api.js';
import { getWebhookInfo, type WebhookInfo } from '../telegram/webhook-info.js';

/**
 * Webhook mode, after the old color stopped: Telegram must still have the webhook, with no delivery
 * error newer than before the switch. Many templates call deleteWebhook when they shut down, which
 * silently unplugs the bot the moment the old color stops. Returns why not, or undefined.
 */
export async function webhookStillServed(api: BotApi, before: WebhookInfo): Promise<string | undefined> {
  const after = await getWebhookInfo(api);
  if (!after.url) {
    return 'Telegram no longer has a webhook for the bot now that the old color stopped (its shutdown probably calls deleteWebhook): Telegram delivers nothing until setWebhook is called again';
  }
  if (after.lastErrorDate && after.lastErrorDate > (before.lastErrorDate ?? 0)) {
    return `Telegram reports a webhook delivery error since the switch (${after.lastErrorMessage ?? 'no message'})`;
  }
  return undefined;
}

/**
 * Polling mode, after the new bot passed container mode: a running container proves nothing — a
 * release left in webhook mode never polls, so Telegram must have no webhook, and the queue of
 * pending updates must drain (a live poller consumes it), within `timeoutMs`. Returns why not.
 */
export async function pollerConsumes(ctx: HostContext, api: BotApi, timeoutMs: number, intervalMs: number): Promise<string | undefined> {
  const started = Date.now();
  let first: number | undefined;
  for (;;) {
    const info = await getWebhookInfo(api);
    if (info.url) return `a webhook is set for the bot (${new URL(info.url).host}), so the new release runs in webhook mode and never polls`;
    first ??= info.pendingUpdateCount;
    if (info.pendingUpdateCount === 0 || info.pendingUpdateCount < first) return undefined;
    if (Date.now() - started >= timeoutMs) {
      return `${info.pendingUpdateCount} update(s) waited in Telegram's queue for ${formatDuration(Date.now() - started)} and none was consumed, so the new release does not poll`;
    }
    ctx.log.info(`Telegram holds ${info.pendingUpdateCount} pending update(s); waiting for the new bot to consume them...`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
