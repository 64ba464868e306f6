import { UserError } from '../errors/user-error.js';
import { runningServiceContainers } from '../host/docker-commands.js';
import { onEachHost, type PipelineEnv } from '../pipeline/host-pipeline.js';
import type { HostContext } from '../pipeline/host-context.js';
import type { DatabaseSource } from './backup-config.js';
import { ContainerPg } from './container-pg.js';
import { LocalPg } from './local-pg.js';
import type { PgRunner } from './pg-runner.js';

/**
 * Runs `work` with the database's client tools. A compose database is reached over one SSH
 * connection and under the app's deploy lock, so no deploy (and no migration) runs beside a dump or
 * a restore; a URL's database needs neither.
 */
export async function withDatabase<T>(source: DatabaseSource, app: string, env: PipelineEnv, work: (pg: PgRunner) => Promise<T>): Promise<T> {
  if (source.kind === 'url') return work(new LocalPg(source.url));
  const setup = { app, appDir: source.appDir, lockTimeoutMs: source.lockTimeoutMs, lockStaleMs: source.lockStaleMs };
  const outcome = await onEachHost([source.target], setup, env, (ctx) =>
    ctx.withLock(async () => work(new ContainerPg(ctx.session, await databaseContainer(ctx, source.project, source.service), source.user, `compose service ${source.service} of ${source.project} on ${ctx.host}`))),
  );
  if (outcome.failure) throw outcome.failure.error;
  return outcome.results[0] as T;
}

async function databaseContainer(ctx: HostContext, project: string, service: string): Promise<string> {
  const ids = (await ctx.session.run(runningServiceContainers(project, service), { what: 'Finding the database container', stream: false })).stdout.split('\n').filter((id) => id !== '');
  if (ids.length === 0) {
    throw new UserError(`No running container of compose service ${service} in project ${project} on ${ctx.host}: check \`compose-service\` and \`compose-project\` (default: app), and that the stack is up.`);
  }
  if (ids.length > 1) throw new UserError(`Compose service ${service} of ${project} on ${ctx.host} runs ${ids.length} containers; a database service must run one.`);
  return ids[0] as string;
}
