import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRequestError } from '@slack/web-api';
import { IncomingWebhookHTTPError, IncomingWebhookRequestError } from '@slack/webhook';
import { messageOf } from '../../errors/message-of.js';
import { UserError } from '../../errors/user-error.js';
import { oneLine } from '../../log/one-line.js';
import { networkErrorText, type AnswerWatch } from './answer-watch.js';

/** Slack did not take the message; the message is the one sentence saying why and what to do. */
export class SlackDeliveryError extends UserError {
  override readonly name = 'SlackDeliveryError';
}

/** What a bot-token call was doing when it failed, for the sentence. */
export interface BotCall {
  method: 'chat.postMessage' | 'chat.update';
  channel: string;
  ts?: string;
  apiUrl: string;
  watch: AnswerWatch;
}

const BAD_TOKEN = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type']);
const BAD_MESSAGE = new Set(['msg_too_long', 'msg_blocks_too_long', 'invalid_blocks', 'invalid_blocks_format', 'no_text', 'invalid_arguments', 'invalid_payload', 'too_many_attachments']);
const BUG = 'this is a bug in slack-notify: please report it with this line';

/**
 * The sentence for a failed chat.postMessage / chat.update: Slack's `ok: false` error named, with the
 * fix for the ones a workflow can cause. Anything that is not Slack's answer (a bug) is returned as is.
 */
export function botFailure(error: unknown, call: BotCall): Error {
  const { method, channel, ts, watch } = call;
  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    // Slack's answer carries more than the SDK types (`needed`, `errors`).
    const data = error.data as unknown as Record<string, unknown>;
    const where = `"${channel}"`;
    if (BAD_TOKEN.has(code)) {
      return new SlackDeliveryError(`Slack refused the bot token (${code}): check \`bot-token\` — it must be the Bot User OAuth Token (xoxb-...) of a Slack app installed in the workspace.`);
    }
    if (code === 'missing_scope') {
      const needed = typeof data.needed === 'string' ? ` ${data.needed}` : ' chat:write';
      return new SlackDeliveryError(`The bot token lacks the scope${needed} that ${method} needs (missing_scope): add it under the app's OAuth & Permissions, reinstall the app and use its new token.`);
    }
    if (code === 'channel_not_found' && method === 'chat.update') {
      return new SlackDeliveryError(`Slack found no channel ${where} to update message ${ts} in (channel_not_found): chat.update needs the channel's ID, so pass the \`channel\` output of the step that posted the message.`);
    }
    if (code === 'channel_not_found') {
      return new SlackDeliveryError(`Slack found no channel ${where} (channel_not_found): check \`channel\` (a name such as #deploys, or an ID such as C0123ABCD) and, for a private channel, invite the app to it.`);
    }
    if (code === 'not_in_channel') {
      return new SlackDeliveryError(`The Slack app is not a member of channel ${where} (not_in_channel): invite it there (/invite @your-app), or give it the chat:write.public scope.`);
    }
    if (code === 'is_archived' || code === 'is_inactive') {
      return new SlackDeliveryError(`Slack channel ${where} is archived (${code}): unarchive it, or set \`channel\` to another one.`);
    }
    if (code === 'message_not_found') {
      return new SlackDeliveryError(`Slack found no message ${ts} in channel ${where} (message_not_found): pass the \`ts\` and \`channel\` outputs of the step that posted it.`);
    }
    if (code === 'cant_update_message') {
      return new SlackDeliveryError(`Slack does not let this app update message ${ts} (cant_update_message): \`ts\` must be a message this app's bot token posted.`);
    }
    if (code === 'edit_window_closed') {
      return new SlackDeliveryError(`Slack message ${ts} can no longer be edited (edit_window_closed): the workspace limits edits in time, so post a new message (no \`ts\`) or reply in its thread with \`thread-ts\`.`);
    }
    if (code.startsWith('restricted_action')) {
      return new SlackDeliveryError(`A workspace setting keeps the app from posting in channel ${where} (${code}): ask a workspace admin, or set \`channel\` to another one.`);
    }
    if (code === 'ratelimited' || code === 'rate_limited') return rateLimited(method, watch);
    if (BAD_MESSAGE.has(code)) return new SlackDeliveryError(`Slack refused the message (${code}${detailOf(data)}): ${BUG}.`);
    return new SlackDeliveryError(`Slack answered ${code} to ${method}: see https://api.slack.com/methods/${method}#errors for what it means.`);
  }
  if (error instanceof WebAPIHTTPError) return httpFailure(method, error.statusCode, watch, `check \`api-url\` (${call.apiUrl})`);
  // Once its retries are spent on 429s, the client throws a request error of its own making.
  if (watch.lastStatus === 429) return rateLimited(method, watch);
  if (error instanceof WebAPIRequestError) {
    return new SlackDeliveryError(`Could not reach Slack's API at ${call.apiUrl} (${networkErrorText(watch.networkError ?? error.original)}): check the runner's network and \`api-url\`.`);
  }
  return error instanceof Error ? error : new Error(messageOf(error));
}

