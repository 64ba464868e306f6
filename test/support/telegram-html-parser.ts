import type { MessageEntity } from './telegram-bot-api-types.js';

/**
 * The Bot API's HTML parse mode as the reference server parses it (tdlib's parse_html, td/telegram/MessageEntity.cpp),
 * step by step over the UTF-8 bytes, so the stand-in refuses what Telegram refuses, with the same words and byte offsets:
 * an unescaped `<` starts a tag, only Telegram's tags are allowed, every tag must be closed in order. A `&` that starts
 * none of &lt; &gt; &amp; &quot; or a numeric reference stays a plain `&`, as on Telegram.
 * Not modelled: tg-time produces no entity, and links are checked loosely (http, https, tg or a bare domain).
 */
export function parseTelegramHtml(html: string): { text: string; entities: MessageEntity[] } {
  const bytes = Buffer.from(html, 'utf8');
  const at = (i: number): number => (i < bytes.length ? (bytes[i] as number) : 0);
  const slice = (from: number, to: number): string => bytes.subarray(from, to).toString('utf8');
  const out: number[] = [];
  const entities: MessageEntity[] = [];
  const nested: Array<{ tag: string; argument: string; offset: number; outBegin: number }> = [];
  let utf16 = 0;
  let surrogateHalf = false;

  for (let i = 0; i < bytes.length; i++) {
    const c = at(i);
    if (c === AMP) {
      const decoded = decodeEntity(at, i);
      if (decoded) {
        utf16 += decoded.code > 0xffff ? 2 : 1;
        if (decoded.code >= 0xd800 && decoded.code <= 0xdfff) surrogateHalf = true;
        out.push(...utf8Of(decoded.code));
        i = decoded.end - 1;
        continue;
      }
    }
    if (c !== LT) {
      if ((c & 0xc0) !== 0x80) utf16 += c >= 0xf0 ? 2 : 1;
      out.push(c);
      continue;
    }

    const begin = i++;
    if (at(i) !== SLASH) {
      while (!isSpace(at(i)) && at(i) !== GT) i++;
      if (at(i) === 0) throw new HtmlError(`Unclosed start tag at byte offset ${begin}`);
      const tag = slice(begin + 1, i).toLowerCase();
      if (!TAGS.has(tag)) throw new HtmlError(`Unsupported start tag "${tag}" at byte offset ${begin}`);

      let argument = '';
      while (at(i) !== GT) {
        while (at(i) !== 0 && isSpace(at(i))) i++;
        if (at(i) === GT) break;
        const nameBegin = i;
        while (!isSpace(at(i)) && ![EQ, GT, SLASH, DQUOTE, SQUOTE].includes(at(i))) i++;
        const name = slice(nameBegin, i);
        if (name === '') throw new HtmlError(`Empty attribute name in the tag "${tag}" at byte offset ${begin}`);
        while (at(i) !== 0 && isSpace(at(i))) i++;
        if (at(i) !== EQ) {
          if (at(i) === 0) throw new HtmlError(`Unclosed start tag "${tag}" at byte offset ${begin}`);
          if (tag === 'blockquote' && name === 'expandable') argument = '1';
          continue;
        }
        i++;
        while (at(i) !== 0 && isSpace(at(i))) i++;
        if (at(i) === 0) throw new HtmlError(`Unclosed start tag "${tag}" at byte offset ${begin}`);

        let value: string;
        if (at(i) !== SQUOTE && at(i) !== DQUOTE) {
          // A name token: letters, digits, periods or hyphens, case-insensitive.
          const tokenBegin = i;
          while (isAlnum(at(i)) || at(i) === DOT || at(i) === DASH) i++;
          value = slice(tokenBegin, i).toLowerCase();
          if (!isSpace(at(i)) && at(i) !== GT) throw new HtmlError(`Unexpected end of name token at byte offset ${tokenBegin}`);
        } else {
          const quote = at(i++);
          const valueBytes: number[] = [];
          while (at(i) !== quote && at(i) !== 0) {
            if (at(i) === AMP) {
              const decoded = decodeEntity(at, i);
              if (decoded) {
                valueBytes.push(...utf8Of(decoded.code));
                i = decoded.end;
                continue;
              }
            }
            valueBytes.push(at(i++));
          }
          if (at(i) === quote) i++;
          value = Buffer.from(valueBytes).toString('utf8');
        }
        if (at(i) === 0) throw new HtmlError(`Unclosed start tag at byte offset ${begin}`);

        if (tag === 'a' && name === 'href') argument = value;
        else if (tag === 'code' && name === 'class' && value.startsWith('language-')) argument = value.slice(9);
        else if (tag === 'span' && name === 'class' && value.startsWith('tg-')) argument = value.slice(3);
        else if (tag === 'tg-emoji' && name === 'emoji-id') argument = value;
        else if (tag === 'blockquote' && name === 'expandable') argument = '1';
      }
      if (tag === 'span' && argument !== 'spoiler') throw new HtmlError(`Tag "span" must have class "tg-spoiler" at byte offset ${begin}`);
      nested.push({ tag, argument, offset: utf16, outBegin: out.length });
    } else {
      if (nested.length === 0) throw new HtmlError(`Unexpected end tag at byte offset ${begin}`);
      while (!isSpace(at(i)) && at(i) !== GT) i++;
      const endTag = slice(begin + 2, i).toLowerCase();
      while (isSpace(at(i)) && at(i) !== 0) i++;
      if (at(i) !== GT) throw new HtmlError(`Unclosed end tag at byte offset ${begin}`);
      const open = nested.pop() as (typeof nested)[number];
      if (endTag !== '' && endTag !== open.tag) {
        throw new HtmlError(`Unmatched end tag at byte offset ${begin}, expected "</${open.tag}>", found "</${endTag}>"`);
      }
      if (utf16 > open.offset) {
        const inner = Buffer.from(out.slice(open.outBegin)).toString('utf8');
        const entity = entityOf(open.tag, open.argument, open.offset, utf16 - open.offset, inner, entities);
        if (entity) entities.push(entity);
      }
    }
  }
  if (nested.length > 0) throw new HtmlError(`Can't find end tag corresponding to start tag "${nested.at(-1)?.tag}"`);
  if (surrogateHalf) throw new HtmlError('Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units');
  // A language travels on a code entity only until its pre closes; the Bot API shows code without one.
  for (const entity of entities) if (entity.type === 'code') delete entity.language;
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length || priority(a) - priority(b));
  return { text: Buffer.from(out).toString('utf8'), entities };
}

