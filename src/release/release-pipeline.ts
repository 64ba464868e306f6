import type { BackupConfig } from '../backup/backup-config.js';
import { composeDatabaseOn } from '../backup/database-session.js';
import { pgBackup } from '../backup/pg-backup.js';
import { switchHost } from '../blue-green/blue-green-switch.js';
import type { Color } from '../blue-green/colors.js';
import { soakGate } from '../blue-green/release-gates.js';
import { RolledBackError } from '../blue-green/rolled-back-error.js';
import { deployHost } from '../deploy/deploy-host.js';
import { messageOf } from '../errors/message-of.js';
import { UserError } from '../errors/user-error.js';
import { gate } from '../health/gate-step.js';
import { formatDuration } from '../inputs/duration.js';
import type { JobSummary } from '../log/job-summary.js';
import { acrossHosts } from '../pipeline/across-hosts.js';
import type { HostContext } from '../pipeline/host-context.js';
import type { PipelineEnv } from '../pipeline/host-pipeline.js';
import type { ReleaseConfig } from './release-config.js';
import type { ReleaseNotices } from './release-notices.js';

export type ReleaseStatus = 'success' | 'failure' | 'rolled-back';

/** What the run did on one host, filled in step by step so a failure still tells how far it got. */
export interface HostReport {
  host: string;
  backupKey?: string;
  /** The release that served before the run. */
  previousRelease: string;
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
 * connection and one hold of its deploy lock, backup (first host) → stage → switch → soak; a failure
 * after a switch rolls that host back, and every host before it. The notices frame the run: the
 * first says it started, the same message then says how it ended.
 */
export async function releasePipeline(config: ReleaseConfig, env: PipelineEnv, summary: JobSummary, notices: ReleaseNotices): Promise<ReleaseResult> {
  const started = Date.now();
  const target = config.switch.version;
  await notices.send('started', target || 'the previous release');
  const hosts: HostReport[] = [];
  const outcome = await acrossHosts(
    config.switch.targets,
    config.switch,
    env,
    async (ctx, index) => {
      const report: HostReport = { host: ctx.host, previousRelease: '', rolledBack: false };
      hosts.push(report);
      await releaseOnHost(ctx, config, env, summary, index, report);
      return report;
    },
    (ctx, report) => undoHost(ctx, config, summary, report),
  );
  const status: ReleaseStatus = !outcome.failure ? 'success' : outcome.failure.error instanceof RolledBackError ? 'rolled-back' : 'failure';
  const first = hosts[0];
  await notices.send(status, first?.release ?? target, first?.previousRelease ?? '');
  summary.section('bot-deploy', [
    ['Action', config.rollback ? `rollback to ${target || 'the previous release'}` : `deploy ${target}`],
    ...hosts.flatMap(hostRows),
    ['Result', outcome.failure ? `${status} on ${outcome.failure.host}: ${messageOf(outcome.failure.error)}` : status],
    ['Duration', formatDuration(Date.now() - started)],
  ]);
  return { status, hosts, ...(outcome.failure ? { failure: outcome.failure } : {}), durationMs: Date.now() - started };
}

async function releaseOnHost(ctx: HostContext, config: ReleaseConfig, env: PipelineEnv, summary: JobSummary, index: number, report: HostReport): Promise<void> {
  if (index === 0 && config.backup) report.backupKey = await backupOn(ctx, config.backup, env, summary);
  if (config.stage) report.previousRelease = (await deployHost(ctx, config.stage)).previous;
  const switched = await switchHost(ctx, config.switch, summary).catch(async (error: unknown) => {
    // The switch put the old release back by itself: say what serves, as after a soak's rollback.
    if (error instanceof RolledBackError) {
      const { current, state } = await ctx.hostApp();
      Object.assign(report, { release: current, activeColor: state.color, rolledBack: true });
    }
    throw error;
  });
  Object.assign(report, { release: switched.release, activeColor: switched.activeColor, previousRelease: switched.previousRelease || report.previousRelease });
  if (config.rollback || config.soak.soakMs === 0) return;
  const soaked = await gate(ctx, soakGate(config.switch, switched.activeColor, switched.release, config.soak), summary);
  report.soak = soaked.healthy ? `passed (${formatDuration(config.soak.soakMs)})` : `failed: ${soaked.failure ?? 'unhealthy'}`;
  if (soaked.healthy) return;
  const why = `${switched.release} failed its soak on ${ctx.host} (${(soaked.failure ?? 'unhealthy').replace(/\.$/, '')})`;
  try {
    await switchBack(ctx, config, summary, report);
  } catch (error) {
    throw new UserError(`${why}, and switching back failed too: ${messageOf(error)}`);
  }
  throw new RolledBackError(`${why}; ${report.release} serves again.`);
}

/** The dump of the database the release is about to run against, over this host's connection when it is the stack's own. */
async function backupOn(ctx: HostContext, backup: BackupConfig, env: PipelineEnv, summary: JobSummary): Promise<string> {
  const database = backup.source?.kind === 'compose' ? composeDatabaseOn(ctx, backup.source) : undefined;
  const result = await pgBackup(backup, env, summary, database);
  return result.mode === 'backup' ? result.manifest.key : '';
}

/** Back to the release that served before. */
async function switchBack(ctx: HostContext, config: ReleaseConfig, summary: JobSummary, report: HostReport): Promise<void> {
  const back = await switchHost(ctx, config.switchBack, summary);
  Object.assign(report, { release: back.release, activeColor: back.activeColor, rolledBack: true });
}

/** A later host failed: this one goes back too, so the fleet serves one release. */
async function undoHost(ctx: HostContext, config: ReleaseConfig, summary: JobSummary, report: HostReport): Promise<void> {
  if (config.rollback || report.release === undefined) return;
  try {
    await switchBack(ctx, config, summary, report);
  } catch (error) {
    ctx.log.warning(`Could not roll ${ctx.host} back after a later host failed (${messageOf(error).replace(/\.$/, '')}); it still serves ${report.release}.`);
  }
}

function hostRows(report: HostReport): Array<[string, string]> {
  return [
    ['Host', report.host],
    ...(report.backupKey ? ([['Backup', report.backupKey]] as Array<[string, string]>) : []),
    ['Previous release', report.previousRelease || '(none)'],
    ...(report.soak ? ([['Soak', report.soak]] as Array<[string, string]>) : []),
    ['Serving', report.release ? `${report.release}${report.activeColor ? ` (${report.activeColor})` : ''}${report.rolledBack ? ', rolled back' : ''}` : '(unchanged)'],
  ];
}
