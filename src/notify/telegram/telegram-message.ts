import { formatDuration } from '../../inputs/duration.js';
import type { DeployNotice, NoticeStatus } from '../deploy-notice.js';
import { cleanText, cut, fit, renderHtml, type Line, type Piece } from './telegram-html.js';

const STATUS: Record<NoticeStatus, { emoji: string; phrase: (environment: string) => string }> = {
  started: { emoji: '🚀', phrase: (env) => (env ? `deploying to ${env}` : 'deploying') },
  success: { emoji: '✅', phrase: (env) => (env ? `deployed to ${env}` : 'deployed') },
  failure: { emoji: '❌', phrase: (env) => (env ? `deploy to ${env} failed` : 'deploy failed') },
  cancelled: { emoji: '⏹️', phrase: (env) => (env ? `deploy to ${env} cancelled` : 'deploy cancelled') },
  'rolled-back': { emoji: '↩️', phrase: (env) => (env ? `rolled back on ${env}` : 'rolled back') },
};

/** A one-line field (title, version, actor...) never needs more; longer is a mistake worth cutting, not a wall of text. */
const FIELD_MAX = 256;
/** The commit's first line: GitHub itself cuts a summary line at 72, a bit more keeps most of them whole. */
const COMMIT_LINE_MAX = 200;

/** What gets cut first when the message is too long for Telegram: the workflow's text, then the commit line, then the title. */
const SHRINK = { text: 1, commit: 2, title: 3 } as const;

/** The notice as Telegram HTML: fits Telegram's limit, every piece of user text escaped. */
export function telegramMessage(notice: DeployNotice): string {
  return renderHtml(telegramLines(notice));
}

/** The notice as lines of pieces, already fitted to Telegram's limit. */
export function telegramLines(notice: DeployNotice): Line[] {
  const { emoji, phrase } = STATUS[notice.status];
  const title = field(notice.title) || field(notice.repository.split('/').pop() ?? '') || 'deploy';
  const lines: Line[] = [[{ text: `${emoji} ` }, { text: title, style: 'b', shrink: SHRINK.title }, { text: ` · ${phrase(field(notice.environment))}` }]];

  const version = field(notice.version);
  if (version) lines.push([{ text: 'Version: ' }, { text: version, style: 'code' }]);
  const previous = field(notice.previousRelease);
  if (previous) lines.push([{ text: 'Previous: ' }, { text: previous, style: 'code' }]);

  if (notice.commit) {
    const subject = field(notice.commit.message.split('\n').find((line) => line.trim() !== '') ?? '', COMMIT_LINE_MAX);
    lines.push([
      { text: 'Commit: ' },
      { text: notice.commit.sha.slice(0, 7), style: 'code', href: notice.commit.url },
      ...(subject ? [{ text: ` ${subject}`, shrink: SHRINK.commit }] : []),
    ]);
  }

  const by: Piece[] = [{ text: 'By ' }, { text: field(notice.actor) || 'unknown', style: 'b' }];
  if (notice.runUrl) by.push({ text: ' · ' }, { text: 'workflow run', href: notice.runUrl });
  if (notice.durationMs !== undefined) by.push({ text: ` · ${notice.status === 'started' ? 'started' : 'took'} ${formatDuration(notice.durationMs)}${notice.status === 'started' ? ' ago' : ''}` });
  lines.push(by);

  const text = cleanText(notice.text).trim();
  if (text) lines.push([], [{ text, shrink: SHRINK.text }]);
  return fit(lines);
}

/** A one-line value: cleaned, its lines joined, cut to `max`. */
function field(value: string, max = FIELD_MAX): string {
  return cut(cleanText(value).replace(/\s*\n\s*/g, ' ').trim(), max);
}
