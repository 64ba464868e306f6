import { telegramNotifyAction } from '../actions/telegram-notify.js';
import { telegramNotify } from '../notify/telegram/telegram-notify.js';
import { readTelegramNotifyConfig } from '../notify/telegram/telegram-notify-config.js';
import { runAction } from '../runner/run-action.js';
import { telegramNotifyOutputs } from './outputs.js';

await runAction(telegramNotifyAction, async ({ inputs, log, summary, run }) =>
  telegramNotifyOutputs(await telegramNotify(readTelegramNotifyConfig(inputs, log), { log, summary, run, env: process.env, now: Date.now() })),
);
