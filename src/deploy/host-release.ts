import type { ComposeFlavor, ComposeProject } from '../host/compose-commands.js';
import type { HostContext } from '../pipeline/host-context.js';
import type { ReleaseRecord } from '../pipeline/host-app.js';
import { colorProject } from '../blue-green/colors.js';
import { LABELS_FILE, suiteVariables, type ColorSlot } from './release-files.js';

/** A release folder on a host and the compose project that runs it. */
export interface HostRelease {
  version: string;
  record: Partial<ReleaseRecord>;
  project: ComposeProject;
}

/**
 * The one builder of a release's compose project: named `<app>`, or `<app>-<color>` for a color of
 * blue-green, with the suite variables (APP, VERSION, IMAGE, then COLOR and HOST_PORT) set for
 * every compose command.
 */
export function releaseProject(
  flavor: ComposeFlavor,
  app: string,
  directory: string,
  record: Partial<ReleaseRecord> & { version: string },
  slot?: ColorSlot,
): ComposeProject {
  const files = [...(record.compose_files ?? ['compose.yml']), LABELS_FILE].map((name) => `${directory}/${name}`);
  return {
    flavor,
    name: slot ? colorProject(app, slot.color) : app,
    directory,
    files,
    envFile: `${directory}/.env`,
    variables: suiteVariables(app, record.version, record.image ?? '', slot),
  };
}

/** A release already in its folder on the host (the active one, a rollback target). */
export async function hostRelease(ctx: HostContext, version: string, slot?: ColorSlot): Promise<HostRelease> {
  const app = await ctx.hostApp();
  const record = { ...app.releases.find((r) => r.version === version)?.record, version };
  return { version, record, project: releaseProject(await ctx.compose(), ctx.setup.app, ctx.layout.releaseDir(version), record, slot) };
}
