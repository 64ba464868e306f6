import { makeAppFolder, tidyReleasesDir } from '../../host/release-commands.js';
import type { HostContext } from '../../pipeline/host-context.js';
import type { ComposeSource } from '../deploy-config.js';
import { releaseProject, type HostRelease } from '../host-release.js';
import type { ReleaseRecord } from '../../pipeline/host-app.js';
import { labelsOverride, LABELS_FILE, releaseEnvFile, suiteVariables, type ComposeService } from '../release-files.js';

/** What a deploy ships: the release's name, image, compose files and .env text. */
export interface ReleaseSpec {
  version: string;
  image: string;
  composeFiles: ComposeSource[];
  services: ComposeService[];
  env: string;
}

/** A release uploaded to its staging folder, not yet a release folder (see publish in prepare). */
export interface StagedRelease extends HostRelease {
  staging: string;
}

/**
 * Uploads the release into a staging folder: compose files, the labels override, .env (0600) and
 * release.json. Nothing under releases/<version> changes until the release is ready.
 */
export async function stage(ctx: HostContext, spec: ReleaseSpec): Promise<StagedRelease> {
  return ctx.withLock(() =>
    ctx.log.group(`Uploading release ${spec.version} to ${ctx.host}`, async () => {
      const { session, layout, run } = ctx;
      await session.run(tidyReleasesDir(layout), { what: 'Removing staging folders of runs that died', stream: false });
      const staging = layout.stagingDir(run.lockToken);
      await session.run(makeAppFolder(layout, staging), { what: 'Creating the staging folder', stream: false });
      const record: ReleaseRecord = {
        version: spec.version,
        image: spec.image,
        sha: run.sha,
        actor: run.actor,
        time: new Date().toISOString(),
        compose_files: spec.composeFiles.map((file) => file.name),
        release_services: spec.services.filter((service) => service.versioned).map((service) => service.name),
      };
      for (const file of spec.composeFiles) await session.writeFile(`${staging}/${file.name}`, file.text, 0o644);
      await session.writeFile(`${staging}/${LABELS_FILE}`, labelsOverride(spec.services, ctx.setup.app, spec.version), 0o644);
      await session.writeFile(`${staging}/.env`, releaseEnvFile(spec.env, suiteVariables(ctx.setup.app, spec.version, spec.image)), 0o600);
      await session.writeFile(`${staging}/release.json`, `${JSON.stringify(record)}\n`, 0o644);
      ctx.log.info(`${staging}: ${record.compose_files.join(', ')}, ${LABELS_FILE}, .env (0600), release.json`);
      return { version: spec.version, record, staging, project: releaseProject(await ctx.compose(), ctx.setup.app, staging, record) };
    }),
  );
}
