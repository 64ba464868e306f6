import { composeRemove, composeUpServices } from '../host/compose-commands.js';
import { gate } from '../health/gate-step.js';
import type { HostContext } from '../pipeline/host-context.js';
import { startSharedServices } from './color-stack.js';
import type { ColorSwitch, SwitchOutcome } from './color-switch.js';
import { colorPortGate, throughNginxGate, warmColorGate } from './release-gates.js';
import { RolledBackError } from './rolled-back-error.js';
import { drain } from './steps/drain.js';
import { webhookStillServed } from './telegram-checks.js';
import { getWebhookInfo } from '../telegram/webhook-info.js';
import { UserError } from '../errors/user-error.js';
import { pointNginx } from './steps/point-nginx.js';

/**
 * Webhook mode: the idle color starts `next` beside the serving one and is gated on its own port;
 * only then nginx points at it. The old color drains and stops (or stays warm). Until the reload,
 * a failure touches nothing that serves; after it, nginx is pointed back.
 */
export async function webhookSwitch(ctx: HostContext, { config, next, previous, summary, commit, revert }: ColorSwitch, warm = false): Promise<SwitchOutcome> {
  const { session, log } = ctx;
  const { colorServices } = config;
  const newPort = config.ports[next.color];
  // Telegram's view before anything changes, to tell a new delivery error from an old one.
  const telegramBefore = config.telegram ? await getWebhookInfo(config.telegram) : undefined;
  await startSharedServices(ctx, next);
  // A rollback to a color kept warm is a flip: it is only gated again.
  const warmAndHealthy = warm && (await gate(ctx, warmColorGate(config, newPort, next.release.version), summary)).healthy;
  if (!warmAndHealthy) {
    await log.group(`Starting ${next.release.version} in ${next.color} (${next.colored.name}, port ${newPort})`, async () => {
      // Whatever ran in this color before (a warm old release, a failed attempt) gives way.
      await session.run(composeRemove(next.colored, colorServices), { what: `Clearing the ${next.color} color` });
      await session.run(composeUpServices(next.colored, colorServices), { what: `Starting ${next.release.version} in ${next.color}` });
    });
    const healthy = await gate(ctx, colorPortGate(config, newPort, next.release.version), summary);
    if (!healthy.healthy) {
      await session.run(composeRemove(next.colored, colorServices), { what: `Stopping the ${next.color} color`, allowFailure: true });
      // Rolled back means an older release serves; on a first deploy nothing does.
      if (!previous) throw new UserError(`${healthy.failure} ${next.release.version} never received traffic.`);
      throw new RolledBackError(`${healthy.failure} ${next.release.version} never received traffic: ${previous.release} still serves.`);
    }
  }

  await pointNginx(ctx, config.nginx, newPort);
  const reloaded = Date.now();
  if (config.nginx.checkUrl) {
    const through = await gate(ctx, throughNginxGate(config, config.nginx.checkUrl, next.release.version), summary);
    if (!through.healthy) {
      const why = `${next.release.version} passed on port ${newPort} but not through nginx at ${config.nginx.checkUrl.href} (${through.failure})`;
      if (!previous?.color) {
        // Nothing to go back to: the new color stays where nginx points, and the record says so.
        await commit();
        throw new UserError(`${why}; nginx points at it, as there is no old color to go back to: check the site's proxy_pass to upstream ${ctx.setup.app}.`);
      }
      await pointNginx(ctx, config.nginx, config.ports[previous.color]);
      await session.run(composeRemove(next.colored, colorServices), { what: `Stopping the ${next.color} color`, allowFailure: true });
      throw new RolledBackError(`${why}; nginx points at ${previous.release} again.`);
    }
  }
  await commit();
  const switchMs = Date.now() - reloaded;
  log.info(`${next.release.version} serves ${ctx.setup.app}'s traffic from the ${next.color} color`);

  let oldWarm = false;
  if (previous?.color) {
    const waited = await drain(ctx, config.ports[previous.color], config.drainMs);
    log.info(`The ${previous.color} color drained in ${waited} ms`);
    oldWarm = config.keepWarm;
  }
  // The old color, or the single project a recreate deploy ran, gives way to the colors.
  if (previous && !oldWarm) await session.run(composeRemove(previous.project, colorServices), { what: `Stopping ${previous.release}` });
  const unplugged = config.telegram && telegramBefore ? await webhookStillServed(config.telegram, telegramBefore) : undefined;
  if (unplugged && oldWarm && previous?.color) {
    await pointNginx(ctx, config.nginx, config.ports[previous.color]);
    await revert();
    await session.run(composeRemove(next.colored, colorServices), { what: `Stopping the ${next.color} color`, allowFailure: true });
    throw new RolledBackError(`${unplugged}; nginx points at ${previous.release} again.`);
  }
  if (unplugged) {
    throw new UserError(`${unplugged}. ${next.release.version} runs and nginx points at it: call setWebhook again and remove deleteWebhook from the bot's shutdown, or switch with keep-warm.`);
  }
  return { switchMs, oldWarm };
}
