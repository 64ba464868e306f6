import { slackNotifyAction } from '../actions/slack-notify.js';
import { runSlackNotify } from '../notify/slack/slack-notify.js';
import { runAction } from '../runner/run-action.js';
import { slackNotifyOutputs } from './outputs.js';

await runAction(slackNotifyAction, async (context) => slackNotifyOutputs(await runSlackNotify(context)));
