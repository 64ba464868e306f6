import { messageOf } from '../errors/message-of.js';
import type { ReleaseNotices } from '../release/release-notices.js';
import type { ReleaseResult } from '../release/release-pipeline.js';
import { ActionFailure } from '../runner/action-failure.js';
import type { Outputs } from '../runner/run-action.js';

/** The root action's outputs from the first host; anything but success fails the step with them set. */
export function releaseOutputs(result: ReleaseResult, notices: ReleaseNotices): Outputs {
  const first = result.hosts[0];
  const messages = notices.messages();
  const outputs: Outputs = {
    status: result.status,
    release: first?.release ?? '',
    'previous-release': first?.servedBefore ?? '',
    'active-color': first?.activeColor ?? '',
    'backup-key': first?.backupKey ?? '',
    'duration-ms': result.durationMs,
    'slack-ts': messages.slackTs,
    'slack-channel': messages.slackChannel,
    'telegram-message-id': messages.telegramMessageId,
  };
  if (result.failure) throw new ActionFailure(messageOf(result.failure.error), outputs, result.failure.error);
  return outputs;
}
