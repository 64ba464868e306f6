import { rollbackTarget } from '../deploy/steps/rollback-target.js';
import { logDeploy, logDeployFailure, moveCurrent, writeState } from '../deploy/steps/record.js';
import { UserError } from '../errors/user-error.js';
import { formatDuration } from '../inputs/duration.js';
import type { JobSummary } from '../log/job-summary.js';
import { afterDeploy, afterRollback, type DeployState } from '../pipeline/deploy-state.js';
import { runningContainersOf } from '../host/docker-commands.js';
import type { HostContext } from '../pipeline/host-context.js';
import { onEachHost, type PipelineEnv } from '../pipeline/host-pipeline.js';
import type { BlueGreenConfig } from './blue-green-config.js';
import { colorStack } from './color-stack.js';
import { COLORS, colorProject, otherColor, type Color } from './colors.js';
import { pollingHandover } from './polling-handover.js';
import { previousStack } from './previous-stack.js';
import { webhookSwitch } from './webhook-switch.js';
import { messageOf } from '../errors/message-of.js';

export interface BlueGreenHostResult {
  host: string;
  release: string;
  previousRelease: string;
  activeColor: Color;
  previousColor?: Color;
  switchMs: number;
  durationMs: number;
}

export interface BlueGreenResult {
  hosts: BlueGreenHostResult[];
  failure?: { host: string; error: unknown };
}

/** blue-green-switch on each host in turn, stopping at the first failure. */
export async function blueGreenSwitch(config: BlueGreenConfig, env: PipelineEnv, summary: JobSummary): Promise<BlueGreenResult> {
  const { results, failure } = await onEachHost(config.targets, config, env, (ctx) => switchHost(ctx, config, summary));
  summary.section('blue-green-switch', [
    ...results.flatMap((r): Array<[string, string]> => [
      ['Host', r.host],
      ['Mode', config.mode],
      ['Release', `${r.release} (${r.activeColor})`],
      ['Previous release', r.previousRelease ? `${r.previousRelease}${r.previousColor ? ` (${r.previousColor})` : ''}` : '(none)'],
      [config.mode === 'webhook' ? 'Reload to answering through nginx' : 'Handover gap', formatDuration(r.switchMs)],
      ['Duration', formatDuration(r.durationMs)],
      ['Result', 'success'],
    ]),
    ...(failure ? ([['Host', failure.host], ['Result', `failed: ${messageOf(failure.error)}`]] as Array<[string, string]>) : []),
  ]);
  return { hosts: results, ...(failure ? { failure } : {}) };
}

/**
 * After a failed switch, state.json must not claim a color still runs a release that the attempt
 * cleared (a warm old release the idle color gave up), or a later rollback would wait for it.
 */
async function forgetStoppedColors(ctx: HostContext, state: DeployState): Promise<void> {
  try {
    const colors = { ...state.colors };
    for (const color of COLORS) {
      if (!colors[color]) continue;
      const running = await ctx.session.run(runningContainersOf(colorProject(ctx.setup.app, color)), { what: `Looking at the ${color} color`, stream: false, allowFailure: true });
      if (running.code === 0 && running.stdout.trim() === '') delete colors[color];
    }
    if (Object.keys(colors).length !== Object.keys(state.colors ?? {}).length) await writeState(ctx, { ...state, colors });
  } catch (error) {
    ctx.log.warning(`Could not update ${ctx.layout.state} on ${ctx.host} after the failed switch: ${messageOf(error)}`);
  }
}

/**
 * One host under one hold of its lock: the staged release starts in the idle color (webhook) or
 * takes over from the old bot (polling); then state.json, `current` and deploys.log record it.
 */
export async function switchHost(ctx: HostContext, config: BlueGreenConfig, summary: JobSummary): Promise<BlueGreenHostResult> {
  const started = Date.now();
  const action = config.rollback ? 'rollback' : 'switch';
  return ctx.withLock(async () => {
    await ctx.compose();
    const before = await ctx.hostApp();
    let target = config.version;
    try {
      target = config.rollback ? await rollbackTarget(ctx, config.version) : config.version;
      if (!before.releases.some((r) => r.version === target)) {
        throw new UserError(`Release ${target} is not staged on ${ctx.host}: run ssh-deploy with \`strategy: none\` and this version first.`);
      }
      const serving = await previousStack(ctx, config.ports);
      // A re-run of the switch that made `target` active (or one cut off by a lost connection) converges on the same color.
      const again = serving?.color && serving.release === target ? serving.color : undefined;
      const previous = again ? undefined : serving;
      const color = again ?? (previous?.color ? otherColor(previous.color) : 'blue');
      const next = await colorStack(ctx, target, color, config.ports, config.colorServices);
      const available = before.releases.map((r) => r.version);
      const history = config.rollback
        ? afterRollback(before.state, before.current, target, available, ctx.run.runUrl, new Date())
        : afterDeploy(before.state, target, available, new Date());
      const colors = { ...before.state.colors, [color]: target };
      // Called the moment traffic (or polling) moved: a run that dies after it leaves state.json true.
      const commit = async (): Promise<void> => {
        await writeState(ctx, { ...history, color, colors });
        await moveCurrent(ctx, target);
      };
      const revert = async (): Promise<void> => {
        await writeState(ctx, before.state);
        if (before.current) await moveCurrent(ctx, before.current);
      };
      const plan = { config, next, previous, summary, commit, revert };
      const outcome =
        config.mode === 'webhook'
          ? await webhookSwitch(ctx, plan, again !== undefined || before.state.colors?.[color] === target)
          : await pollingHandover(ctx, plan, again !== undefined);
      // The old color stays in the record only while it is kept warm.
      if (previous?.color && !outcome.oldWarm) {
        delete colors[previous.color];
        await writeState(ctx, { ...history, color, colors });
      }
      const result: BlueGreenHostResult = {
        host: ctx.host,
        release: target,
        previousRelease: previous?.release ?? '',
        activeColor: color,
        ...(previous?.color ? { previousColor: previous.color } : {}),
        switchMs: outcome.switchMs,
        durationMs: Date.now() - started,
      };
      await logDeploy(ctx, { action, version: target, result: 'success', durationMs: result.durationMs, previous: result.previousRelease, strategy: `blue-green ${config.mode}` });
      return result;
    } catch (error) {
      await forgetStoppedColors(ctx, before.state);
      await logDeployFailure(ctx, { action, version: target, durationMs: Date.now() - started, previous: before.current ?? '', strategy: `blue-green ${config.mode}` }, error);
      throw error;
    }
  });
}
