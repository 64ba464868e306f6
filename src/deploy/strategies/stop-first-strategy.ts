import { composeStop } from '../../host/compose-commands.js';
import type { HostContext } from '../../pipeline/host-context.js';
import type { HostRelease } from '../host-release.js';
import { ComposeProjectStrategy } from './compose-project-strategy.js';

/**
 * The old bot is fully stopped before the new one starts: two long-polling bots on one token make
 * Telegram answer 409 Conflict. Only the bot's service stops, never its database.
 */
export class StopFirstStrategy extends ComposeProjectStrategy {
  readonly name = 'stop-first';

  constructor(private readonly service: string) {
    super();
  }

  async activate(ctx: HostContext, next: HostRelease, previous: HostRelease | undefined): Promise<void> {
    if (previous) {
      await ctx.session.run(composeStop(previous.project, this.service || undefined), { what: `Stopping ${previous.version}` });
    }
    await this.up(ctx, next);
  }
}
