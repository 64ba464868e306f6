import { deployHost } from '../../src/deploy/deploy-host.js';
import { LABELS_FILE } from '../../src/deploy/release-files.js';
import { refreshLock } from '../../src/host/lock-commands.js';
import { activateRelease, appendDeployLog } from '../../src/host/release-commands.js';
import { scriptedContext, testRun } from '../support/scripted-context.js';
import { deployConfig, hostRunningV1, layout, upOf } from '../support/scripted-host.js';

const checkLock = refreshLock(layout.lock, testRun.lockToken);
const upCommands = / up -d /;

describe('deployHost', () => {
  test('deploys v2 over v1 under one hold of the lock: the commands a host sees, in order', async () => {
    const session = hostRunningV1();
    const { ctx } = scriptedContext(session);
    const result = await deployHost(ctx, deployConfig());
    expect(result).toMatchObject({ host: 'web1', action: 'deploy', release: 'v2', previous: 'v1', logged: true });
    const whats = session.calls.map((call) => ('what' in call.options ? call.options.what : ''));
    expect(whats).toEqual([
      'Creating the app folder',
      'Taking the deploy lock /opt/bot/.lock',
      'Removing one-off containers of runs that died',
      'Removing registry logins of runs that died',
      'Detecting docker compose',
      'Reading the app folder',
      'Removing staging folders of runs that died',
      'Creating the staging folder',
      'Pulling images',
      'Checking the deploy lock',
      'Moving release v2 into place',
      'Checking the deploy lock',
      'Starting v2',
      'Moving current',
      'Appending to /opt/bot/deploys.log',
      'Releasing the deploy lock',
    ]);
    expect(session.files.map((file) => file.path)).toEqual([
      `${layout.releasesDir}/.staging-${testRun.lockToken}/compose.yml`,
      `${layout.releasesDir}/.staging-${testRun.lockToken}/${LABELS_FILE}`,
      `${layout.releasesDir}/.staging-${testRun.lockToken}/.env`,
      `${layout.releasesDir}/.staging-${testRun.lockToken}/release.json`,
      layout.state,
    ]);
  });

  test('the lock lost before the switch stops the deploy: nothing is started and current stays', async () => {
    const session = hostRunningV1().on(checkLock, { code: 4 });
    const { ctx } = scriptedContext(session);
    await expect(deployHost(ctx, deployConfig())).rejects.toThrow(
      'Another deploy took over the deploy lock on web1 while this one stalled, so this one stopped before changing what runs; re-run it when the other has finished.',
    );
    expect(session.count(upCommands)).toBe(0);
    expect(session.count(activateRelease(layout, 'v2'))).toBe(0);
    expect(session.files.map((file) => file.path)).not.toContain(layout.state);
    const logged = session.calls.find((call) => call.line === appendDeployLog(layout));
    expect(JSON.parse(String(logged?.options.stdin))).toMatchObject({ version: 'v2', result: 'failure', previous: 'v1', error: expect.stringContaining('Another deploy took over') });
  });

  test('a flock error while checking the lock stops the deploy too, instead of counting as still held', async () => {
    const session = hostRunningV1().on(checkLock, { code: 2, stderr: 'cannot write /opt/bot/.lock.guard as deploy\n' });
    const { ctx } = scriptedContext(session);
    await expect(deployHost(ctx, deployConfig())).rejects.toThrow(
      'Could not check the deploy lock /opt/bot/.lock on web1 (cannot write /opt/bot/.lock.guard as deploy), so this deploy stopped before changing what runs.',
    );
    expect(session.count(upCommands)).toBe(0);
    expect(session.count(activateRelease(layout, 'v2'))).toBe(0);
  });

  test('a deploys.log line that cannot be written is a warning and logged: false, not a failed deploy', async () => {
    const session = hostRunningV1().on(appendDeployLog(layout), { code: 1, stderr: 'sh: cannot create /opt/bot/deploys.log: No space left on device\n' });
    const { ctx, log } = scriptedContext(session);
    const result = await deployHost(ctx, deployConfig());
    expect(result).toMatchObject({ release: 'v2', logged: false });
    expect(log.lines).toContain(
      'warning: The success of this deploy is not in /opt/bot/deploys.log on web1: Appending to /opt/bot/deploys.log failed on web1: no space left on web1 (/opt/bot/deploys.log) — free some disk space.',
    );
    expect(session.count(upOf('v2'))).toBe(1);
  });
});
