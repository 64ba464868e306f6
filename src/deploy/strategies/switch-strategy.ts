import type { HostContext } from '../../pipeline/host-context.js';
import type { HostRelease } from '../host-release.js';

/**
 * How a release replaces the running one on a host (setup-node's installer-factory over
 * BaseDistribution is the model): one implementation per file, chosen by `switchStrategy`.
 */
export interface SwitchStrategy {
  readonly name: string;
  /** Starts `next`, retiring `previous` (the release `current` points to) as the strategy says. */
  activate(ctx: HostContext, next: HostRelease, previous: HostRelease | undefined): Promise<void>;
  /** The services of the running release `activate` stops before starting `next` (none, or some, or 'all'). */
  stops(next: HostRelease): string[] | 'all';
  /** Brings `previous` back after `activate` failed part-way. */
  restore(ctx: HostContext, previous: HostRelease): Promise<void>;
}
