import { UserError } from '../../../src/errors/user-error.js';
import { telegramFailure } from '../../../src/notify/telegram/telegram-errors.js';
import { BotApiRefusal, NOT_BOT_API } from '../../../src/telegram/bot-api.js';

const sentence = (refusal: BotApiRefusal, tries = 1): string => (telegramFailure(refusal, '-100123', tries) as Error).message;

describe('telegramFailure', () => {
  it.each([
    [new BotApiRefusal('sendMessage', 404, 'Not Found'), 'The Bot API refused sendMessage (HTTP 404: Not Found): check `bot-token` and `api-root` (Telegram answers 404 to a malformed token or a URL that is no Bot API).'],
    [
      new BotApiRefusal('sendMessage', 400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrateToChatId: -1009876 }),
      'The Bot API refused sendMessage (HTTP 400: Bad Request: group chat was upgraded to a supergroup chat): the group became a supergroup: set `chat-id` to -1009876.',
    ],
    [
      new BotApiRefusal('sendMessage', 403, 'Forbidden: bot was kicked from the supergroup chat'),
      'The Bot API refused sendMessage (HTTP 403: Forbidden: bot was kicked from the supergroup chat): add the bot to chat -100123 again, or for a private chat open it and press Start (a bot cannot start a conversation).',
    ],
    [
      new BotApiRefusal('sendMessage', 400, 'Bad Request: not enough rights to send text messages to the chat'),
      'The Bot API refused sendMessage (HTTP 400: Bad Request: not enough rights to send text messages to the chat): give the bot the right to post in chat -100123 (in a channel, make it an administrator who can post messages).',
    ],
    [new BotApiRefusal('editMessageText', 400, 'Bad Request: message is too long'), 'The Bot API refused editMessageText (HTTP 400: Bad Request: message is too long): this is a bug of telegram-notify (the message it built was refused), please report it with this line.'],
    [new BotApiRefusal('sendMessage', 200, NOT_BOT_API), 'The Bot API refused sendMessage (HTTP 200: not a Bot API answer): check `api-root`: it must be a Bot API server such as https://api.telegram.org.'],
    [new BotApiRefusal('sendMessage', 400, 'Bad Request: something new'), 'The Bot API refused sendMessage (HTTP 400: Bad Request: something new): check `chat-id`, `message-thread-id` and `message-id`.'],
  ])('%s', (refusal, expected) => {
    const error = telegramFailure(refusal, '-100123', 1);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(expected);
  });

  it('says how often it tried, keeps a description to one line, and passes anything else through', () => {
    expect(sentence(new BotApiRefusal('sendMessage', 502, 'Bad Gateway'), 4)).toMatch(/^The Bot API refused sendMessage \(HTTP 502: Bad Gateway\) after 4 tries: /);
    expect(sentence(new BotApiRefusal('sendMessage', 400, 'Bad Request:\n::error::injected'))).toMatch(/^The Bot API refused sendMessage \(HTTP 400: Bad Request: ⏎ ::error::injected\)/);
    const bug = new TypeError('boom');
    expect(telegramFailure(bug, '-100123', 1)).toBe(bug);
  });
});
