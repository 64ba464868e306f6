import { dockerRemoveImages } from '../../host/docker-commands.js';
import { removePaths } from '../../host/release-commands.js';
import type { HostContext } from '../../pipeline/host-context.js';
import { planPrune } from '../prune-plan.js';

export interface PruneResult {
  releases: string[];
  images: string[];
}

/**
 * Keeps `keep` release folders (never those in `protect`) and removes the others with the images
 * only they used. Best effort: the new release already runs, so what will not go is a warning.
 */
export async function prune(ctx: HostContext, keep: number, protect: Array<string | undefined>): Promise<PruneResult> {
  return ctx.withLock(async () => {
    const { log, session, layout, host } = ctx;
    try {
      const app = await ctx.hostApp();
      const plan = planPrune(app, keep, [app.state.active, app.state.previous, app.current, ...protect], app.state.history ?? []);
      if (plan.releases.length === 0) return { releases: [], images: [] };
      return await log.group(`Pruning ${plan.releases.length} old release(s)`, async () => {
        await session.run(removePaths(plan.releases.map((version) => layout.releaseDir(version))), { what: 'Removing old releases' });
        ctx.updateHostApp({ ...app, releases: app.releases.filter((r) => !plan.releases.includes(r.version)) });
        if (plan.images.length > 0) {
          const removal = await session.run(dockerRemoveImages(plan.images), { what: 'Removing old images', allowFailure: true });
          if (removal.code !== 0) log.warning(`Some old images on ${host} were kept (still in use or already gone).`);
        }
        return plan;
      });
    } catch (error) {
      log.warning(`Old releases on ${host} were not pruned (the deploy itself succeeded): ${error instanceof Error ? error.message : String(error)}`);
      return { releases: [], images: [] };
    }
  });
}
