import type { HostRelease } from '../../../src/deploy/host-release.js';
import { switchTo } from '../../../src/deploy/steps/switch.js';
import { RecreateStrategy } from '../../../src/deploy/strategies/recreate-strategy.js';
import { StopFirstStrategy } from '../../../src/deploy/strategies/stop-first-strategy.js';
import { composeKill, composeStop } from '../../../src/host/compose-commands.js';
import { activateRelease } from '../../../src/host/release-commands.js';
import { scriptedContext } from '../../support/scripted-context.js';
import { hostRunningV1, layout, project, upOf } from '../../support/scripted-host.js';

const release = (version: string): HostRelease => ({
  version,
  record: { version, image: 'registry.example/bot', compose_files: ['compose.yml'], release_services: ['bot'] },
  project: project(version),
});
const [v1, v2] = [release('v1'), release('v2')];
const stopV1 = composeStop(project('v1'), ['bot']);
const killV1 = composeKill(project('v1'), ['bot']);

/** The switch as deployHost runs it, inside the run's hold of the lock. */
async function switchOn(session: ReturnType<typeof hostRunningV1>, strategy: RecreateStrategy | StopFirstStrategy) {
  const { ctx, log } = scriptedContext(session);
  const outcome = ctx.withLock(() => switchTo(ctx, strategy, v2, v1, strategy.name));
  return { outcome, log };
}

describe('switchTo', () => {
  test('current failing to move after up starts the previous release again, and the switch fails', async () => {
    const session = hostRunningV1().on(activateRelease(layout, 'v2'), { code: 1, stderr: "mv: cannot move '/opt/bot/.current.tmp': Read-only file system\n" });
    const { outcome, log } = await switchOn(session, new RecreateStrategy());
    await expect(outcome).rejects.toThrow("Moving current failed on web1 with exit code 1: mv: cannot move '/opt/bot/.current.tmp': Read-only file system.");
    expect(session.lines.filter((line) => [upOf('v2'), activateRelease(layout, 'v2'), upOf('v1')].includes(line))).toEqual([
      upOf('v2'),
      activateRelease(layout, 'v2'),
      upOf('v1'),
    ]);
    expect(log.lines).toContain('warning: v2 did not start on web1; starting v1 again.');
  });

  test('stop-first: a failed stop of the old release starts it again, and v2 is never started', async () => {
    const session = hostRunningV1().on(stopV1, { code: 1 });
    const { outcome } = await switchOn(session, new StopFirstStrategy('bot'));
    await expect(outcome).rejects.toThrow('Stopping v1 failed on web1 with exit code 1; its output is above.');
    expect(session.lines.filter((line) => [stopV1, killV1, upOf('v2'), upOf('v1')].includes(line))).toEqual([stopV1, killV1, upOf('v1')]);
    expect(session.count(activateRelease(layout, 'v2'))).toBe(0);
  });

  test('stop-first: a stop of the old release that times out kills it (the daemon would finish the stop later) and starts it again', async () => {
    const session = hostRunningV1().on(stopV1, { code: 143, timedOut: true });
    const { outcome, log } = await switchOn(session, new StopFirstStrategy('bot'));
    await expect(outcome).rejects.toThrow('Stopping v1 on web1 did not finish within the command timeout and was stopped.');
    expect(session.lines.filter((line) => [stopV1, killV1, upOf('v2'), upOf('v1')].includes(line))).toEqual([stopV1, killV1, upOf('v1')]);
    expect(log.lines).toContain('warning: v2 did not start on web1; starting v1 again.');
  });

  test('a previous release that will not start again either is said in one sentence', async () => {
    const session = hostRunningV1().on(stopV1, { code: 143, timedOut: true }).on(upOf('v1'), { code: 1 });
    const { outcome } = await switchOn(session, new StopFirstStrategy('bot'));
    await expect(outcome).rejects.toThrow(
      'Stopping v1 on web1 did not finish within the command timeout and was stopped, and starting v1 again failed too (exit code 1): check what runs on web1 now.',
    );
  });
});
