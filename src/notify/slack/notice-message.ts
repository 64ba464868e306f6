import type { ContextBlock, HeaderBlock, KnownBlock, MrkdwnElement, SectionBlock } from '@slack/types';
import { formatDuration } from '../../inputs/duration.js';
import type { DeployNotice, NoticeStatus } from '../deploy-notice.js';
import { escapedWithin, mrkdwnLink, plainWithin } from './mrkdwn.js';

/** Slack's documented limits for what this message uses (Block Kit reference, chat.postMessage). */
export const SLACK_LIMITS = {
  /** A header block's plain_text. */
  header: 150,
  /** A section block's text. */
  sectionText: 3000,
  /** Each of a section block's fields, of which there may be 10. */
  sectionField: 2000,
  sectionFields: 10,
  /** A context block's elements. */
  contextElements: 10,
  /** Blocks in one message. */
  blocks: 50,
  /** The top-level `text`, beyond which Slack truncates or refuses (msg_too_long). */
  text: 40_000,
} as const;

/** What chat.postMessage, chat.update and an incoming webhook all take: blocks and their notification text. */
export interface SlackMessage {
  /** The fallback shown in notifications and by screen readers (mrkdwn, escaped). */
  text: string;
  blocks: KnownBlock[];
}

const STATUS: Record<NoticeStatus, { emoji: string; label: string }> = {
  started: { emoji: ':rocket:', label: 'deploying' },
  success: { emoji: ':white_check_mark:', label: 'deployed' },
  failure: { emoji: ':x:', label: 'deploy failed' },
  cancelled: { emoji: ':no_entry_sign:', label: 'deploy cancelled' },
  'rolled-back': { emoji: ':rewind:', label: 'rolled back' },
};

/**
 * The deploy notice as one Block Kit message: a header (what, where, how it went), the facts as
 * fields, the commit, the workflow's own text, and a context line linking the run. Every piece of
 * user or repository text is escaped and cut to its block's limit, so Slack never refuses the
 * message for what a commit message or an input contains.
 */
export function noticeMessage(notice: DeployNotice): SlackMessage {
  const headline = headlineOf(notice);
  const blocks: KnownBlock[] = [header(headline), factsSection(notice)];
  if (notice.commit) blocks.push(commitSection(notice.commit));
  if (notice.text) blocks.push(mrkdwnSection(escapedWithin(notice.text, SLACK_LIMITS.sectionText)));
  blocks.push(context(notice));
  return { text: escapedWithin(notice.text ? `${headline}\n${notice.text}` : headline, SLACK_LIMITS.text), blocks };
}

/** E.g. ":white_check_mark: sample-bot v1.2.3 → production: deployed" (raw text, escaped where it is used). */
function headlineOf(notice: DeployNotice): string {
  const { emoji, label } = STATUS[notice.status];
  const title = notice.title || notice.repository.split('/').pop() || notice.repository;
  const version = notice.version ? ` ${notice.version}` : '';
  const environment = notice.environment ? ` → ${notice.environment}` : '';
  return `${emoji} ${title}${version}${environment}: ${label}`;
}

function header(headline: string): HeaderBlock {
  // plain_text is shown as given: no mention or link is parsed in it, so it needs no escaping.
  return { type: 'header', text: { type: 'plain_text', text: plainWithin(oneLine(headline), SLACK_LIMITS.header), emoji: true } };
}

function factsSection(notice: DeployNotice): SectionBlock {
  const facts: Array<[string, string]> = [
    ['Status', `${STATUS[notice.status].emoji} ${notice.status}`],
    ['Environment', notice.environment],
    ['Version', notice.version],
    ['Previous release', notice.previousRelease],
    // A deploy that is only starting has no duration worth showing.
    ['Duration', notice.durationMs !== undefined && notice.status !== 'started' ? formatDuration(notice.durationMs) : ''],
    ['Actor', notice.actor],
  ];
  const fields = facts
    .filter(([, value]) => value !== '')
    .slice(0, SLACK_LIMITS.sectionFields)
    .map(([label, value]) => mrkdwn(`*${label}*\n${escapedWithin(value, SLACK_LIMITS.sectionField - label.length - 3)}`));
  return { type: 'section', fields };
}

function commitSection(commit: NonNullable<DeployNotice['commit']>): SectionBlock {
  const head = `*Commit* ${mrkdwnLink(commit.url, commit.sha.slice(0, 7))}`;
  const message = commit.message.trim();
  return mrkdwnSection(message ? `${head}\n${escapedWithin(message, SLACK_LIMITS.sectionText - head.length - 1)}` : head);
}

function context(notice: DeployNotice): ContextBlock {
  const elements: MrkdwnElement[] = [mrkdwn(escapedWithin(notice.repository, SLACK_LIMITS.sectionText))];
  if (notice.runUrl) elements.push(mrkdwn(mrkdwnLink(notice.runUrl, 'workflow run')));
  return { type: 'context', elements };
}

function mrkdwnSection(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(text) };
}

/**
 * verbatim: Slack then links nothing by itself (URLs, #channel names, some mentions) in what users
 * wrote; the links this message means are written out as `<url|label>`.
 */
function mrkdwn(text: string): MrkdwnElement {
  return { type: 'mrkdwn', text, verbatim: true };
}

/** A header is one line: Slack shows a newline in it as nothing useful. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}
