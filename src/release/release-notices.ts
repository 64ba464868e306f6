import type { JobSummary } from '../log/job-summary.js';
import type { Log } from '../log/log.js';
import { runSlackNotify } from '../notify/slack/slack-notify.js';
import { telegramNotify } from '../notify/telegram/telegram-notify.js';
import { readTelegramNotifyConfig } from '../notify/telegram/telegram-notify-config.js';
import type { NoticeStatus } from '../notify/deploy-notice.js';
import type { CleanupJournal } from '../pipeline/cleanup-journal.js';
import type { RunInfo } from '../pipeline/run-info.js';
import type { ReleaseConfig } from './release-config.js';

export interface NoticeContext {
  log: Log;
  summary: JobSummary;
  run: RunInfo;
  env: NodeJS.ProcessEnv;
  now: () => number;
  /** Where the messages saying "started" are kept until a later notice says how the run ended. */
  journal: CleanupJournal;
}

/** The messages a run already sent, to update rather than post again. */
export interface SentMessages {
  slack: Record<string, string>;
  telegram: Record<string, string>;
}

/**
 * The run's notices: the first one is posted, every later one updates that same message (Slack's
 * ts, Telegram's message id), so a channel shows one message per deploy that ends in its outcome.
 * A notice that cannot be delivered is a warning (the notify parts' own rule), never a failure.
 */
export class ReleaseNotices {
  private slackMessage: Record<string, string>;
  private telegramMessage: Record<string, string>;

  constructor(
    private readonly channels: Pick<ReleaseConfig, 'slack' | 'telegram'>,
    private readonly context: NoticeContext,
    private readonly startedAt: number,
    sent: SentMessages = { slack: {}, telegram: {} },
  ) {
    this.slackMessage = sent.slack;
    this.telegramMessage = sent.telegram;
  }

  async send(notice: { status: NoticeStatus; version: string; previousRelease?: string; text?: string }): Promise<void> {
    const { slack, telegram } = this.channels;
    const { log, summary, run, env } = this.context;
    const values = { previousRelease: '', text: '', ...notice, startedAt: this.startedAt };
    if (slack) {
      const sent = await runSlackNotify({ inputs: slack({ ...values, update: this.slackMessage }), log, summary, run }, { env, now: this.context.now });
      if (sent.delivered && sent.ts) this.slackMessage = { ts: sent.ts, channel: sent.channel };
    }
    if (telegram) {
      const config = readTelegramNotifyConfig(telegram({ ...values, update: this.telegramMessage }), log);
      const sent = await telegramNotify(config, { log, summary, run, env, now: this.context.now() });
      if (sent.messageId !== undefined) this.telegramMessage = { 'message-id': String(sent.messageId) };
    }
    const { journal } = this.context;
    if (notice.status === 'started') {
      journal.record({ kind: 'notice', host: '', version: notice.version, startedAt: this.startedAt, slack: this.slackMessage, telegram: this.telegramMessage });
    } else {
      journal.clear('notice', '');
    }
  }

  /** The messages that show this run, for the step's outputs (chat.update needs the channel's ID, not its name). */
  messages(): { slackTs: string; slackChannel: string; telegramMessageId: string } {
    return { slackTs: this.slackMessage.ts ?? '', slackChannel: this.slackMessage.channel ?? '', telegramMessageId: this.telegramMessage['message-id'] ?? '' };
  }
}

/**
 * The post step of a run that was cancelled or killed after its first notice: the same messages,
 * which still say "deploying", now say it was cancelled.
 */
export async function noticeCancelled(channels: Pick<ReleaseConfig, 'slack' | 'telegram'>, context: NoticeContext): Promise<void> {
  const pending = context.journal.entries().find((entry) => entry.kind === 'notice');
  if (!pending || pending.kind !== 'notice') return;
  const notices = new ReleaseNotices(channels, context, pending.startedAt, pending);
  await notices.send({
    status: 'cancelled',
    version: pending.version,
    text: 'The run was cancelled or killed before it finished; a host it had already switched keeps the new release until the next run or a rollback.',
  });
}
