import { formatDuration } from '../inputs/duration.js';
import { oneLine } from '../log/one-line.js';
import type { AttemptReport, GateResult, GateSettings, TargetOutcome } from './gate.js';

/** Bodies go into one line of the log and the failure sentence: keep a readable start only. */
const BODY_PREVIEW_CHARS = 200;

// Reasons and bodies carry host and HTTP text: every line built here goes through oneLine.

/** One compact log line per attempt, e.g. `attempt 4 (2/3): 200 in 12ms` or `attempt 5: 503 in 8ms - expected status 200`. */
export function formatAttempt(report: AttemptReport, settings: GateSettings): string {
  const head = report.phase === 'soak' ? `soak attempt ${report.number}` : `attempt ${report.number}`;
  const progress = report.phase === 'wait' && report.ok ? ` (${report.streak}/${settings.successThreshold})` : '';
  const outcome = (target: TargetOutcome): string =>
    `${target.status} in ${Math.round(target.ms)}ms${target.ok ? '' : ` - ${target.reason ?? 'failed'}`}`;
  if (report.outcomes.length === 1 && report.outcomes[0]) return oneLine(`${head}${progress}: ${outcome(report.outcomes[0])}`);
  return oneLine(`${head}${progress}: ${report.outcomes.map((target) => `${target.label} ${outcome(target)}`).join('; ')}`);
}

/** The status the `last-status` output reports: the first failing target's, else the first target's. */
export function lastStatus(result: GateResult): string {
  const outcomes = result.last?.outcomes ?? [];
  return (outcomes.find((outcome) => !outcome.ok) ?? outcomes[0])?.status ?? '';
}

/** The one sentence a failed gate ends with: what, how long, how many attempts, what was seen and what to do. */
export function failureMessage(targets: string[], result: GateResult, settings: GateSettings): string {
  return oneLine(describeFailure(targets, result, settings));
}

function describeFailure(targets: string[], result: GateResult, settings: GateSettings): string {
  const what = targets.join(', ');
  const seen = describeFailures(result.lastFailure ?? result.last);
  if (result.failure === 'fatal') {
    return (
      `Health gate failed: ${what} crashed while the gate was checking (attempt ${result.attempts}, after ${formatDuration(result.elapsedMs)}); ${seen}. ` +
      'A release that crashes will not get healthy by waiting: fix what its log shows, or roll back.'
    );
  }
  if (result.failure === 'soak' && result.soak) {
    return (
      `Health gate failed: ${what} passed, then failed ${result.soak.failures} of ${result.soak.attempts} checks while soaking ` +
      `for ${formatDuration(settings.soakMs)} (more than max-failure-ratio ${settings.maxFailureRatio}); last failure: ${seen}. ` +
      'The release is unstable: read the app logs on the host and roll back.'
    );
  }
  return (
    `Health gate failed: ${what} did not pass ${settings.successThreshold} check${settings.successThreshold === 1 ? '' : 's'} in a row ` +
    `within ${formatDuration(settings.deadlineMs)} (${result.attempts} attempt${result.attempts === 1 ? '' : 's'}); last ${seen}. ` +
    'Read the app logs on the host (docker compose logs), or raise `deadline` if it needs longer to start.'
  );
}

const RESULT_TEXT: Record<NonNullable<GateResult['failure']>, string> = {
  deadline: 'not healthy before the deadline',
  soak: 'failed while soaking',
  fatal: 'crashed while checking',
};

/** Summary rows for the job summary. */
export function summaryRows(targets: string[], result: GateResult): Array<[string, string]> {
  return [
    [targets.length === 1 ? 'Target' : 'Targets', targets.join(', ')],
    ['Result', result.healthy ? 'healthy' : RESULT_TEXT[result.failure ?? 'deadline']],
    ['Attempts', String(result.attempts)],
    ['Elapsed', formatDuration(result.elapsedMs)],
    ...(result.passedAtMs === undefined ? [] : [['Passed after', formatDuration(result.passedAtMs)] as [string, string]]),
    ...(result.soak ? [['Soak failures', `${result.soak.failures} of ${result.soak.attempts}`] as [string, string]] : []),
    ['Last status', lastStatus(result) || '-'],
  ];
}

function describeFailures(report: AttemptReport | undefined): string {
  const failed = report?.outcomes.filter((outcome) => !outcome.ok) ?? [];
  if (failed.length === 0) return 'status unknown';
  const several = (report?.outcomes.length ?? 0) > 1;
  return failed
    .map((outcome) => {
      const body = outcome.body === undefined ? '' : `, body "${preview(outcome.body)}"`;
      return `${several ? `${outcome.label}: ` : ''}status ${outcome.status}${outcome.reason ? ` (${outcome.reason})` : ''}${body}`;
    })
    .join('; ');
}

/**
 * The body as it came, only cut: escaping or collapsing whitespace would change a secret in it
 * (a header value with two spaces, a token with a quote) so the runner's mask no longer matches it.
 */
function preview(body: string): string {
  const text = body.trim();
  if (text.length <= BODY_PREVIEW_CHARS) return text;
  // Cut only between tokens: half a secret is not matched by its mask and would be printed.
  const cut = text.slice(0, BODY_PREVIEW_CHARS);
  const boundary = Math.max(...[...cut.matchAll(TOKEN_BOUNDARY)].map((match) => match.index + 1), 0);
  return `${cut.slice(0, boundary)}...`;
}

/** Characters that cannot be inside a token, key or password as users paste them. */
const TOKEN_BOUNDARY = /[\s"',;{}[\]()<>]/g;