/** Why Telegram refused the HTML; the Bot API answers "Bad Request: can't parse entities: <message>". */
export class HtmlError extends Error {
  override readonly name = 'HtmlError';
}

const AMP = 0x26;
const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const EQ = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const DOT = 0x2e;
const DASH = 0x2d;

const TAGS = new Set(['a', 'b', 'strong', 'i', 'em', 's', 'strike', 'del', 'u', 'ins', 'tg-spoiler', 'tg-emoji', 'tg-time', 'span', 'pre', 'code', 'blockquote']);

/** tdlib's sort_entities: by offset, longer first, then by a fixed rank of the types (MessageEntity::get_type_priority). */
function priority(entity: MessageEntity): number {
  if (entity.type === 'pre') return entity.language ? 10 : 11;
  const ranks: Record<MessageEntity['type'], number> = {
    blockquote: 0,
    expandable_blockquote: 0,
    code: 20,
    pre: 11,
    text_link: 49,
    bold: 90,
    italic: 91,
    underline: 92,
    strikethrough: 93,
    spoiler: 94,
    custom_emoji: 99,
  };
  return ranks[entity.type];
}

/** tdlib's is_space: the NUL that ends a C string counts as space, which is how a tag running into the end is caught. */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a || c === 0 || c === 0x0b;
}

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isAlnum(c: number): boolean {
  return isAlpha(c) || isDigit(c);
}

