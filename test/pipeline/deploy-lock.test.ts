import { DEFAULT_LOCK_TIMING, DeployLockError, takeDeployLock, type LockSettings } from '../../src/pipeline/deploy-lock.js';
import { RecordingLog } from '../../src/log/recording-log.js';
import { CommandError } from '../../src/ssh/command-error.js';
import { ScriptedSession } from '../support/scripted-session.js';

const settings: LockSettings = {
  ...DEFAULT_LOCK_TIMING,
  lockFile: '/opt/bot/.lock',
  owner: 'acme/bot run 7',
  runUrl: 'https://github.com/acme/bot/actions/runs/7',
  token: '0123456789abcdef01234567',
  timeoutMs: 1000,
  staleMs: 120_000,
};
const ACQUIRE = /echo acquired/;

describe('deploy-lock takeDeployLock', () => {
  it('says a lock wait stopped at command-timeout, and how long that is', async () => {
    const session = new ScriptedSession('web1').on(ACQUIRE, { code: 124, timedOut: true });
    session.commandTimeoutMs = 90_000;
    await expect(takeDeployLock(session, settings, new RecordingLog())).rejects.toThrow(
      new DeployLockError(
        'Waiting for the deploy lock on web1 was stopped at command-timeout (1m30s): /opt/bot/.lock.guard stayed locked all that time; `fuser /opt/bot/.lock.guard` on the host names the process holding it.',
      ),
    );
  });

  it('says the disk is full when the lock record cannot be written', async () => {
    const session = new ScriptedSession('web1').on(ACQUIRE, { code: 2, stdout: 'acquired\n', stderr: 'tee: /opt/bot/.lock.tmp: No space left on device\n' });
    await expect(takeDeployLock(session, settings, new RecordingLog())).rejects.toThrow(
      new CommandError('Taking the deploy lock /opt/bot/.lock failed on web1: no space left on web1 (/opt/bot/.lock.tmp) — free some disk space.', 2),
    );
  });

  it('quotes the host for any other failure', async () => {
    const session = new ScriptedSession('web1').on(ACQUIRE, { code: 2, stderr: 'flock(1) is needed on the host (util-linux)\n' });
    await expect(takeDeployLock(session, settings, new RecordingLog())).rejects.toThrow(
      'Taking the deploy lock /opt/bot/.lock failed on web1 with exit code 2: flock(1) is needed on the host (util-linux).',
    );
  });

  it('waits for a held lock, then gives up at lock-timeout naming the holder', async () => {
    const holder = JSON.stringify({ owner: 'acme/bot run 6', time: '2026-11-30T00:00:00Z' });
    const session = new ScriptedSession('web1').on(ACQUIRE, { code: 3, stdout: `held 5\n${holder}\n` });
    const log = new RecordingLog();
    await expect(takeDeployLock(session, { ...settings, timeoutMs: 50, pollMs: 10 }, log)).rejects.toThrow(
      /^Another deploy holds the lock on web1: acme\/bot run 6 since 2026-11-30T00:00:00Z; gave up after waiting/,
    );
    expect(session.count(ACQUIRE)).toBeGreaterThan(1);
  });
});
