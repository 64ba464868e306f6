import type { ConnectOptions } from '../ssh/types.js';
import { HostContext, type HostSetup } from './host-context.js';
import type { HostsOutcome, PipelineEnv } from './host-pipeline.js';

/** A failure on one host, carried out of the nested holds with the host's name. */
class HostFailure extends Error {
  constructor(
    readonly host: string,
    readonly error: unknown,
  ) {
    super(host);
  }
}

/**
 * Runs a pipeline on one host after the other like onEachHost, but keeps every host's connection
 * and deploy lock until the last host is done: when a later host fails, `undo` runs on each earlier
 * one (latest first) while no other deploy can have slipped in, so the fleet ends on one release.
 * `undo` reports its own trouble: what failed first is what the run fails with.
 */
export async function acrossHosts<T>(
  targets: ConnectOptions[],
  setup: HostSetup,
  env: PipelineEnv,
  pipeline: (ctx: HostContext, index: number) => Promise<T>,
  undo: (ctx: HostContext, result: T) => Promise<void>,
): Promise<HostsOutcome<T>> {
  const results: T[] = [];
  const visit = async (index: number): Promise<void> => {
    const target = targets[index];
    if (!target) return;
    try {
      const session = await env.connect(target, env.log);
      try {
        const ctx = new HostContext(session, setup, env);
        await ctx.withLock(async () => {
          const result = await pipeline(ctx, index);
          results.push(result);
          try {
            await visit(index + 1);
          } catch (error) {
            await undo(ctx, result);
            throw error;
          }
        });
      } finally {
        await session.close();
      }
    } catch (error) {
      throw error instanceof HostFailure ? error : new HostFailure(target.host, error);
    }
  };
  try {
    await visit(0);
    return { results };
  } catch (error) {
    const failure = error as HostFailure;
    return { results, failure: { host: failure.host, error: failure.error } };
  }
}
