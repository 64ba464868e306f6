import type { Color } from '../blue-green/colors.js';
import { soakGate } from '../blue-green/release-gates.js';
import { RolledBackError } from '../blue-green/rolled-back-error.js';
import { messageOf } from '../errors/message-of.js';
import { UserError } from '../errors/user-error.js';
import { formatDuration } from '../inputs/duration.js';
import type { JobSummary } from '../log/job-summary.js';
import { acrossHosts } from '../pipeline/across-hosts.js';
import type { HostApp } from '../pipeline/host-app.js';
import type { HostContext } from '../pipeline/host-context.js';
import type { PipelineEnv } from '../pipeline/host-pipeline.js';
import type { ReleaseConfig } from './release-config.js';
import type { ReleaseNotices } from './release-notices.js';
import { releaseSteps, type ReleaseSteps } from './release-steps.js';

export type ReleaseStatus = 'success' | 'failure' | 'rolled-back';

/** What the run did on one host, filled in step by step so a failure still tells how far it got. */
export interface HostReport {
  host: string;
  backupKey?: string;
  /** The release `current` named when the run took the host's lock: what a switch back returns to. */
  servedBefore?: string;
  /** The release and color serving now, once a switch (or a switch back) finished. */
  release?: string;
  activeColor?: Color;
  soak?: string;
  rolledBack: boolean;
}

export interface ReleaseResult {
  status: ReleaseStatus;
  hosts: HostReport[];
  failure?: { host: string; error: unknown };
  durationMs: number;
}

/**
 * The whole pipeline as one step (Kamal's deploy under one lock): on each host in turn, over one
 * connection and one hold of its deploy lock, backup (first host) → stage → switch → soak. A
 * failure once a host switched takes that host, and every host before it, back to what it served
 * before the run. The notices frame the run: the first says it started, the same message then says
 * how it ended.
 */
export async function releasePipeline(
  config: ReleaseConfig,
  env: PipelineEnv,
  summary: JobSummary,
  notices: Pick<ReleaseNotices, 'send'>,
  steps: ReleaseSteps = releaseSteps,
): Promise<ReleaseResult> {
  const started = Date.now();
  const target = config.switch.version;
  await notices.send({ status: 'started', version: target, text: config.rollback ? `Rollback to ${target || 'the previous release'}` : '' });
  const hosts: HostReport[] = [];
  const stuck: string[] = [];
  const outcome = await acrossHosts(
    config.switch.targets,
    config.switch,
    env,
    async (ctx, index) => {
      const report: HostReport = { host: ctx.host, rolledBack: false };
      hosts.push(report);
      await releaseOnHost(ctx, config, env, summary, steps, index === 0, report);
      return report;
    },
    async (ctx, report) => {
      if (!(await undoHost(ctx, config, summary, steps, report))) stuck.push(ctx.host);
    },
  );
  const status = statusOf(config, target, hosts, outcome.failure);
  const failure = outcome.failure && stuck.length > 0 ? { ...outcome.failure, error: new UserError(`${messageOf(outcome.failure.error).replace(/\.$/, '')}; switching back failed on ${stuck.join(', ')}, which still serve ${target}.`) } : outcome.failure;
  const first = hosts[0];
  await notices.send({
    status: config.rollback && status === 'success' ? 'rolled-back' : status,
    version: (config.rollback ? first?.release : target) ?? target,
    previousRelease: first?.servedBefore ?? '',
    text: failure ? messageOf(failure.error) : '',
  });
  summary.section('bot-deploy', [
    ['Action', config.rollback ? `rollback to ${target || 'the previous release'}` : `deploy ${target}`],
    ...hosts.flatMap(hostRows),
    ['Result', failure ? `${status} on ${failure.host}: ${messageOf(failure.error)}` : status],
    ['Duration', formatDuration(Date.now() - started)],
  ]);
  return { status, hosts, ...(failure ? { failure } : {}), durationMs: Date.now() - started };
}

/**
 * Rolled back: the run failed and no host serves the new release any more, after at least one
 * switched back; anything else that failed is a failure (some host may still serve it, or nothing
 * was ever switched).
 */
function statusOf(config: ReleaseConfig, target: string, hosts: HostReport[], failure: unknown): ReleaseStatus {
  if (!failure) return 'success';
  if (config.rollback) return 'failure';
  const rolledBack = hosts.some((report) => report.rolledBack) && hosts.every((report) => report.release !== target);
  return rolledBack ? 'rolled-back' : 'failure';
}

