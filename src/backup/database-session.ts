import { UserError } from '../errors/user-error.js';
import { runningServiceContainers } from '../host/docker-commands.js';
import { onEachHost, type PipelineEnv } from '../pipeline/host-pipeline.js';
import type { HostContext } from '../pipeline/host-context.js';
import type { ComposeSource, DatabaseSource } from './backup-config.js';
import { ContainerPg } from './container-pg.js';
import { LocalPg } from './local-pg.js';
import type { PgRunner } from './pg-runner.js';

/** Runs `work` with the database's client tools, however the database is reached. */
export type DatabaseAccess = <T>(work: (pg: PgRunner) => Promise<T>) => Promise<T>;

/**
 * The database of `source` on its own: a compose database over one SSH connection of its own and
 * under the app's deploy lock, so no deploy (and no migration) runs beside a dump or a restore; a
 * URL's database needs neither.
 */
export function databaseOf(source: DatabaseSource, app: string, env: PipelineEnv): DatabaseAccess {
  return async (work) => {
    if (source.kind === 'url') return work(new LocalPg(source.url));
    const setup = { app, appDir: source.appDir, lockTimeoutMs: source.lockTimeoutMs, lockStaleMs: source.lockStaleMs };
    const outcome = await onEachHost([source.target], setup, env, (ctx) => composeDatabaseOn(ctx, source)(work));
    if (outcome.failure) throw outcome.failure.error;
    return outcome.results[0] as Awaited<ReturnType<typeof work>>;
  };
}

/** A compose database on a host a pipeline already holds: its connection, under its (re-entrant) lock. */
export function composeDatabaseOn(ctx: HostContext, source: Pick<ComposeSource, 'project' | 'service' | 'user'>): DatabaseAccess {
  return (work) =>
    ctx.withLock(async () => work(new ContainerPg(ctx.session, await databaseContainer(ctx, source.project, source.service), source.user, `compose service ${source.service} of ${source.project} on ${ctx.host}`)));
}

async function databaseContainer(ctx: HostContext, project: string, service: string): Promise<string> {
  const ids = (await ctx.session.run(runningServiceContainers(project, service), { what: 'Finding the database container', stream: false })).stdout.split('\n').filter((id) => id !== '');
  if (ids.length === 0) {
    throw new UserError(`No running container of compose service ${service} in project ${project} on ${ctx.host}: check \`compose-service\` and \`compose-project\` (default: app), and that the stack is up.`);
  }
  if (ids.length > 1) throw new UserError(`Compose service ${service} of ${project} on ${ctx.host} runs ${ids.length} containers; a database service must run one.`);
  return ids[0] as string;
}
