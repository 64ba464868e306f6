import { randomBytes } from 'node:crypto';
import { formatDuration } from '../inputs/duration.js';
import type { Log } from '../log/log.js';
import { oneLine } from '../log/one-line.js';
import { acquireLock, LOCK_HELD_EXIT, refreshLock, releaseLock } from '../host/lock-commands.js';
import type { SshSession } from '../ssh/types.js';
import { lastLine } from './host-step.js';

export interface LockOptions {
  lockFile: string;
  owner: string;
  runUrl: string;
  /** How long to wait for another deploy to finish. */
  timeoutMs: number;
  /** A lock not refreshed for this long belongs to a deploy that died (documented in the README). */
  staleMs: number;
  /** How often the holder refreshes the lock. */
  heartbeatMs: number;
  pollMs: number;
}

export const DEFAULT_LOCK_TIMING = { staleMs: 120_000, heartbeatMs: 15_000, pollMs: 2_000 };

export class DeployLockError extends Error {
  override readonly name = 'DeployLockError';
}

export interface HeldLock {
  /**
   * Refreshes the lock and throws when another deploy took it over (this one stalled past the
   * stale limit): called right before a deploy changes what runs.
   */
  assertHeld(): Promise<void>;
  release(): Promise<void>;
}

/** Takes the host's deploy lock, waiting up to `timeoutMs`, and keeps it fresh until released. */
export async function takeDeployLock(session: SshSession, options: LockOptions, log: Log): Promise<HeldLock> {
  const token = randomBytes(8).toString('hex');
  const record = JSON.stringify({
    token,
    owner: options.owner,
    run_url: options.runUrl,
    time: new Date().toISOString(),
  });
  const started = Date.now();
  let announced = false;
  for (;;) {
    const result = await session.exec(acquireLock(options.lockFile, token, record, Math.ceil(options.staleMs / 1000)), { stream: false });
    const [status = '', holderLine = ''] = result.stdout.split('\n');
    const holder = describeHolder(holderLine);
    if (result.code === 0) {
      if (status.startsWith('took-over')) {
        log.warning(`Took over a stale deploy lock on ${session.host} held by ${holder}, untouched for ${status.split(' ')[1]}s (its deploy died).`);
      }
      break;
    }
    if (result.code !== LOCK_HELD_EXIT) {
      throw new DeployLockError(`Could not take the deploy lock ${options.lockFile} on ${session.host}: ${lastLine(result.stderr) || `exit ${result.code}`}.`);
    }
    const waited = Date.now() - started;
    if (waited >= options.timeoutMs) {
      throw new DeployLockError(
        `Another deploy holds the lock on ${session.host}: ${holder}; gave up after waiting ${formatDuration(waited)} (lock-timeout). Let it finish, or raise lock-timeout.`,
      );
    }
    if (!announced) {
      log.info(`Waiting for the deploy lock on ${session.host}, held by ${holder}...`);
      announced = true;
    }
    await sleep(Math.min(options.pollMs, options.timeoutMs - waited));
  }

  const heartbeat = setInterval(() => {
    session.exec(refreshLock(options.lockFile, token), { stream: false }).catch(() => undefined);
  }, options.heartbeatMs);
  heartbeat.unref();

  return {
    async assertHeld() {
      const refreshed = await session.exec(refreshLock(options.lockFile, token), { stream: false });
      if (refreshed.stdout.includes('lost')) {
        throw new DeployLockError(
          `Another deploy took over the deploy lock on ${session.host} while this one stalled, so this one stopped before changing what runs; re-run it when the other has finished.`,
        );
      }
    },
    async release() {
      clearInterval(heartbeat);
      await session.exec(releaseLock(options.lockFile, token), { stream: false });
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
