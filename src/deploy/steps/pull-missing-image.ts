import { parse as parseYaml } from 'yaml';
import { composeConfig, composePull } from '../../host/compose-commands.js';
import { listMissingImages } from '../../host/docker-commands.js';
import type { HostContext } from '../../pipeline/host-context.js';
import type { RegistryLogin } from '../deploy-config.js';
import type { HostRelease } from '../host-release.js';
import { withRegistryLogin } from './with-registry-login.js';

/**
 * Before a rollback starts a release already on the host: pulls the images it names that are no
 * longer there (pruned with another app's release, removed by hand), logged in as a deploy's pull
 * is, since `compose up` would pull them itself without the login and fail on a private registry.
 * Only the services whose image is missing are pulled, so nothing else the release runs changes.
 * Returns those services.
 */
export async function pullMissingImages(ctx: HostContext, release: HostRelease, registry: RegistryLogin | undefined): Promise<string[]> {
  return ctx.withLock(async () => {
    const { session, log, host } = ctx;
    // Not streamed: the resolved config holds the release's .env values.
    const config = await session.run(composeConfig(release.project), { what: `Reading the compose files of ${release.version}`, stream: false });
    const images = serviceImages(config.stdout);
    if (!images) {
      log.warning(`Could not read which images ${release.version} uses on ${host}; starting it without checking they are there.`);
      return [];
    }
    const listing = await session.run(listMissingImages([...new Set(images.map(({ image }) => image))]), { what: 'Looking for the images on the host', stream: false });
    const missing = new Set(listing.stdout.split('\n').filter(Boolean));
    const services = images.filter(({ image }) => missing.has(image)).map(({ service }) => service);
    if (services.length === 0) return [];
    log.info(`No longer on ${host}: ${[...missing].join(', ')}; pulling before starting ${release.version}.`);
    await withRegistryLogin(ctx, registry, (dockerConfig) =>
      log.group(`Pulling the missing images of ${release.version}`, () =>
        session.run(composePull({ ...release.project, ...(dockerConfig ? { dockerConfig } : {}) }, services), { what: 'Pulling images' }),
      ),
    );
    return services;
  });
}

/** The image of each service of `compose config`'s output (services that only build have none); undefined if it is not YAML. */
function serviceImages(configYaml: string): Array<{ service: string; image: string }> | undefined {
  let document: unknown;
  try {
    document = parseYaml(configYaml);
  } catch {
    return undefined;
  }
  const services = (document as { services?: Record<string, { image?: unknown } | null> } | null)?.services ?? {};
  return Object.entries(services).flatMap(([service, definition]) =>
    typeof definition?.image === 'string' && definition.image ? [{ service, image: definition.image }] : [],
  );
}
