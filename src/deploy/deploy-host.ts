import type { HostContext } from '../pipeline/host-context.js';
import type { HostApp } from '../pipeline/host-app.js';
import { deployAction, type DeployAction, type DeployConfig } from './deploy-config.js';
import { afterDeploy, afterRollback, type DeployState } from '../pipeline/deploy-state.js';
import { hostRelease, type HostRelease } from './host-release.js';
import { prepare } from './steps/prepare.js';
import { prune, type PruneResult } from './steps/prune.js';
import { pullMissingImages } from './steps/pull-missing-image.js';
import { logDeploy, logDeployFailure, writeState } from './steps/record.js';
import { rollbackTarget } from './steps/rollback-target.js';
import { stage } from './steps/stage.js';
import { switchTo } from './steps/switch.js';
import { switchStrategy } from './strategies/strategy-factory.js';

export interface HostDeployResult {
  host: string;
  action: DeployAction;
  release: string;
  previous: string;
  releaseDir: string;
  durationMs: number;
  pruned: PruneResult;
  /** Whether the run's line reached deploys.log. */
  logged: boolean;
}

/**
 * ssh-deploy's pipeline on one host, under one hold of its deploy lock: stage → prepare → switch →
 * state → prune → deploys.log (a rollback re-activates a release already there instead of the
 * first two).
 */
export async function deployHost(ctx: HostContext, config: DeployConfig): Promise<HostDeployResult> {
  const started = Date.now();
  const action = deployAction(config);
  return ctx.withLock(async () => {
    let target = config.version;
    let before: HostApp | undefined;
    try {
      // Detected before any step opens its log group (groups do not nest).
      await ctx.compose();
      before = await ctx.hostApp();
      const next = await nextRelease(ctx, config);
      target = next.version;
      const previous = before.current && before.current !== target ? await hostRelease(ctx, before.current) : undefined;
      if (action !== 'stage') {
        const strategy = switchStrategy(config.strategy === 'none' ? 'recreate' : config.strategy, { service: config.service });
        await switchTo(ctx, strategy, next, previous, config.rollback ? 'rollback' : strategy.name);
      }
      const state = nextState(action, before, await ctx.hostApp(), target, ctx.run.runUrl);
      await writeState(ctx, state);
      const pruned = await prune(ctx, config.keepReleases, [target]);
      const result = {
        host: ctx.host,
        action,
        release: target,
        previous: previous?.version ?? state.previous ?? '',
        releaseDir: ctx.layout.releaseDir(target),
        durationMs: Date.now() - started,
        pruned,
      };
      const logged = await logDeploy(ctx, { action, version: target, result: 'success', durationMs: result.durationMs, previous: result.previous, strategy: config.strategy });
      return { ...result, logged };
    } catch (error) {
      await logDeployFailure(ctx, { action, version: target, durationMs: Date.now() - started, previous: before?.current ?? '', strategy: config.strategy }, error);
      throw error;
    }
  });
}

/**
 * The release to run: staged and prepared from the inputs, or for a rollback the one already on
 * the host, with any of its images that are gone pulled again.
 */
async function nextRelease(ctx: HostContext, config: DeployConfig): Promise<HostRelease> {
  if (config.rollback) {
    const target = await hostRelease(ctx, await rollbackTarget(ctx, config.version));
    await pullMissingImages(ctx, target, config.registry);
    return target;
  }
  const staged = await stage(ctx, config);
  const ready = await prepare(ctx, staged, config);
  const app = await ctx.hostApp();
  ctx.updateHostApp({ ...app, releases: [...app.releases.filter((r) => r.version !== ready.version), { version: ready.version, record: ready.record }] });
  return ready;
}

function nextState(action: DeployAction, before: HostApp, now: HostApp, target: string, runUrl: string): DeployState {
  if (action === 'stage') return before.state;
  const available = now.releases.map((r) => r.version);
  return action === 'rollback'
    ? afterRollback(before.state, before.current, target, available, runUrl, new Date())
    : afterDeploy(before.state, target, available, new Date());
}
