import { messageOf } from '../../errors/message-of.js';
import type { Inputs } from '../../inputs/inputs.js';
import type { JobSummary } from '../../log/job-summary.js';
import type { Log } from '../../log/log.js';
import type { RunInfo } from '../../pipeline/run-info.js';
import { deliverOrWarn } from '../deliver.js';
import { deployNotice } from '../deploy-notice.js';
import { readNoticeInputs } from '../notice-input-specs.js';
import { deliverWithBot } from './bot-delivery.js';
import { noticeMessage } from './notice-message.js';
import { maskSlackSecrets, postedAt, readSlackTarget } from './slack-target.js';
import { defaultTransport, type SlackTransport } from './transport.js';
import { deliverWithWebhook } from './webhook-delivery.js';

export interface SlackNotifyDeps {
  /** The runner's environment (GITHUB_EVENT_PATH, for the commit message). */
  env: NodeJS.ProcessEnv;
  now: () => number;
  transport: Partial<SlackTransport>;
}

/** What slack-notify did; with fail-on-error, `failure` is the error that fails the step. */
export interface SlackNotifyResult {
  delivered: boolean;
  /** The message's ts (a thread reply's own); with a webhook, or when nothing was delivered, the `ts` given. */
  ts: string;
  /** Slack's channel ID for the message (what chat.update needs); the `channel` given when nothing was delivered. */
  channel: string;
  /** When the deploy started (epoch ms): `started-at`, else when the updated message was posted, else now. */
  startedAt: number;
  failure?: unknown;
}

/**
 * slack-notify: reads where to post and what happened, builds the Block Kit message, and posts it
 * (or updates the message of `ts`, or replies in the thread of `thread-ts`). A message that cannot
 * be sent — a bad input included: a missing secret must not fail a deploy — is a warning unless
 * fail-on-error.
 */
export async function runSlackNotify(
  context: { inputs: Inputs; log: Log; summary: JobSummary; run: RunInfo },
  deps: Partial<SlackNotifyDeps> = {},
): Promise<SlackNotifyResult> {
  const { inputs, log, summary, run } = context;
  const env = deps.env ?? process.env;
  const now = (deps.now ?? Date.now)();
  const transport = { ...defaultTransport, ...deps.transport };
  maskSlackSecrets(inputs, log);
  const failOnError = inputs.bool('fail-on-error');
  const result: SlackNotifyResult = { delivered: false, ts: inputs.optional('ts'), channel: inputs.optional('channel'), startedAt: now };
  const rows: Array<[string, string]> = [];
  try {
    const outcome = await log.group('Slack notification', () =>
      deliverOrWarn('Slack', failOnError, log, async () => {
        const target = readSlackTarget(inputs, log);
        const noticeInputs = readNoticeInputs(inputs);
        const startedAt = noticeInputs.startedAt ?? postedAt(target);
        if (startedAt !== undefined) result.startedAt = startedAt;
        const notice = deployNotice({ ...noticeInputs, ...(startedAt !== undefined ? { startedAt } : {}) }, run, env, now);
        rows.push(['Status', notice.status], ['Environment', notice.environment], ['Version', notice.version || '(not given)']);
        const message = noticeMessage(notice);
        if (target.via === 'webhook') {
          rows.push(['Sent with', 'incoming webhook']);
          await deliverWithWebhook(target.url, message, log, transport);
          log.info('Posted.');
          return { ts: '', channel: '', done: 'posted' };
        }
        rows.push(['Sent with', `bot token, channel ${target.channel}`]);
        const sent = await deliverWithBot(target, message, log, transport);
        log.info(`${sent.action === 'updated' ? 'Updated' : 'Posted'} message ${sent.ts} in ${sent.channel}.`);
        const done = sent.action === 'replied' ? `replied in the thread of ${target.threadTs}: ${sent.ts}` : `${sent.action} ${sent.ts} in ${sent.channel}`;
        return { ts: sent.ts, channel: sent.channel, done };
      }),
    );
    if (outcome.delivered) {
      Object.assign(result, { delivered: true, ts: outcome.result.ts, channel: outcome.result.channel });
      rows.push(['Message', outcome.result.done], ['Delivered', 'yes']);
    } else {
      rows.push(['Delivered', `no: ${outcome.reason}`]);
    }
  } catch (error) {
    rows.push(['Delivered', `no: ${messageOf(error)}`]);
    result.failure = error;
  }
  summary.section('Slack notification', rows);
  return result;
}
