import { readFileSync } from 'node:fs';
import type { RunInfo } from '../pipeline/run-info.js';

export const NOTICE_STATUSES = ['started', 'success', 'failure', 'cancelled', 'rolled-back'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

/** What every notification says about a deploy, whatever the channel (Slack, Telegram). */
export interface DeployNotice {
  status: NoticeStatus;
  environment: string;
  version: string;
  /** A headline of the workflow's own, e.g. "faceit-bot"; empty uses the repository's name. */
  title: string;
  /** More words of the workflow's own (plain text: each channel escapes it). */
  text: string;
  repository: string;
  actor: string;
  runUrl: string;
  commit?: { sha: string; message: string; url: string };
  previousRelease: string;
  /** Since the deploy started, when the workflow said when that was (`started-at`). */
  durationMs?: number;
}

/** What a workflow passes every notify action, beyond the channel's own settings. */
export interface NoticeInputs {
  status: NoticeStatus;
  environment: string;
  version: string;
  title: string;
  text: string;
  previousRelease: string;
  /** Epoch milliseconds the deploy started (an earlier notify step's `started-at` output). */
  startedAt?: number;
}

/**
 * The notice for this run: the workflow's inputs plus what the runner knows (repository, actor, run
 * link) and the pushed commit's message from the event payload, when the event has one.
 */
export function deployNotice(inputs: NoticeInputs, run: RunInfo, env: NodeJS.ProcessEnv, now: number): DeployNotice {
  const server = env.GITHUB_SERVER_URL || 'https://github.com';
  const commit = run.sha ? { sha: run.sha, message: commitMessage(env.GITHUB_EVENT_PATH), url: `${server}/${run.repository}/commit/${run.sha}` } : undefined;
  return {
    status: inputs.status,
    environment: inputs.environment,
    version: inputs.version,
    title: inputs.title,
    text: inputs.text,
    repository: run.repository,
    actor: run.actor,
    runUrl: run.runUrl,
    ...(commit ? { commit } : {}),
    previousRelease: inputs.previousRelease,
    ...(inputs.startedAt !== undefined ? { durationMs: Math.max(0, now - inputs.startedAt) } : {}),
  };
}

/** The pushed commit's message (push and tag events carry `head_commit`); '' for other events. */
function commitMessage(eventPath: string | undefined): string {
  if (!eventPath) return '';
  try {
    const event = JSON.parse(readFileSync(eventPath, 'utf8')) as { head_commit?: { message?: unknown } | null };
    return typeof event.head_commit?.message === 'string' ? event.head_commit.message : '';
  } catch {
    return '';
  }
}
