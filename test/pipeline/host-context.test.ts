import { prepare } from '../../src/deploy/steps/prepare.js';
import { stage } from '../../src/deploy/steps/stage.js';
import { oneOffName, removeContainer } from '../../src/host/docker-commands.js';
import { releaseLock } from '../../src/host/lock-commands.js';
import { scriptedContext, testRun } from '../support/scripted-context.js';
import { deployConfig, hostRunningV1, layout } from '../support/scripted-host.js';

const acquire = 'echo acquired';
const release = releaseLock(layout.lock, testRun.lockToken);
const oneOff = oneOffName('bot', testRun.lockToken);

describe('HostContext', () => {
  test('a two-step pipeline takes the lock once, and releases it once at the end', async () => {
    const session = hostRunningV1();
    const { ctx, journal } = scriptedContext(session);
    const config = deployConfig();
    await ctx.withLock(async () => {
      const staged = await stage(ctx, config);
      expect(session.count(release)).toBe(0);
      await prepare(ctx, staged, config);
    });
    expect(session.count(acquire)).toBe(1);
    expect(session.count(release)).toBe(1);
    expect(session.lines.at(-1)).toBe(release);
    expect(journal.entries()).toEqual([]);
  });

  test('a step outside any pipeline takes and releases the lock itself', async () => {
    const session = hostRunningV1();
    const { ctx } = scriptedContext(session);
    await stage(ctx, deployConfig());
    expect([session.count(acquire), session.count(release)]).toEqual([1, 1]);
  });

  test('a one-off container that could not be stopped keeps the lock (no second migration beside it)', async () => {
    const session = hostRunningV1()
      .on(' run --rm -T --name ', { code: 143, timedOut: true })
      .on(removeContainer(oneOff), { code: 1, stderr: 'Cannot connect to the Docker daemon\n' });
    const { ctx, log, journal } = scriptedContext(session);
    const config = deployConfig({ preDeploy: 'sleep 300' });
    await expect(ctx.withLock(async () => prepare(ctx, await stage(ctx, config), config))).rejects.toThrow(
      'The pre-deploy command on web1 did not finish within the command timeout and was stopped.',
    );
    expect(session.count(removeContainer(oneOff))).toBe(1);
    expect(session.count(release)).toBe(0);
    expect(log.lines).toContain('warning: Keeping the deploy lock on web1: a one-off container of this run could not be stopped.');
    // The post step finds both and tries again.
    expect(journal.entries().map((entry) => entry.kind).sort()).toEqual(['lock', 'one-off']);
  });

  test('a timed-out pre-deploy stops its one-off container by name, then releases the lock', async () => {
    const session = hostRunningV1().on(' run --rm -T --name ', { code: 143, timedOut: true });
    const { ctx, journal } = scriptedContext(session);
    const config = deployConfig({ preDeploy: 'sleep 300' });
    await expect(ctx.withLock(async () => prepare(ctx, await stage(ctx, config), config))).rejects.toThrow(/did not finish within the command timeout/);
    expect(session.lines.filter((line) => line === removeContainer(oneOff) || line === release)).toEqual([removeContainer(oneOff), release]);
    expect(journal.entries()).toEqual([]);
  });

  test('the lock is journaled before it is taken, and a failure right after taking it releases it', async () => {
    const session = hostRunningV1().on(/docker ps -aq --filter/, { code: 1, stderr: 'Cannot connect to the Docker daemon\n' });
    const { ctx, journal } = scriptedContext(session);
    const seen: string[] = [];
    session.on(acquire, () => {
      seen.push(...journal.entries().map((entry) => entry.kind));
      return { stdout: 'acquired\n' };
    });
    await expect(stage(ctx, deployConfig())).rejects.toThrow(/Removing one-off containers of runs that died failed on web1/);
    expect(seen).toEqual(['lock']);
    expect(session.count(release)).toBe(1);
    expect(journal.entries()).toEqual([]);
  });
});
