import { formatDuration } from '../inputs/duration.js';
import { acquireLock, LOCK_HELD_EXIT, LOCK_LOST_EXIT, refreshLock, releaseLock } from '../host/lock-commands.js';
import type { Log } from '../log/log.js';
import { CommandError, lastLine } from '../ssh/command-error.js';
import { oneLine } from '../log/one-line.js';
import { checkExit } from '../ssh/exit-policy.js';
import type { SshSession } from '../ssh/types.js';
import { UserError } from '../errors/user-error.js';

export interface LockSettings {
  lockFile: string;
  owner: string;
  runUrl: string;
  /** The job's token (RunInfo.lockToken): a lock held under it is this job's own. */
  token: string;
  /** How long to wait for another deploy to finish. */
  timeoutMs: number;
  /** A lock not refreshed for this long belongs to a deploy that died (documented in the README). */
  staleMs: number;
  /** How often the holder refreshes the lock. */
  heartbeatMs: number;
  pollMs: number;
}

export const DEFAULT_LOCK_TIMING = { staleMs: 120_000, heartbeatMs: 15_000, pollMs: 2_000 };

export class DeployLockError extends UserError {
  override readonly name = 'DeployLockError';
}

export interface HeldLock {
  /**
   * Refreshes the lock and throws when another deploy took it over (this one stalled past the
   * stale limit) or when the lock cannot be checked: called right before a deploy changes what runs.
   */
  assertHeld(): Promise<void>;
  release(): Promise<void>;
  /** Stops refreshing without releasing: the lock goes stale and the next deploy takes it over. */
  keep(): Promise<void>;
}

/** Takes the host's deploy lock, waiting up to `timeoutMs`, and keeps it fresh until released. */
export async function takeDeployLock(session: SshSession, settings: LockSettings, log: Log): Promise<HeldLock> {
  const { lockFile, token } = settings;
  const record = JSON.stringify({ token, owner: settings.owner, run_url: settings.runUrl, time: new Date().toISOString() });
  const started = Date.now();
  let announced = false;
  for (;;) {
    const what = `Taking the deploy lock ${lockFile}`;
    const result = await session.run(acquireLock(lockFile, token, record, Math.ceil(settings.staleMs / 1000)), { what, stream: false, allowFailure: true }).catch((error: unknown) => {
      if (!(error instanceof CommandError && error.timedOut)) throw error;
      // The script waits only for the guard, which a deploy holds for an instant: something hung holding it.
      throw new DeployLockError(
        `Waiting for the deploy lock on ${session.host} was stopped at command-timeout (${formatDuration(session.commandTimeoutMs)}): ${lockFile}.guard stayed locked all that time; \`fuser ${lockFile}.guard\` on the host names the process holding it.`,
      );
    });
    // "Held" is the one failing exit that is an answer; any other is reported by the transport's policy (a full disk says so).
    if (result.code !== 0 && result.code !== LOCK_HELD_EXIT) checkExit(session.host, result, { what, stream: false });
    const [status = '', holderLine = ''] = result.stdout.split('\n');
    const holder = describeHolder(holderLine);
    if (result.code === 0) {
      if (status.startsWith('took-over')) {
        log.warning(`Took over a stale deploy lock on ${session.host} held by ${holder}, untouched for ${status.split(' ')[1]}s (its deploy died).`);
      }
      break;
    }
    const waited = Date.now() - started;
    if (waited >= settings.timeoutMs) {
      throw new DeployLockError(
        `Another deploy holds the lock on ${session.host}: ${holder}; gave up after waiting ${formatDuration(waited)} (lock-timeout). Let it finish, or raise lock-timeout.`,
      );
    }
    if (!announced) {
      log.info(`Waiting for the deploy lock on ${session.host}, held by ${holder}...`);
      announced = true;
    }
    await sleep(Math.min(settings.pollMs, settings.timeoutMs - waited));
  }

  const heartbeat = setInterval(() => {
    session.exec(refreshLock(lockFile, token), { stream: false }).catch(() => undefined);
  }, settings.heartbeatMs);
  heartbeat.unref();

  return {
    async assertHeld() {
      const refreshed = await session.run(refreshLock(lockFile, token), { what: 'Checking the deploy lock', stream: false, allowFailure: true });
      if (refreshed.code === LOCK_LOST_EXIT) {
        throw new DeployLockError(
          `Another deploy took over the deploy lock on ${session.host} while this one stalled, so this one stopped before changing what runs; re-run it when the other has finished.`,
        );
      }
      if (refreshed.code !== 0) {
        throw new DeployLockError(
          `Could not check the deploy lock ${lockFile} on ${session.host} (${lastLine(refreshed.stderr) || `exit ${refreshed.code}`}), so this deploy stopped before changing what runs.`,
        );
      }
    },
    async keep() {
      clearInterval(heartbeat);
    },
    async release() {
      clearInterval(heartbeat);
      await session.run(releaseLock(lockFile, token), { what: 'Releasing the deploy lock', stream: false });
    },
  };
}

function describeHolder(line: string): string {
  try {
    const record = JSON.parse(line) as { owner?: string; run_url?: string; time?: string };
    // The lock file is on the host, so whoever can write it chooses this text.
    return oneLine(
      [record.owner ?? 'unknown', record.run_url ? `(${record.run_url})` : '', record.time ? `since ${record.time}` : '']
        .filter(Boolean)
        .join(' '),
    );
  } catch {
    return 'an unknown deploy';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