function hexValue(c: number): number | undefined {
  if (isDigit(c)) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return undefined;
}

/** &lt; &gt; &amp; &quot; or a numeric reference (the `;` is optional, as in tdlib); undefined leaves the `&` as text. */
function decodeEntity(at: (i: number) => number, pos: number): { code: number; end: number } | undefined {
  let end = pos + 1;
  let code = 0;
  if (at(pos + 1) === 0x23) {
    end++;
    if (at(pos + 2) === 0x78) {
      end++;
      for (let digit = hexValue(at(end)); digit !== undefined; digit = hexValue(at(end))) {
        code = code * 16 + digit;
        end++;
      }
    } else {
      while (isDigit(at(end))) code = code * 10 + (at(end++) - 0x30);
    }
    if (code === 0 || code >= 0x10ffff || end - pos >= 10) return undefined;
  } else {
    while (isAlpha(at(end))) end++;
    let name = '';
    for (let i = pos + 1; i < end; i++) name += String.fromCharCode(at(i));
    const named: Record<string, number> = { lt: 0x3c, gt: 0x3e, amp: 0x26, quot: 0x22 };
    const value = named[name];
    if (value === undefined) return undefined;
    code = value;
  }
  return { code, end: at(end) === 0x3b ? end + 1 : end };
}

/** The UTF-8 bytes of a code point, surrogate halves included (tdlib writes them, then refuses the text). */
function utf8Of(code: number): number[] {
  if (code < 0x80) return [code];
  if (code < 0x800) return [0xc0 | (code >> 6), 0x80 | (code & 0x3f)];
  if (code < 0x10000) return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)];
  return [0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)];
}

function entityOf(tag: string, argument: string, offset: number, length: number, inner: string, entities: MessageEntity[]): MessageEntity | undefined {
  switch (tag) {
    case 'i':
    case 'em':
      return { type: 'italic', offset, length };
    case 'b':
    case 'strong':
      return { type: 'bold', offset, length };
    case 's':
    case 'strike':
    case 'del':
      return { type: 'strikethrough', offset, length };
    case 'u':
    case 'ins':
      return { type: 'underline', offset, length };
    case 'tg-spoiler':
    case 'span':
      return { type: 'spoiler', offset, length };
    case 'tg-emoji':
      if (!/^\d+$/.test(argument) || BigInt(argument) === 0n) throw new HtmlError('Invalid custom emoji identifier specified');
      return { type: 'custom_emoji', offset, length, custom_emoji_id: argument };
    case 'tg-time':
      return undefined;
    case 'a': {
      const url = checkedLink(argument || inner);
      return url === undefined ? undefined : { type: 'text_link', offset, length, url };
    }
    case 'pre': {
      const last = entities.at(-1);
      if (last?.type === 'code' && last.offset === offset && last.length === length && last.language) {
        entities.pop();
        return { type: 'pre', offset, length, language: last.language };
      }
      return { type: 'pre', offset, length };
    }
    case 'code': {
      const last = entities.at(-1);
      if (last?.type === 'pre' && last.offset === offset && last.length === length && argument) {
        last.language = argument;
        return undefined;
      }
      return argument ? { type: 'code', offset, length, language: argument } : { type: 'code', offset, length };
    }
    case 'blockquote':
      return { type: argument ? 'expandable_blockquote' : 'blockquote', offset, length };
    default:
      throw new Error(`unreachable tag ${tag}`);
  }
}

/** A link Telegram would keep: http(s), tg:// or a bare domain (made http://); anything else makes no entity. */
function checkedLink(link: string): string | undefined {
  if (/\s/.test(link)) return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(link) ? link : `http://${link}`;
  try {
    const url = new URL(withScheme);
    if (url.protocol === 'tg:' || url.protocol === 'ton:') return url.href;
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.includes('.')) return url.href;
  } catch {
    // Not a link: Telegram drops the entity and keeps the text.
  }
  return undefined;
}
