import { messageOf } from '../errors/message-of.js';
import type { SlackNotifyResult } from '../notify/slack/slack-notify.js';
import { ActionFailure } from '../runner/action-failure.js';
import type { Outputs } from '../runner/run-action.js';

/** slack-notify's outputs (product.md); with fail-on-error an undelivered message fails the step, the outputs still set. */
export function slackNotifyOutputs(result: SlackNotifyResult): Outputs {
  const outputs: Outputs = { ts: result.ts, channel: result.channel, 'started-at': result.startedAt };
  if (result.failure !== undefined) throw new ActionFailure(messageOf(result.failure), outputs, result.failure);
  return outputs;
}
