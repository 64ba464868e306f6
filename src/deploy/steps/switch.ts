import type { HostContext } from '../../pipeline/host-context.js';
import { CommandError } from '../../ssh/command-error.js';
import type { HostRelease } from '../host-release.js';
import { moveCurrent } from './record.js';
import type { SwitchStrategy } from '../strategies/switch-strategy.js';
import { messageOf } from '../../errors/message-of.js';

export interface SwitchResult {
  release: string;
  /** The release that ran before, if any. */
  replaced?: string;
}

/**
 * Starts `next` by `strategy` and moves `current` to it, right after checking the lock is still
 * ours. Whatever fails once the running release was touched brings `previous` back.
 */
export async function switchTo(ctx: HostContext, strategy: SwitchStrategy, next: HostRelease, previous: HostRelease | undefined, label: string): Promise<SwitchResult> {
  return ctx.withLock(async () => {
    await ctx.assertLockHeld();
    const { log, host } = ctx;
    const { journal } = ctx.env;
    await log.group(`Starting ${next.version} (${label})`, async () => {
      // A run killed in the middle (a cancelled job) leaves the post step the restore it did not get to.
      if (previous) journal.record({ kind: 'restore', host, release: previous.version, project: previous.project, services: strategy.stops(next) });
      try {
        await strategy.activate(ctx, next, previous);
        await moveCurrent(ctx, next.version);
        journal.clear('restore', host);
      } catch (error) {
        if (!previous) throw error;
        log.warning(`${next.version} did not start on ${host}; starting ${previous.version} again.`);
        try {
          await strategy.restore(ctx, previous);
          journal.clear('restore', host);
        } catch (restoreError) {
          const reason = restoreError instanceof CommandError && restoreError.timedOut ? ' (timed out)' : restoreError instanceof CommandError ? ` (exit code ${restoreError.exitCode})` : '';
          throw new CommandError(
            `${messageOf(error).replace(/\.$/, '')}, and starting ${previous.version} again failed too${reason}: check what runs on ${host} now.`,
            error instanceof CommandError ? error.exitCode : 1,
          );
        }
        throw error;
      }
      log.info(`current -> releases/${next.version}`);
    });
    return { release: next.version, ...(previous ? { replaced: previous.version } : {}) };
  });
}

