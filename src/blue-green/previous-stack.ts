import { hostRelease } from '../deploy/host-release.js';
import type { ComposeProject } from '../host/compose-commands.js';
import type { HostContext } from '../pipeline/host-context.js';
import { colorFile } from './color-stack.js';
import { slotOf, type Color } from './colors.js';

/** What serves before a switch: a color, or the single project `<app>` a recreate/stop-first deploy left. */
export interface PreviousStack {
  release: string;
  color?: Color;
  project: ComposeProject;
}

/** The serving stack as state.json and `current` tell it, or undefined on a host that runs nothing yet. */
export async function previousStack(ctx: HostContext, ports: Record<Color, number>): Promise<PreviousStack | undefined> {
  const { state, current } = await ctx.hostApp();
  const color = state.color;
  const release = color ? state.colors?.[color] : undefined;
  if (color && release) {
    // The color's own override (COLOR, HOST_PORT, the shared network), as the switch that started it wrote it.
    const project = (await hostRelease(ctx, release, slotOf(color, ports))).project;
    return { release, color, project: { ...project, files: [...project.files, `${project.directory}/${colorFile(color)}`] } };
  }
  return current ? { release: current, project: (await hostRelease(ctx, current)).project } : undefined;
}
