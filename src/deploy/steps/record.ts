import { activateRelease, appendDeployLog } from '../../host/release-commands.js';
import type { HostContext } from '../../pipeline/host-context.js';
import type { DeployState } from '../../pipeline/deploy-state.js';
import { messageOf } from '../../errors/message-of.js';

/** Writes state.json (which release is active, the history rollback walks) and keeps the context's view in step. */
export async function writeState(ctx: HostContext, state: DeployState): Promise<void> {
  await ctx.withLock(async () => {
    await ctx.session.writeFile(ctx.layout.state, `${JSON.stringify(state)}\n`, 0o644);
    ctx.updateHostApp({ ...(await ctx.hostApp()), state });
  });
}

/**
 * Points `current` at `version`. Later steps of the same run (a rollback after a failed soak) see
 * it without reading the host again, or they would take the release it replaced for the active one.
 */
export async function moveCurrent(ctx: HostContext, version: string): Promise<void> {
  await ctx.session.run(activateRelease(ctx.layout, version), { what: 'Moving current', stream: false });
  ctx.updateHostApp({ ...(await ctx.hostApp()), current: version });
}

export interface DeployLogEntry {
  action: string;
  version: string;
  result: 'success' | 'failure';
  durationMs: number;
  previous: string;
  strategy: string;
  error?: string;
}

/** The failure line of a run that threw `error`; the error goes on to fail the step. */
export function logDeployFailure(ctx: HostContext, entry: Omit<DeployLogEntry, 'result' | 'error'>, error: unknown): Promise<boolean> {
  return logDeploy(ctx, { ...entry, result: 'failure', error: messageOf(error) });
}

/**
 * Appends the run's JSON line to deploys.log. The deploy itself is decided by then, so a line that
 * cannot be written is a warning, never silent: returns whether it was written.
 */
export async function logDeploy(ctx: HostContext, entry: DeployLogEntry): Promise<boolean> {
  const { run } = ctx;
  const line = JSON.stringify({
    time: new Date().toISOString(),
    actor: run.actor,
    sha: run.sha,
    version: entry.version,
    action: entry.action,
    result: entry.result,
    duration_ms: entry.durationMs,
    previous: entry.previous,
    strategy: entry.strategy,
    run_url: run.runUrl,
    ...(entry.error ? { error: entry.error } : {}),
  });
  try {
    await ctx.session.run(appendDeployLog(ctx.layout), { what: `Appending to ${ctx.layout.deployLog}`, stdin: `${line}\n`, stream: false });
    return true;
  } catch (error) {
    ctx.log.warning(`The ${entry.result} of this ${entry.action} is not in ${ctx.layout.deployLog} on ${ctx.host}: ${messageOf(error)}`);
    return false;
  }
}
