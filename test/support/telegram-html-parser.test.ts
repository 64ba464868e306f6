import { parseTelegramHtml } from './telegram-html-parser.js';

const error = (html: string): string => {
  try {
    parseTelegramHtml(html);
  } catch (thrown) {
    return (thrown as Error).message;
  }
  throw new Error(`${html} parsed`);
};

// Cases from tdlib's own tests (test/message_entities.cpp, parse_html): the same words and byte offsets.
describe('parseTelegramHtml refuses what Telegram refuses', () => {
  it.each([
    ['🏟 🏟&lt;<abacaba', 'Unclosed start tag at byte offset 13'],
    ['🏟 🏟&lt;<abac aba>', 'Unsupported start tag "abac" at byte offset 13'],
    ['🏟 🏟&lt;<i   =aba>', 'Empty attribute name in the tag "i" at byte offset 13'],
    ['🏟 🏟&lt;<i    aba>', 'Can\'t find end tag corresponding to start tag "i"'],
    ['🏟 🏟&lt;<i    aba  =  ', 'Unclosed start tag "i" at byte offset 13'],
    ['🏟 🏟&lt;<i    aba  =  190azAz-.,', 'Unexpected end of name token at byte offset 27'],
    ['🏟 🏟&lt;<i    aba  =  "&lt;&gt;&quot;>', 'Unclosed start tag at byte offset 13'],
    ['🏟 🏟&lt;</', 'Unexpected end tag at byte offset 13'],
    ['🏟 🏟&lt;<b></b></', 'Unexpected end tag at byte offset 20'],
    ['🏟 🏟&lt;<i>a</i   ', 'Unclosed end tag at byte offset 17'],
    ['🏟 🏟&lt;<i>a</em   >', 'Unmatched end tag at byte offset 17, expected "</i>", found "</em>"'],
    ['&#57311;', 'Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units'],
    // What unescaped commit messages do to the usual notification scripts.
    ['Fix <script>alert(1)</script>', 'Unsupported start tag "script" at byte offset 4'],
    ['if a < b then', 'Unsupported start tag "" at byte offset 5'],
    ['<b>deploy</b> fixes </b>', 'Unexpected end tag at byte offset 20'],
    ['<b>Merge <user@example.com></b>', 'Unsupported start tag "user@example.com" at byte offset 9'],
    ['<span>x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'],
  ])('%j: %s', (html, message) => {
    expect(error(html)).toBe(message);
  });
});

describe('parseTelegramHtml reads what Telegram reads', () => {
  it('decodes the four named entities and numeric ones, and leaves any other & as it is', () => {
    expect(parseTelegramHtml('&ge;&lt;&gt;&amp;&quot;&laquo;&raquo;&#12345678;')).toEqual({ text: '&ge;<>&"&laquo;&raquo;&#12345678;', entities: [] });
    expect(parseTelegramHtml('a & b &#x1F680; &#128640')).toEqual({ text: 'a & b 🚀 🚀', entities: [] });
  });

  it('counts entity offsets in UTF-16 code units, nested entities included', () => {
    expect(parseTelegramHtml('🏟 🏟<i>🏟 &gt;<b aba   =   caba>&lt🏟</b></i>')).toEqual({
      text: '🏟 🏟🏟 ><🏟',
      entities: [
        { type: 'italic', offset: 5, length: 7 },
        { type: 'bold', offset: 9, length: 3 },
      ],
    });
    expect(parseTelegramHtml('🏟 🏟&lt;<i    aba  =  \'&lt;&gt;&quot;\'>a</>').entities).toEqual([{ type: 'italic', offset: 6, length: 1 }]);
  });

  it('makes links of href or the link text, and drops what is no link', () => {
    expect(parseTelegramHtml('<a href=telegram.org> </a>').entities).toEqual([{ type: 'text_link', offset: 0, length: 1, url: 'http://telegram.org/' }]);
    expect(parseTelegramHtml("<a   href=  'telegram.org?&lt;'   > </a>").entities).toEqual([{ type: 'text_link', offset: 0, length: 1, url: 'http://telegram.org/?%3C' }]);
    expect(parseTelegramHtml('<a>telegram.org</a>').entities).toEqual([{ type: 'text_link', offset: 0, length: 12, url: 'http://telegram.org/' }]);
    expect(parseTelegramHtml('<a>telegram.org </a>').entities).toEqual([]);
    expect(parseTelegramHtml('<a href="https://github.com/acme/bot/commit/0123456?a=1&amp;b=&quot;2&quot;">0123456</a>').entities).toEqual([
      { type: 'text_link', offset: 0, length: 7, url: 'https://github.com/acme/bot/commit/0123456?a=1&b=%222%22' },
    ]);
  });

  it('joins pre and code with a language into one pre entity, as tdlib does', () => {
    expect(parseTelegramHtml('🏟 🏟&lt;<pre><code class="language-fift">🏟 🏟&lt;</></>').entities).toEqual([{ type: 'pre', offset: 6, length: 6, language: 'fift' }]);
    expect(parseTelegramHtml('🏟 🏟&lt;<code class="language-fift"><pre>🏟 🏟&lt;</></>').entities).toEqual([{ type: 'pre', offset: 6, length: 6, language: 'fift' }]);
    expect(parseTelegramHtml('🏟 🏟&lt;<pre><code>🏟 🏟&lt;</code></>').entities).toEqual([
      { type: 'pre', offset: 6, length: 6 },
      { type: 'code', offset: 6, length: 6 },
    ]);
  });

  it('knows every tag of the Bot API documentation, and no entity for an empty one', () => {
    const html =
      '<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>t</strike><del>d</del>' +
      '<span class="tg-spoiler">p</span><tg-spoiler>q</tg-spoiler><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>' +
      '<code>c</code><pre>p</pre><blockquote>q</blockquote><blockquote expandable>x</blockquote><b></b>';
    expect(parseTelegramHtml(html).entities.map((entity) => entity.type)).toEqual([
      'bold', 'bold', 'italic', 'italic', 'underline', 'underline', 'strikethrough', 'strikethrough', 'strikethrough',
      'spoiler', 'spoiler', 'custom_emoji', 'code', 'pre', 'blockquote', 'expandable_blockquote',
    ]);
  });
});
