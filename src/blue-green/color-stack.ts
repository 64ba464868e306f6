import { stringify as stringifyYaml } from 'yaml';
import { UserError } from '../errors/user-error.js';
import { compose, composeServiceNames, type ComposeProject } from '../host/compose-commands.js';
import type { HostContext } from '../pipeline/host-context.js';
import { hostRelease, type HostRelease } from '../deploy/host-release.js';
import type { ColorSlot } from '../deploy/release-files.js';
import { slotOf, type Color } from './colors.js';

/** The override of a color (`bot-deploy.blue.yml`, `bot-deploy.green.yml`) in the release folder. */
export const colorFile = (color: Color): string => `bot-deploy.${color}.yml`;

/**
 * A color's services get COLOR and HOST_PORT in their environment (whatever their env_file says)
 * and, when the stack has shared services, run on the shared project's network, where `db` and
 * `redis` answer by name.
 */
export function colorOverride(app: string, colorServices: string[], slot: ColorSlot, shared: boolean): string {
  const environment = { COLOR: slot.color, HOST_PORT: String(slot.port) };
  return stringifyYaml({
    // Only the shared network: every color service meets the others there, and one network to join keeps a start quick.
    services: Object.fromEntries(colorServices.map((service) => [service, { environment, ...(shared ? { networks: ['bot_deploy_shared'] } : {}) }])),
    ...(shared ? { networks: { bot_deploy_shared: { name: `${app}_default`, external: true } } } : {}),
  });
}

/** One release as blue-green runs it: its color's services in `<app>-<color>`, the rest of the stack in `<app>`. */
export interface ColorStack {
  color: Color;
  release: HostRelease;
  /** The color's project (`<app>-<color>`, with COLOR and HOST_PORT, joined to the shared network). */
  colored: ComposeProject;
  /** The shared project (`<app>`): database, Redis, whatever is not per color. */
  shared: ComposeProject;
  sharedServices: string[];
}

/**
 * Builds the two projects of `version` for `color`, writing the color override into the release
 * folder and asking compose for the services, so nothing is guessed from the YAML here.
 */
export async function colorStack(ctx: HostContext, version: string, color: Color, ports: Record<Color, number>, colorServices: string[]): Promise<ColorStack> {
  const release = await hostRelease(ctx, version);
  const names = await ctx.session.run(composeServiceNames(release.project), { what: `Reading the services of ${version}`, stream: false });
  const services = names.stdout.split('\n').map((line) => line.trim()).filter(Boolean);
  const missing = colorServices.filter((service) => !services.includes(service));
  if (missing.length > 0) {
    throw new UserError(`The compose files of ${version} declare no service ${missing.join(', ')} (they declare ${services.join(', ')}).`);
  }
  const sharedServices = services.filter((service) => !colorServices.includes(service));
  const slot = slotOf(color, ports);
  const colored = (await hostRelease(ctx, version, slot)).project;
  const override = `${colored.directory}/${colorFile(color)}`;
  await ctx.session.writeFile(override, colorOverride(ctx.setup.app, colorServices, slot, sharedServices.length > 0), 0o644);
  return {
    color,
    release,
    colored: { ...colored, files: [...colored.files, override] },
    shared: release.project,
    sharedServices,
  };
}

/**
 * Starts what the colors share (database, Redis) in project `<app>` when it does not run, and never
 * recreates it: a switch moves the bot, not the database (a relative bind mount or a variable that
 * differs between releases would otherwise look like a change). Changes to shared services go out
 * with ssh-deploy.
 */
export async function startSharedServices(ctx: HostContext, stack: ColorStack): Promise<void> {
  if (stack.sharedServices.length === 0) return;
  await ctx.log.group(`Starting the shared services (${stack.sharedServices.join(', ')}) in project ${stack.shared.name}`, () =>
    ctx.session.run(compose(stack.shared, 'up', '-d', '--no-recreate', ...stack.sharedServices), { what: 'Starting the shared services' }),
  );
}
