import { cleanText, cut, escapeHtml, fit, plainText, renderHtml, visibleLength, type Line } from '../../../src/notify/telegram/telegram-html.js';
import { parseTelegramHtml } from '../../support/telegram-html-parser.js';

describe('Telegram HTML pieces', () => {
  it('escapes exactly &, < and > in text, and the quote too inside href', () => {
    expect(escapeHtml('a & b < c > d "e" \'f\'')).toBe('a &amp; b &lt; c &gt; d "e" \'f\'');
    const lines: Line[] = [[{ text: '<run> "1"', style: 'b', href: 'https://example.com/?q="x"&a=<b>' }]];
    expect(renderHtml(lines)).toBe('<a href="https://example.com/?q=&quot;x&quot;&amp;a=&lt;b&gt;"><b>&lt;run&gt; "1"</b></a>');
    expect(parseTelegramHtml(renderHtml(lines))).toEqual({
      text: '<run> "1"',
      entities: [
        { type: 'text_link', offset: 0, length: 9, url: 'https://example.com/?q=%22x%22&a=%3Cb%3E' },
        { type: 'bold', offset: 0, length: 9 },
      ],
    });
  });

  it('cuts with an ellipsis, never between the two halves of an emoji', () => {
    expect(cut('abcdef', 10)).toBe('abcdef');
    expect(cut('abcdef', 4)).toBe('abc…');
    expect(cut('a🚀b', 3)).toBe('a…');
    expect(cut('ab  cd', 4)).toBe('ab…');
    expect(cut('abc', 0)).toBe('');
  });

  it('cleans control characters and lone surrogates, keeping newlines and tabs', () => {
    expect(cleanText('a\r\nb\rc\td\u0000e\u001bf\u007fg \ud83d h \ude80')).toBe('a\nb\nc\tdefg \ufffd h \ufffd');
    expect(cleanText('🚀 ok')).toBe('🚀 ok');
  });

  it('fits by cutting the lowest-ranked shrinkable piece first, counting newlines', () => {
    const lines: Line[] = [[{ text: 'head ' }, { text: 'title-title', shrink: 2 }], [{ text: 'x'.repeat(30), shrink: 1 }]];
    expect(visibleLength(lines)).toBe(16 + 1 + 30);
    const fitted = fit(lines, 40);
    expect(visibleLength(fitted)).toBe(40);
    expect(plainText(fitted)).toBe(`head title-title\n${'x'.repeat(22)}…`);
    // Not enough from the first: the next one gives the rest.
    expect(plainText(fit(lines, 10))).toBe('head ti…\n…');
    // The input is left as it was.
    expect(visibleLength(lines)).toBe(47);
  });
});
