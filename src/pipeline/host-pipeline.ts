import type { Log } from '../log/log.js';
import type { ConnectOptions, SshSession } from '../ssh/types.js';
import { HostContext, type HostSetup, type RunEnv } from './host-context.js';

export type Connect = (target: ConnectOptions, log: Log) => Promise<SshSession>;

export interface PipelineEnv extends RunEnv {
  connect: Connect;
}

/** What a pipeline did on each host it reached; `failure` names the host where it stopped. */
export interface HostsOutcome<T> {
  results: T[];
  failure?: { host: string; error: unknown };
}

/**
 * Runs a pipeline on one host after the other, one SSH connection and one host context each,
 * stopping at the first failure so a bad release never reaches the rest of the fleet.
 */
export async function onEachHost<T>(
  targets: ConnectOptions[],
  setup: HostSetup,
  env: PipelineEnv,
  pipeline: (ctx: HostContext) => Promise<T>,
): Promise<HostsOutcome<T>> {
  const results: T[] = [];
  for (const target of targets) {
    try {
      const session = await env.connect(target, env.log);
      try {
        results.push(await pipeline(new HostContext(session, setup, env)));
      } finally {
        await session.close();
      }
    } catch (error) {
      return { results, failure: { host: target.host, error } };
    }
  }
  return { results };
}
