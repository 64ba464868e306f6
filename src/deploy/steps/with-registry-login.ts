import { dockerLogin, makeDockerConfigDir, privateDockerConfig, readUserDockerConfig } from '../../host/docker-commands.js';
import type { HostContext } from '../../pipeline/host-context.js';
import type { RegistryLogin } from '../deploy-config.js';

/**
 * Runs `work` logged in to the registry through a private Docker config, removed as soon as `work`
 * ends (and journaled, so the post step of a killed job removes it): the password stays on the
 * host for as short as possible. Without a registry, `work` runs with the user's own config.
 */
export async function withRegistryLogin<T>(ctx: HostContext, registry: RegistryLogin | undefined, work: (dockerConfig?: string) => Promise<T>): Promise<T> {
  if (!registry) return work();
  const { session, layout, log, host } = ctx;
  const dir = layout.dockerConfig(ctx.run.lockToken);
  ctx.env.journal.record({ kind: 'docker-auth', host, dir });
  try {
    await session.run(makeDockerConfigDir(dir), { what: 'Preparing a private docker config', stream: false });
    const userConfig = await session.run(readUserDockerConfig, { what: 'Reading the docker config', stream: false });
    await session.writeFile(`${dir}/config.json`, privateDockerConfig(userConfig.stdout), 0o600);
    // Quiet: docker's "credentials are stored unencrypted" warning is about ~/.docker, not this folder.
    await session.run(dockerLogin(registry.server, registry.username, dir), { what: `docker login to ${registry.server}`, stdin: registry.password, stream: false });
    log.info(`Logged in to ${registry.server} as ${registry.username}; the login lives in ${dir} (mode 0700, this deploy's only) and is removed right after use.`);
    return await work(dir);
  } finally {
    await ctx.undo('docker-auth');
  }
}
