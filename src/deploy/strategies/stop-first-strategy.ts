import { composeKill, composeStop } from '../../host/compose-commands.js';
import type { HostContext } from '../../pipeline/host-context.js';
import type { HostRelease } from '../host-release.js';
import { servicesToStop } from '../release-files.js';
import { ComposeProjectStrategy } from './compose-project-strategy.js';

/**
 * The old bot is fully stopped before the new one starts: two long-polling bots on one token make
 * Telegram answer 409 Conflict. Only `service`, or else the release's own services (those using
 * IMAGE or VERSION), stop, never the database.
 */
export class StopFirstStrategy extends ComposeProjectStrategy {
  readonly name = 'stop-first';

  constructor(private readonly service: string) {
    super();
  }

  override stops(next: HostRelease): string[] | 'all' {
    return servicesToStop(this.service, next.record);
  }

  async activate(ctx: HostContext, next: HostRelease, previous: HostRelease | undefined): Promise<void> {
    if (previous) {
      const stopping = this.stops(next);
      if (stopping === 'all' || stopping.length > 0) {
        ctx.log.info(`Stopping ${stopping === 'all' ? 'every service' : stopping.join(', ')} of ${previous.version} first`);
        try {
          await ctx.session.run(composeStop(previous.project, stopping), { what: `Stopping ${previous.version}` });
        } catch (error) {
          // Ends a stop the daemon would finish later, so the restore that follows is not undone by it.
          await ctx.session.run(composeKill(previous.project, stopping), { what: `Killing ${previous.version}`, allowFailure: true }).catch(() => undefined);
          throw error;
        }
      } else {
        ctx.log.info(`Nothing of ${previous.version} to stop first: no service uses \${IMAGE} or \${VERSION}.`);
      }
    }
    await this.up(ctx, next);
  }
}
