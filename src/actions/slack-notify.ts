import type { ActionMetadata } from './action-metadata.js';
import { noticeInputSpecs } from '../notify/notice-input-specs.js';

export const slackNotifyAction: ActionMetadata = {
  folder: 'slack-notify',
  name: 'bot-deploy slack-notify',
  description:
    'Tell a Slack channel what a deploy did - one Block Kit message (status, environment, version, commit, actor, run link, duration, previous release) through an incoming webhook, or with a bot token posted once and then updated in place. A message that cannot be sent is a warning unless fail-on-error.',
  author: 'bot-deploy',
  branding: { icon: 'message-square', color: 'purple' },
  inputs: [
    {
      name: 'webhook-url',
      secret: true,
      section: 'where to post',
      description: 'An incoming webhook URL (https://hooks.slack.com/services/...), from a secret. Posts a new message each time; it cannot update one. Give this or `bot-token`.',
    },
    {
      name: 'bot-token',
      secret: true,
      description: 'A Slack app\'s Bot User OAuth Token (xoxb-...) with the chat:write scope, from a secret; the app must be in `channel`. Posts once, then updates the same message (`ts`). Give this or `webhook-url`.',
    },
    { name: 'channel', description: 'With `bot-token`: the channel, as #name or ID (C0123ABCD). To update a message, pass the `channel` output of the step that posted it: chat.update needs the ID.' },
    { name: 'ts', description: 'With `bot-token`: update this message (the `ts` output of an earlier slack-notify step) instead of posting a new one.' },
    { name: 'thread-ts', description: 'With `bot-token`: post as a reply in the thread of this message (an earlier step\'s `ts` output); a reply notifies people where an update does not.' },
    { name: 'api-url', default: 'https://slack.com/api/', description: 'Slack\'s Web API root, for `bot-token` (e.g. https://slack-gov.com/api/ for GovSlack).' },
    ...noticeInputSpecs,
  ],
  outputs: [
    { name: 'ts', description: 'The message\'s Slack timestamp (a thread reply\'s own), for `ts` or `thread-ts` of a later step; empty with a webhook.' },
    { name: 'channel', description: 'The channel\'s ID (C0123ABCD) the message is in, for `channel` of a later step that updates it; empty with a webhook.' },
    { name: 'started-at', description: 'When the deploy started, in epoch milliseconds: `started-at` if given, else when the message being updated was posted, else now. Pass it to later notify steps to show the duration.' },
  ],
  runs: { using: 'node24', main: '../dist/slack-notify/index.js' },
};
