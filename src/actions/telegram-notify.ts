import type { ActionMetadata } from './action-metadata.js';
import { noticeInputSpecs } from '../notify/notice-input-specs.js';

export const telegramNotifyAction: ActionMetadata = {
  folder: 'telegram-notify',
  name: 'bot-deploy telegram-notify',
  description:
    'Tell an admin chat what a deploy did, through the bot\'s own Bot API: one message (optionally in a forum topic) sent when the deploy starts and edited in place as it goes on. A notification that cannot be delivered is a warning, never a failed deploy, unless fail-on-error.',
  author: 'bot-deploy',
  branding: { icon: 'send', color: 'blue' },
  inputs: [
    {
      name: 'bot-token',
      required: true,
      secret: true,
      section: 'where to',
      description: 'The bot\'s token from @BotFather (from a secret). The bot must be a member of the chat, with the right to post there.',
    },
    {
      name: 'chat-id',
      required: true,
      description: 'The chat to notify: its id (a supergroup\'s starts with -100, e.g. -1001234567890) or @channelusername.',
    },
    { name: 'message-thread-id', description: 'A forum topic of the chat to post in (the number after the chat in a link to the topic).' },
    {
      name: 'message-id',
      description:
        'Edit this message in place instead of sending a new one: an earlier telegram-notify step\'s `message-id` output. When it is gone (deleted), a new message is sent and its id is the output.',
    },
    { name: 'api-root', default: 'https://api.telegram.org', description: 'The Bot API server (a local telegram-bot-api server, or a stand-in in tests).' },
    ...noticeInputSpecs,
  ],
  outputs: [
    { name: 'message-id', description: 'The id of the message that shows the notice (pass it to a later step\'s `message-id` to edit it); without delivery, the `message-id` given, if any.' },
    { name: 'started-at', description: 'When the deploy started in epoch milliseconds: the `started-at` input, or now when none was given (pass it to later notify steps to show the duration).' },
  ],
  runs: { using: 'node24', main: '../dist/telegram-notify/index.js' },
};
