import { messageOf } from '../../errors/message-of.js';
import type { JobSummary } from '../../log/job-summary.js';
import type { Log } from '../../log/log.js';
import type { RunInfo } from '../../pipeline/run-info.js';
import { deliverOrWarn } from '../deliver.js';
import { deployNotice } from '../deploy-notice.js';
import { deliverTelegram, type DeliveryOptions, type DeliveryOutcome } from './telegram-delivery.js';
import { plainText, renderHtml } from './telegram-html.js';
import { telegramLines } from './telegram-message.js';
import type { TelegramNotifyConfig } from './telegram-notify-config.js';

export interface TelegramNotifyResult {
  /** The message that shows the notice; without delivery, the one given to edit (if any), so a later step can still edit it. */
  messageId?: number;
  /** Epoch ms the deploy started: `started-at` when given, else now (so the first notify step starts the clock). */
  startedAt: number;
  outcome: DeliveryOutcome | 'not delivered';
}

export interface TelegramNotifyContext {
  log: Log;
  summary: JobSummary;
  run: RunInfo;
  env: NodeJS.ProcessEnv;
  now: number;
}

const SUMMARY_HEADING = 'Telegram message';

const OUTCOME_WORDS: Record<DeliveryOutcome, string> = {
  sent: 'sent',
  edited: 'edited in place',
  unchanged: 'already up to date',
  resent: 'sent anew (the message to edit was gone)',
};

/** telegram-notify: the notice to the admin chat, sent or edited in place; undeliverable is a warning unless fail-on-error. */
export async function telegramNotify(config: TelegramNotifyConfig, context: TelegramNotifyContext, options: DeliveryOptions = {}): Promise<TelegramNotifyResult> {
  const { log, summary } = context;
  const notice = deployNotice(config.notice, context.run, context.env, context.now);
  const lines = telegramLines(notice);
  const where = `chat ${config.chatId}${config.threadId !== undefined ? `, topic ${config.threadId}` : ''}`;
  const startedAt = config.notice.startedAt ?? context.now;
  const rows: Array<[string, string]> = [
    ['Status', notice.status],
    ['Environment', notice.environment || '-'],
    ['Version', notice.version || '-'],
    ['Chat', where],
  ];
  try {
    const delivery = await log.group(`Telegram: ${notice.status} to ${where}`, async () => {
      // The text holds commit messages and workflow text: shown as data, never read as workflow commands.
      log.hostOutput(plainText(lines).split('\n'));
      const result = await deliverOrWarn('Telegram', config.failOnError, log, () => deliverTelegram(config, renderHtml(lines), log, options));
      if (result.delivered) log.info(`Message ${result.result.messageId} ${OUTCOME_WORDS[result.result.outcome]} in ${where}.`);
      return result;
    });
    if (!delivery.delivered) {
      summary.section(SUMMARY_HEADING, [...rows, ['Result', `not delivered: ${delivery.reason}`]]);
      return { ...(config.messageId !== undefined ? { messageId: config.messageId } : {}), startedAt, outcome: 'not delivered' };
    }
    const { messageId, outcome } = delivery.result;
    summary.section(SUMMARY_HEADING, [...rows, ['Message', `${messageId}, ${OUTCOME_WORDS[outcome]}`]]);
    return { messageId, startedAt, outcome };
  } catch (error) {
    summary.section(SUMMARY_HEADING, [...rows, ['Result', `failed: ${messageOf(error)}`]]);
    throw error;
  }
}
