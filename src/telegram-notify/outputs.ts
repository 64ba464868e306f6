import type { TelegramNotifyResult } from '../notify/telegram/telegram-notify.js';
import type { Outputs } from '../runner/run-action.js';

/** telegram-notify's outputs: the message to edit next time, and when the deploy started. */
export function telegramNotifyOutputs(result: TelegramNotifyResult): Outputs {
  return {
    'message-id': result.messageId ?? '',
    'started-at': result.startedAt,
  };
}
