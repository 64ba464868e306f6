/**
 * Text for Telegram's HTML parse mode, built as styled pieces and rendered once at the end, so
 * every piece of user text (commit messages, titles, the workflow's text) is escaped exactly once
 * and no cut can ever land inside a tag or an entity like `&amp;`.
 */

/** A run of text with at most one style, optionally a link; `shrink` ranks what may be cut to fit (lowest first). */
export interface Piece {
  text: string;
  style?: 'b' | 'i' | 'code';
  href?: string;
  shrink?: number;
}

/** One line of the message; lines are joined with newlines. */
export type Line = Piece[];

/**
 * Telegram's limit for a message, after entity parsing: 4096 characters. Telegram counts code points;
 * this counts UTF-16 code units (an emoji counts 2), which is never fewer, so a text within it is
 * within Telegram's.
 */
export const MESSAGE_LIMIT = 4096;

/** The Bot API's HTML mode needs exactly these three escaped in text (core.telegram.org/bots/api#html-style). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** In an attribute value the quote ends the value, so it is escaped too (&quot; is one of the four entities Telegram knows). */
function escapeAttribute(text: string): string {
  return escapeHtml(text).replace(/"/g, '&quot;');
}

/**
 * Text as Telegram takes it: control characters other than newline and tab dropped (CRLF becomes a
 * newline), and a lone surrogate (half an emoji, cut by someone else) replaced, since Telegram
 * refuses text that is not valid UTF-8.
 */
export function cleanText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** At most `max` UTF-16 units of `text`, ending in … when cut; never splits a surrogate pair. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max - 1;
  if (end > 0 && /[\ud800-\udbff]/.test(text.charAt(end - 1))) end--;
  return `${text.slice(0, end).trimEnd()}…`;
}

/** The length Telegram sees: the text of every piece and the newlines between lines. */
export function visibleLength(lines: readonly Line[]): number {
  return lines.reduce((sum, line) => sum + line.reduce((width, piece) => width + piece.text.length, 0), Math.max(0, lines.length - 1));
}

/**
 * Cuts the shrinkable pieces, lowest `shrink` first, until the visible text fits `limit`; a piece
 * cut to nothing keeps a … so the reader sees something was there.
 */
export function fit(lines: readonly Line[], limit = MESSAGE_LIMIT): Line[] {
  const fitted = lines.map((line) => line.map((piece) => ({ ...piece })));
  const shrinkable = fitted
    .flat()
    .filter((piece) => piece.shrink !== undefined)
    .sort((a, b) => (a.shrink ?? 0) - (b.shrink ?? 0));
  for (const piece of shrinkable) {
    const excess = visibleLength(fitted) - limit;
    if (excess <= 0) break;
    piece.text = cut(piece.text, Math.max(1, piece.text.length - excess));
  }
  return fitted;
}

/** The HTML the Bot API parses back into exactly the pieces' text. */
export function renderHtml(lines: readonly Line[]): string {
  return lines.map((line) => line.map(renderPiece).join('')).join('\n');
}

function renderPiece(piece: Piece): string {
  if (piece.text === '') return '';
  let html = escapeHtml(piece.text);
  if (piece.style) html = `<${piece.style}>${html}</${piece.style}>`;
  if (piece.href) html = `<a href="${escapeAttribute(piece.href)}">${html}</a>`;
  return html;
}

/** The text Telegram shows for the pieces (what a test compares with the parsed message). */
export function plainText(lines: readonly Line[]): string {
  return lines.map((line) => line.map((piece) => piece.text).join('')).join('\n');
}
