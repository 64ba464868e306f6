import { dockerRemoveImages, listImageHolders } from '../../host/docker-commands.js';
import { removePaths } from '../../host/release-commands.js';
import type { HostContext } from '../../pipeline/host-context.js';
import { parseImageHolders, unheldImages } from '../image-holders.js';
import { planPrune } from '../prune-plan.js';
import { messageOf } from '../../errors/message-of.js';

export interface PruneResult {
  releases: string[];
  /** The images it removed (docker keeps any a container took up meanwhile). */
  images: string[];
}

/**
 * Keeps `keep` release folders (never those in `protect`) and removes the others with the images
 * only they used: never one a container or another release folder on the host, of any app, still
 * names (see image-holders.ts). Best effort: the new release already runs, so what will not go is a warning.
 */
export async function prune(ctx: HostContext, keep: number, protect: Array<string | undefined>): Promise<PruneResult> {
  return ctx.withLock(async () => {
    const { log, session, layout, host } = ctx;
    try {
      const app = await ctx.hostApp();
      // What a blue-green color runs (a warm old color is a rollback that is only a flip) stays too.
      const colors = Object.values(app.state.colors ?? {});
      const plan = planPrune(app, keep, [app.state.active, app.state.previous, app.current, ...colors, ...protect], app.state.history ?? []);
      if (plan.releases.length === 0) return { releases: [], images: [] };
      return await log.group(`Pruning ${plan.releases.length} old release(s)`, async () => {
        await session.run(removePaths(plan.releases.map((version) => layout.releaseDir(version))), { what: 'Removing old releases' });
        ctx.updateHostApp({ ...app, releases: app.releases.filter((r) => !plan.releases.includes(r.version)) });
        return { releases: plan.releases, images: plan.images.length > 0 ? await removeUnheldImages(ctx, plan.images) : [] };
      });
    } catch (error) {
      log.warning(`Old releases on ${host} were not pruned (the deploy itself succeeded): ${messageOf(error)}`);
      return { releases: [], images: [] };
    }
  });
}

/** Removes those of `candidates` nothing on the host still uses; returns them. */
async function removeUnheldImages(ctx: HostContext, candidates: string[]): Promise<string[]> {
  const { log, session, layout, host } = ctx;
  const listing = await session.run(listImageHolders(layout.appDir), { what: 'Listing what uses images', stream: false, allowFailure: true });
  if (listing.code !== 0) {
    log.warning(`Old images on ${host} were kept: docker could not list the containers that might use them.`);
    return [];
  }
  const images = unheldImages(candidates, parseImageHolders(listing.stdout));
  const held = candidates.filter((image) => !images.includes(image));
  if (held.length > 0) log.info(`Keeping ${held.join(', ')}: still used by a container or another release on ${host}.`);
  if (images.length > 0) {
    const removal = await session.run(dockerRemoveImages(images), { what: 'Removing old images', allowFailure: true });
    if (removal.code !== 0) log.warning(`Some old images on ${host} were kept (still in use or already gone).`);
  }
  return images;
}
