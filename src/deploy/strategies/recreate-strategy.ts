import type { HostContext } from '../../pipeline/host-context.js';
import type { HostRelease } from '../host-release.js';
import { ComposeProjectStrategy } from './compose-project-strategy.js';

/** `docker compose up -d`: compose recreates what changed and leaves unchanged containers alone. */
export class RecreateStrategy extends ComposeProjectStrategy {
  readonly name = 'recreate';

  async activate(ctx: HostContext, next: HostRelease): Promise<void> {
    await this.up(ctx, next);
  }
}
