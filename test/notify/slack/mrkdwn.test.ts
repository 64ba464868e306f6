import { escapedWithin, escapeMrkdwn, mrkdwnLink, plainWithin } from '../../../src/notify/slack/mrkdwn.js';

describe('escapeMrkdwn', () => {
  it('turns exactly &, < and > into entities, and nothing else', () => {
    expect(escapeMrkdwn('<!channel> <@U123> a & b "quotes" \'single\' *bold* 🚀\nnext')).toBe(
      '&lt;!channel&gt; &lt;@U123&gt; a &amp; b "quotes" \'single\' *bold* 🚀\nnext',
    );
  });

  it('escapes an entity already in the text again, so it shows as typed', () => {
    expect(escapeMrkdwn('&amp; &lt;')).toBe('&amp;amp; &amp;lt;');
  });
});

describe('escapedWithin', () => {
  it('leaves a text that fits whole', () => {
    expect(escapedWithin('a & b', 9)).toBe('a &amp; b');
  });

  it('never cuts an escape in half', () => {
    // "&&&&" escapes to 20 units; at every limit the result is whole entities plus the ellipsis.
    for (let max = 1; max < 20; max += 1) {
      const cut = escapedWithin('&&&&', max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut).toMatch(/^(&amp;)*…$/);
    }
  });

  it('never splits an emoji\'s surrogate pair', () => {
    const cut = escapedWithin('🚀'.repeat(10), 6);
    expect(cut).toBe('🚀🚀…');
    expect(cut.length).toBeLessThanOrEqual(6);
  });

  it('cuts a 10,000-character text to the limit, ending with an ellipsis', () => {
    const cut = escapedWithin('<x> & '.repeat(2000), 3000);
    expect(cut.length).toBeLessThanOrEqual(3000);
    expect(cut.length).toBeGreaterThan(2990);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut).not.toMatch(/[<>]/);
    expect(cut.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
  });
});

describe('plainWithin', () => {
  it('cuts plain text between characters without escaping it', () => {
    expect(plainWithin('a <b> & c', 100)).toBe('a <b> & c');
    expect(plainWithin('abcdef', 4)).toBe('abc…');
  });
});

describe('mrkdwnLink', () => {
  it('escapes the label and keeps a | or > in the URL from ending the link', () => {
    expect(mrkdwnLink('https://x.test/a?b=1&c=2|3>', '<run> & co')).toBe('<https://x.test/a?b=1&amp;c=2%7C3&gt;|&lt;run&gt; &amp; co>');
  });
});
