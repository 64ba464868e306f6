/**
 * Text for Slack, escaped the way Slack documents (formatting-message-text#escaping): `&`, `<` and `>`
 * are its control characters, so user text carries them as `&amp;`, `&lt;` and `&gt;` — and only
 * those, since Slack decodes nothing else. Escaped, `<!channel>` or `<@U123>` in a commit message is
 * shown as typed instead of pinging anyone.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/[&<>]/g, (char) => ESCAPES[char] ?? char);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

const ELLIPSIS = '…';

/**
 * `text` escaped, in at most `max` UTF-16 units (Slack's limits count characters; a UTF-16 unit count
 * is never lower). A longer text is cut between characters — never inside an escape or an emoji's
 * surrogate pair — and ends with `…`.
 */
export function escapedWithin(text: string, max: number): string {
  return within(text, max, escapeMrkdwn);
}

/** `text` unescaped (for plain_text), in at most `max` UTF-16 units, cut between characters with `…`. */
export function plainWithin(text: string, max: number): string {
  return within(text, max, (char) => char);
}

function within(text: string, max: number, encode: (char: string) => string): string {
  const whole = encode(text);
  if (whole.length <= max) return whole;
  let out = '';
  // Code point by code point, so a cut falls between whole characters and whole escapes.
  for (const char of text) {
    const encoded = encode(char);
    if (out.length + encoded.length > max - ELLIPSIS.length) break;
    out += encoded;
  }
  return out + ELLIPSIS;
}

/**
 * A mrkdwn link `<url|label>`. The label is escaped like any text; the URL too, and a `|` in it is
 * percent-encoded, so neither can end the link early or open a control sequence of its own.
 */
export function mrkdwnLink(url: string, label: string): string {
  return `<${escapeMrkdwn(url).replace(/\|/g, '%7C')}|${escapeMrkdwn(label)}>`;
}
