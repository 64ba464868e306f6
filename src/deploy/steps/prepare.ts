import { composePull, composeRunOnce } from '../../host/compose-commands.js';
import { oneOffName } from '../../host/docker-commands.js';
import { publishRelease, removePaths } from '../../host/release-commands.js';
import type { HostContext } from '../../pipeline/host-context.js';
import type { RegistryLogin } from '../deploy-config.js';
import { releaseProject, type HostRelease } from '../host-release.js';
import type { StagedRelease } from './stage.js';
import { withRegistryLogin } from './with-registry-login.js';

export interface PrepareOptions {
  registry?: RegistryLogin;
  /** A one-off command (migrations) in a new container of `service`; '' for none. */
  preDeploy: string;
  service: string;
}

/**
 * Everything that can fail before the running release is touched: pull (logged in only for the
 * pull), pre-deploy, and only then the staged folder moves into place as releases/<version>.
 * On failure the staging folder is removed and the release folders are as they were.
 */
export async function prepare(ctx: HostContext, staged: StagedRelease, options: PrepareOptions): Promise<HostRelease> {
  return ctx.withLock(async () => {
    const { session, log, layout } = ctx;
    try {
      await withRegistryLogin(ctx, options.registry, (dockerConfig) =>
        log.group('Pulling images', () =>
          session.run(composePull({ ...staged.project, ...(dockerConfig ? { dockerConfig } : {}) }), { what: 'Pulling images' }),
        ),
      );
      if (options.preDeploy) await preDeploy(ctx, staged, options.service, options.preDeploy);
      // Replacing a release folder (perhaps the rollback target) is a change: only while the lock is still ours.
      await ctx.assertLockHeld();
      await session.run(publishRelease(layout, staged.staging, staged.version), { what: `Moving release ${staged.version} into place`, stream: false });
    } catch (error) {
      await session.run(removePaths([staged.staging]), { what: 'Removing the staging folder', stream: false, allowFailure: true }).catch(() => undefined);
      throw error;
    }
    const directory = layout.releaseDir(staged.version);
    log.info(`releases/${staged.version} is ready`);
    return { version: staged.version, record: staged.record, project: releaseProject(staged.project.flavor, ctx.setup.app, directory, { ...staged.record, version: staged.version }) };
  });
}

/** The one-off container is named for this run, so a timeout or a cancel stops it instead of leaving it running. */
async function preDeploy(ctx: HostContext, staged: StagedRelease, service: string, shellCommand: string): Promise<void> {
  const { session, log, host } = ctx;
  const container = oneOffName(ctx.setup.app, ctx.run.lockToken);
  ctx.env.journal.record({ kind: 'one-off', host, container });
  try {
    await log.group(`Running pre-deploy in a new ${service} container`, () =>
      session.run(composeRunOnce(staged.project, service, shellCommand, container), { what: 'The pre-deploy command' }),
    );
    ctx.env.journal.clear('one-off', host);
  } catch (error) {
    // Docker's daemon owns the container: killing the compose client left it running.
    await ctx.undo('one-off');
    throw error;
  }
}
