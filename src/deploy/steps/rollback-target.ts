import type { HostContext } from '../../pipeline/host-context.js';
import { UserError } from '../../errors/user-error.js';
import { rollbackCandidate } from '../../pipeline/deploy-state.js';

/**
 * The release a rollback re-activates: `version` if given, else the previous release that went
 * live (a re-run of the same rollback run picks the same one). A release that never ran is never chosen.
 */
export async function rollbackTarget(ctx: HostContext, version: string): Promise<string> {
  return ctx.withLock(async () => {
    const app = await ctx.hostApp();
    const available = app.releases.map((r) => r.version);
    const listed = available.join(', ') || 'none';
    const target = version || rollbackCandidate(app.state, app.current, available, ctx.run.runUrl);
    if (!target) {
      throw new UserError(
        `There is no earlier successfully deployed release on ${ctx.host} to roll back to (${app.current ?? 'nothing'} is active; releases there: ${listed}): name one with \`version\`.`,
      );
    }
    if (!available.includes(target)) throw new UserError(`Release ${target} is not on ${ctx.host}, so it cannot be re-activated; releases there: ${listed}.`);
    return target;
  });
}
