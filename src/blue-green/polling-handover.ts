import { composeContainerIds, composeCreate, composeRemove, composeStart, stopThenStart } from '../host/compose-commands.js';
import { gate } from '../health/gate-step.js';
import type { HostContext } from '../pipeline/host-context.js';
import { startSharedServices } from './color-stack.js';
import { pollerGate } from './release-gates.js';
import { pollerConsumes } from './telegram-checks.js';
import { RolledBackError } from './rolled-back-error.js';
import { UserError } from '../errors/user-error.js';
import type { ColorSwitch, SwitchOutcome } from './color-switch.js';

/**
 * Polling mode: Telegram allows one getUpdates poller per token, so the old bot is fully stopped
 * before the new one starts — never two at once — and everything else happens before: the new
 * containers are created (pulled, configured) but not started. The new bot is then gated on
 * liveness; if it fails, it is stopped and the old one started again, still never two.
 */
export async function pollingHandover(ctx: HostContext, { config, next, previous, summary, commit }: ColorSwitch, alreadyActive = false): Promise<SwitchOutcome> {
  const { session, log, host } = ctx;
  const { colorServices } = config;
  const { journal } = ctx.env;
  if (alreadyActive) {
    // A re-run: the release already polls in this color; restarting it would only cost a gap.
    const live = await gate(ctx, pollerGate(config, next.colored.name, colorServices[0] ?? ''), summary);
    if (live.healthy) {
      await commit();
      return { switchMs: 0, oldWarm: false };
    }
    log.warning(`${next.release.version} is active in ${next.color} on ${host} but not alive (${live.failure}); starting it again.`);
  }
  await startSharedServices(ctx, next);
  const created = await log.group(`Preparing ${next.release.version} in ${next.color} (created, not started)`, async () => {
    await session.run(composeRemove(next.colored, colorServices), { what: `Clearing the ${next.color} color` });
    await session.run(composeCreate(next.colored, colorServices), { what: `Creating ${next.release.version}'s containers` });
    const ids = await session.run(composeContainerIds(next.colored, colorServices), { what: `Listing ${next.release.version}'s containers`, stream: false });
    return ids.stdout.split('\n').map((line) => line.trim()).filter(Boolean);
  });

  await ctx.assertLockHeld();
  // A run killed from here on leaves the post step the old bot to start again.
  if (previous) journal.record({ kind: 'restore', host, release: previous.release, project: previous.project, services: colorServices, retire: { project: next.colored, services: colorServices } });
  const handover = await log.group(`Stopping ${previous?.release ?? 'nothing'} (${colorServices.join(', ')}), then starting ${next.release.version}`, () =>
    session.run(stopThenStart(previous?.project, colorServices, created), { what: `The handover from ${previous?.release ?? 'nothing'} to ${next.release.version}` }),
  );
  // Nobody polls from the old bot's stop to the new one's start: the gap a handover costs, as the host timed it.
  const [, stopped = '0', started = '0'] = /handover (\d+) (\d+)/.exec(handover.stdout) ?? [];
  const gapMs = Math.round((Number(started) - Number(stopped)) / 1e6);
  const live = await gate(ctx, pollerGate(config, next.colored.name, colorServices[0] ?? ''), summary);
  // A live poller takes a waiting update at once: ten seconds without any is a verdict, whatever the deadline.
  const consumeWithinMs = Math.min(config.health.gate.deadlineMs, 10_000);
  const notPolling = live.healthy && config.telegram ? await pollerConsumes(ctx, config.telegram, consumeWithinMs, config.health.gate.intervalMs) : undefined;
  if (!live.healthy || notPolling) {
    // Gone for sure before the old bot starts: if it will not go, nothing starts (never two pollers).
    await session.run(composeRemove(next.colored, colorServices), { what: `Removing ${next.release.version}` });
    if (previous) {
      await session.run(composeStart(previous.project, colorServices), { what: `Starting ${previous.release} again` });
      journal.clear('restore', host);
    }
    const why = notPolling ? `${next.release.version} runs but ${notPolling}.` : live.failure;
    if (!previous) throw new UserError(why ?? `${next.release.version} is not alive.`);
    throw new RolledBackError(`${why} ${previous.release} polls again; it never ran beside ${next.release.version}.`);
  }
  await commit();
  journal.clear('restore', host);
  log.info(`Handover gap on ${host}: ${gapMs} ms from ${previous ? `${previous.release} stopped` : 'the start'} to ${next.release.version} started`);
  // Removed, never kept: a stopped poller with a restart policy would come back with the Docker daemon.
  if (previous) await session.run(composeRemove(previous.project, colorServices), { what: `Removing ${previous.release}'s containers` });
  return { switchMs: gapMs, oldWarm: false };
}