async function releaseOnHost(ctx: HostContext, config: ReleaseConfig, env: PipelineEnv, summary: JobSummary, steps: ReleaseSteps, first: boolean, report: HostReport): Promise<void> {
  const served = (await ctx.hostApp()).current;
  if (served) report.servedBefore = served;
  if (first && config.backup) report.backupKey = await steps.backup(ctx, config.backup, env, summary);
  if (config.stage) await steps.stage(ctx, config.stage);
  const switchTo = config.rollback ? { ...config.switch, version: await steps.rollbackTo(ctx, config.switch.version, config.registry) } : config.switch;
  const switched = await steps.switch(ctx, switchTo, summary).catch(async (error: unknown) => {
    throw await afterFailedSwitch(ctx, config, summary, steps, report, error);
  });
  Object.assign(report, { release: switched.release, activeColor: switched.activeColor });
  if (config.rollback || config.soak.soakMs === 0) return;
  const soaked = await steps.soak(ctx, soakGate(config.switch, switched.activeColor, switched.release, config.soak), summary);
  report.soak = soaked.healthy ? `passed (${formatDuration(config.soak.soakMs)})` : `failed: ${soaked.failure ?? 'unhealthy'}`;
  if (!soaked.healthy) throw await switchBackAfter(ctx, config, summary, steps, report, `${switched.release} failed its soak on ${ctx.host} (${(soaked.failure ?? 'unhealthy').replace(/\.$/, '')})`);
}

/**
 * The switch failed. One that put the old release back by itself says so (RolledBackError); one
 * that failed after recording the new release as current leaves it serving, so it is switched back.
 */
async function afterFailedSwitch(ctx: HostContext, config: ReleaseConfig, summary: JobSummary, steps: ReleaseSteps, report: HostReport, error: unknown): Promise<unknown> {
  let app: HostApp;
  try {
    app = await ctx.hostApp();
  } catch {
    return error;
  }
  const { current } = app;
  if (error instanceof RolledBackError) {
    Object.assign(report, { release: current, activeColor: app.state.color, rolledBack: true });
    return error;
  }
  if (config.rollback || current !== config.switch.version || current === report.servedBefore) return error;
  report.release = current;
  return switchBackAfter(ctx, config, summary, steps, report, messageOf(error).replace(/\.$/, ''));
}

/** Back to what served before the run, after `why`; returns the error the host fails with. */
async function switchBackAfter(ctx: HostContext, config: ReleaseConfig, summary: JobSummary, steps: ReleaseSteps, report: HostReport, why: string): Promise<Error> {
  if (!report.servedBefore || report.servedBefore === report.release) {
    return new UserError(`${why}; nothing served before this run${report.servedBefore ? ` but ${report.servedBefore} itself` : ''}, so there is nothing to switch back to.`);
  }
  try {
    await switchBack(ctx, config, summary, steps, report);
  } catch (error) {
    return new UserError(`${why}, and switching back to ${report.servedBefore} failed too: ${messageOf(error)}`);
  }
  return new RolledBackError(`${why}; ${report.release} serves again.`);
}

async function switchBack(ctx: HostContext, config: ReleaseConfig, summary: JobSummary, steps: ReleaseSteps, report: HostReport): Promise<void> {
  const back = await steps.switch(ctx, { ...config.switchBack, version: report.servedBefore ?? '' }, summary);
  Object.assign(report, { release: back.release, activeColor: back.activeColor, rolledBack: true });
}

/** A later host failed: this one goes back too, so the fleet serves one release. Returns false when it could not. */
async function undoHost(ctx: HostContext, config: ReleaseConfig, summary: JobSummary, steps: ReleaseSteps, report: HostReport): Promise<boolean> {
  if (config.rollback || !report.servedBefore || report.servedBefore === report.release) return true;
  try {
    await switchBack(ctx, config, summary, steps, report);
    return true;
  } catch (error) {
    ctx.log.warning(`Could not switch ${ctx.host} back to ${report.servedBefore} after a later host failed (${messageOf(error).replace(/\.$/, '')}); it still serves ${report.release}.`);
    return false;
  }
}

function hostRows(report: HostReport): Array<[string, string]> {
  return [
    ['Host', report.host],
    ...(report.backupKey ? ([['Backup', report.backupKey]] as Array<[string, string]>) : []),
    ['Served before', report.servedBefore ?? '(nothing)'],
    ...(report.soak ? ([['Soak', report.soak]] as Array<[string, string]>) : []),
    ['Serving', report.release ? `${report.release}${report.activeColor ? ` (${report.activeColor})` : ''}${report.rolledBack ? ', switched back' : ''}` : '(unchanged)'],
  ];
}
