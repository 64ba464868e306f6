import type { DeployNotice } from '../../../src/notify/deploy-notice.js';
import { MESSAGE_LIMIT } from '../../../src/notify/telegram/telegram-html.js';
import { telegramMessage } from '../../../src/notify/telegram/telegram-message.js';
import { parseTelegramHtml } from '../../support/telegram-html-parser.js';

const notice = (overrides: Partial<DeployNotice> = {}): DeployNotice => ({
  status: 'success',
  environment: 'production',
  version: 'v1.4.0',
  title: '',
  text: '',
  repository: 'acme/faceit-bot',
  actor: 'octocat',
  runUrl: 'https://github.com/acme/faceit-bot/actions/runs/42',
  commit: { sha: '0123456789abcdef0123456789abcdef01234567', message: 'Fix the webhook handler', url: 'https://github.com/acme/faceit-bot/commit/0123456789abcdef0123456789abcdef01234567' },
  previousRelease: 'v1.3.9',
  durationMs: 83_000,
  ...overrides,
});

/** What Telegram makes of the HTML (the reference server's rules): throws "can't parse entities" reasons. */
const parsed = (n: DeployNotice): ReturnType<typeof parseTelegramHtml> => parseTelegramHtml(telegramMessage(n));

describe('telegramMessage', () => {
  it('says status, title, environment, version, previous release, commit, actor, run and duration', () => {
    const { text, entities } = parsed(notice());
    expect(text).toBe(
      [
        '✅ faceit-bot · deployed to production',
        'Version: v1.4.0',
        'Previous: v1.3.9',
        'Commit: 0123456 Fix the webhook handler',
        'By octocat · workflow run · took 1m23s',
      ].join('\n'),
    );
    const links = entities.filter((entity) => entity.type === 'text_link').map((entity) => [text.substr(entity.offset, entity.length), entity.url]);
    expect(links).toEqual([
      ['0123456', 'https://github.com/acme/faceit-bot/commit/0123456789abcdef0123456789abcdef01234567'],
      ['workflow run', 'https://github.com/acme/faceit-bot/actions/runs/42'],
    ]);
    const bold = entities.filter((entity) => entity.type === 'bold').map((entity) => text.substr(entity.offset, entity.length));
    expect(bold).toEqual(['faceit-bot', 'octocat']);
  });

  it.each([
    ['started', '🚀 faceit-bot · deploying to production'],
    ['failure', '❌ faceit-bot · deploy to production failed'],
    ['cancelled', '⏹️ faceit-bot · deploy to production cancelled'],
    ['rolled-back', '↩️ faceit-bot · rolled back on production'],
  ] as const)('heads a %s notice with its emoji and words', (status, head) => {
    expect(parsed(notice({ status })).text.split('\n')[0]).toBe(head);
  });

  it('leaves out what it does not know, and uses the title when given', () => {
    const { text } = parsed(notice({ title: 'FACEIT bot', environment: '', version: '', previousRelease: '', runUrl: '', durationMs: undefined, commit: undefined }));
    expect(text).toBe('✅ FACEIT bot · deployed\nBy octocat');
  });

  // Commit messages people really push: each must arrive exactly as written (first line), never as markup.
  it.each([
    ['Fix <script>alert(1)</script> in the admin panel'],
    ['Use a & b, and &amp; stays &amp;'],
    ['Quote "everything" and \'this\''],
    ['Close the </b> tag that broke the last notifier'],
    ['Handle a < b and b > c'],
    ['<b>not bold</b> <a href="https://evil.example">not a link</a>'],
    ['🚀 Ship it 🎉 — with ünïcödé and 👨‍👩‍👧 families'],
    ['&lt;escaped&gt; already &#60;numeric&#62;'],
    ['Merge pull request #12 from <user@example.com>'],
  ])('puts commit message %j into the message verbatim, as text', (subject) => {
    const { text, entities } = parsed(notice({ commit: { ...notice().commit!, message: `${subject}\n\nbody with <tags> & more` } }));
    expect(text.split('\n')[3]).toBe(`Commit: 0123456 ${subject}`);
    expect(entities.filter((entity) => entity.type === 'text_link').map((entity) => entity.url)).toEqual([notice().commit!.url, notice().runUrl]);
  });

  it('takes the first non-empty line of a message, drops control characters and mends half an emoji', () => {
    const { text } = parsed(notice({ commit: { ...notice().commit!, message: '\n\r\n  Fix\u0000 the \u001b[31mbug\ud83d\r\nsecond line' } }));
    expect(text.split('\n')[3]).toBe('Commit: 0123456 Fix the [31mbug\ufffd');
  });

  it('keeps a user text on its own lines, escaped', () => {
    const { text } = parsed(notice({ text: 'Migrations: <none>\nNotes: "a & b"' }));
    expect(text.split('\n').slice(-3)).toEqual(['', 'Migrations: <none>', 'Notes: "a & b"']);
  });

  it('cuts a 10,000-character commit line to a sensible length, whole entities kept', () => {
    const subject = `${'<b>&'.repeat(2500)}`;
    const { text, entities } = parsed(notice({ commit: { ...notice().commit!, message: subject } }));
    const commitLine = text.split('\n')[3] ?? '';
    expect(commitLine.length).toBeLessThanOrEqual('Commit: 0123456 '.length + 200);
    expect(commitLine.startsWith('Commit: 0123456 <b>&<b>&')).toBe(true);
    expect(commitLine.endsWith('…')).toBe(true);
    expect(entities.filter((entity) => entity.type === 'text_link')).toHaveLength(2);
  });

  it('fits a 10,000-character text (with markup-looking characters and emoji) into Telegram\'s 4096 without cutting an entity', () => {
    const text = Array.from({ length: 2000 }, (_, i) => (i % 2 ? '🚀<&>' : 'a&b"')).join('');
    const html = telegramMessage(notice({ text, title: `${'T'.repeat(300)}` }));
    const result = parseTelegramHtml(html);
    expect(result.text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(result.text.length).toBeGreaterThan(MESSAGE_LIMIT - 10);
    expect(result.text.endsWith('…')).toBe(true);
    // The header survives whole: title cut to a one-line field, both links and the duration still there.
    expect(result.text).toContain('By octocat · workflow run · took 1m23s');
    expect(result.entities.filter((entity) => entity.type === 'text_link')).toHaveLength(2);
    expect(/[\ud800-\udbff]…$/.test(result.text)).toBe(false);
  });

  it('cuts the text first, then the commit line, then the title when even they are too long', () => {
    const huge = 'x'.repeat(10_000);
    const lines = parsed(notice({ text: huge, title: huge, commit: { ...notice().commit!, message: huge }, version: huge, previousRelease: huge, actor: huge, environment: huge })).text;
    expect(lines.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(lines.split('\n')[1]).toBe(`Version: ${'x'.repeat(255)}…`);
  });
});
