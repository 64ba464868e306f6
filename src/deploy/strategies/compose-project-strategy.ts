import { composeUp } from '../../host/compose-commands.js';
import type { HostContext } from '../../pipeline/host-context.js';
import type { HostRelease } from '../host-release.js';
import type { SwitchStrategy } from './switch-strategy.js';

/** Strategies that run every release as the one compose project `<app>`: restoring is starting the previous one again. */
export abstract class ComposeProjectStrategy implements SwitchStrategy {
  abstract readonly name: string;
  abstract activate(ctx: HostContext, next: HostRelease, previous: HostRelease | undefined): Promise<void>;

  stops(_next: HostRelease): string[] | 'all' {
    return [];
  }

  async restore(ctx: HostContext, previous: HostRelease): Promise<void> {
    await ctx.session.run(composeUp(previous.project), { what: `Starting ${previous.version} again` });
  }

  protected async up(ctx: HostContext, release: HostRelease): Promise<void> {
    await ctx.session.run(composeUp(release.project), { what: `Starting ${release.version}` });
  }
}