/** The sentence for a failed incoming webhook post: Slack answers with an HTTP status and a plain-text error code. */
export function webhookFailure(error: unknown, watch: AnswerWatch): Error {
  if (error instanceof IncomingWebhookHTTPError) {
    const code = oneLine(String(error.body ?? '')).trim().slice(0, 100);
    const answer = `${error.statusCode}${code ? ` ${code}` : ''}`;
    if (error.statusCode === 429) return rateLimited('the incoming webhook', watch);
    if (code === 'no_service' || code === 'no_team' || code === 'team_disabled') {
      return new SlackDeliveryError(`Slack does not know this incoming webhook (${answer}): it was removed or the URL is wrong, so create the webhook again and put its URL in the secret behind \`webhook-url\`.`);
    }
    if (code === 'invalid_token') {
      return new SlackDeliveryError(`Slack refused the incoming webhook URL (${answer}): copy it again from the app's Incoming Webhooks page into the secret behind \`webhook-url\`.`);
    }
    if (code === 'channel_not_found') {
      return new SlackDeliveryError(`The incoming webhook's channel no longer exists (${answer}): create a webhook for an existing channel and update \`webhook-url\`.`);
    }
    if (code === 'channel_is_archived') {
      return new SlackDeliveryError(`The incoming webhook's channel is archived (${answer}): unarchive it, or create a webhook for another channel and update \`webhook-url\`.`);
    }
    if (code === 'action_prohibited' || code === 'posting_to_general_channel_denied') {
      return new SlackDeliveryError(`The workspace does not let this incoming webhook post (${answer}): ask a workspace admin, or use a webhook for another channel.`);
    }
    if (BAD_MESSAGE.has(code)) return new SlackDeliveryError(`Slack refused the message (${answer}): ${BUG}.`);
    return httpFailure('the incoming webhook', error.statusCode, watch, 'check `webhook-url`', code);
  }
  if (error instanceof IncomingWebhookRequestError) {
    return new SlackDeliveryError(`Could not reach the Slack incoming webhook (${networkErrorText(watch.networkError ?? error.original)}): check \`webhook-url\` and the runner's network.`);
  }
  return error instanceof Error ? error : new Error(messageOf(error));
}

function httpFailure(target: string, status: number, watch: AnswerWatch, otherwise: string, code = ''): SlackDeliveryError {
  const answer = `HTTP ${status}${code ? ` ${code}` : ''}`;
  if (status >= 500) {
    const times = trailing(watch.statuses, (seen) => seen >= 500);
    return new SlackDeliveryError(
      `Slack answered ${answer} to ${target} ${times === 1 ? 'once' : `${times} times in a row`}: Slack is having trouble (https://slack-status.com), so re-run the job later to send the notification.`,
    );
  }
  return new SlackDeliveryError(`Slack answered ${answer} to ${target}: ${otherwise}.`);
}

function rateLimited(target: string, watch: AnswerWatch): SlackDeliveryError {
  const waited = watch.rateLimitWaits === 1 ? 'once' : `${watch.rateLimitWaits} times`;
  return new SlackDeliveryError(
    `Slack kept rate-limiting ${target} (HTTP 429${watch.rateLimitWaits > 0 ? `, waited out ${waited}` : ''}): too many messages go to Slack at once, so send fewer notifications or re-run the job later.`,
  );
}

/** How many of the last answers in a row match. */
function trailing(statuses: readonly number[], match: (status: number) => boolean): number {
  let count = 0;
  for (let index = statuses.length - 1; index >= 0 && match(statuses[index] as number); index -= 1) count += 1;
  return Math.max(count, 1);
}

/** Slack's own words about a refused message (`errors` of invalid_blocks, response_metadata.messages). */
function detailOf(data: Record<string, unknown>): string {
  const metadata = data.response_metadata as { messages?: unknown } | undefined;
  const first = [data.errors, metadata?.messages].flatMap((list) => (Array.isArray(list) ? list : [])).find((item) => typeof item === 'string');
  return typeof first === 'string' ? `: ${oneLine(first).slice(0, 200)}` : '';
}
