import { RecordingLog } from '../../src/log/recording-log.js';
import { SummaryBuffer } from '../../src/log/job-summary.js';
import { Journal } from '../../src/pipeline/cleanup-journal.js';
import { noticeCancelled, ReleaseNotices } from '../../src/release/release-notices.js';
import type { NoticeValues } from '../../src/release/release-config.js';
import { Inputs } from '../../src/inputs/inputs.js';
import { telegramNotifyAction } from '../../src/actions/telegram-notify.js';
import { TelegramStandIn } from '../support/telegram-bot-api.js';
import { testRun } from '../support/scripted-context.js';

const token = '4242:notice-journal-token';
const chat = -100777;

describe('ReleaseNotices and the journal', () => {
  let telegram: TelegramStandIn;
  beforeAll(async () => {
    telegram = new TelegramStandIn();
    telegram.addBot(token);
    telegram.addChat(token, { id: chat, type: 'supergroup', title: 'Admins' });
    await telegram.listen(['127.0.0.1']);
  });
  afterAll(() => telegram.close());

  const channels = {
    telegram: (values: NoticeValues): Inputs => {
      const given: Record<string, string> = { 'bot-token': token, 'chat-id': String(chat), 'api-root': telegram.apiRoot(), status: values.status, version: values.version, text: values.text, 'started-at': String(values.startedAt), ...values.update };
      return new Inputs(telegramNotifyAction.inputs, (name) => given[name] ?? '');
    },
  };
  const context = (journal: Journal) => ({ log: new RecordingLog(), summary: new SummaryBuffer(), run: testRun, journal, env: {}, now: Date.now });

  it('keeps the started message in the journal until the outcome is sent, so a killed run\'s post step can say it was cancelled', async () => {
    const journal = new Journal();
    const notices = new ReleaseNotices(channels, context(journal), Date.now());
    await notices.send({ status: 'started', version: 'v7' });
    const [entry] = journal.entries();
    expect(entry).toMatchObject({ kind: 'notice', host: '', version: 'v7', telegram: { 'message-id': expect.stringMatching(/^\d+$/) } });

    // The run dies here; the post step gets the saved journal.
    await noticeCancelled(channels, context(new Journal(journal.entries())));
    const messages = telegram.messages(token, chat);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toMatch(/^⏹️ .* · deploy to production cancelled\nVersion: v7\n/);
  });

  it('forgets the started message once the outcome is sent: nothing is left for the post step', async () => {
    const journal = new Journal();
    const notices = new ReleaseNotices(channels, context(journal), Date.now());
    await notices.send({ status: 'started', version: 'v8' });
    await notices.send({ status: 'success', version: 'v8' });
    expect(journal.entries()).toEqual([]);
    const before = telegram.messages(token, chat).length;
    await noticeCancelled(channels, context(journal));
    expect(telegram.messages(token, chat)).toHaveLength(before);
  });
});
