import { InputError } from '../inputs/input-error.js';
import type { InputSpec } from '../inputs/input-spec.js';
import type { Inputs } from '../inputs/inputs.js';
import { DEFAULT_LOCK_TIMING } from './deploy-lock.js';

/** The inputs every action that takes the deploy lock declares (read by readLockInputs). */
export const lockInputSpecs: readonly InputSpec[] = [
  { name: 'lock-timeout', default: '10m', description: 'How long to wait for another deploy of the same app on the host to finish (e.g. 10m) before failing with the holder\'s name.' },
  { name: 'lock-stale-after', default: '2m', description: 'A lock its holder has not refreshed for this long (holders refresh every 15s) belongs to a deploy that died and is taken over.' },
];

/** `lock-timeout` and `lock-stale-after`, as every action that takes the deploy lock reads them. */
export interface LockInputs {
  lockTimeoutMs: number;
  lockStaleMs: number;
}

export function readLockInputs(inputs: Inputs): LockInputs {
  const lockStaleMs = inputs.durationMs('lock-stale-after');
  const { heartbeatMs } = DEFAULT_LOCK_TIMING;
  if (lockStaleMs < 3 * heartbeatMs) {
    throw new InputError(
      `Input \`lock-stale-after\` must be at least ${(3 * heartbeatMs) / 1000}s: holders refresh the lock every ${heartbeatMs / 1000}s, and a shorter limit would take a live deploy's lock.`,
    );
  }
  return { lockTimeoutMs: inputs.durationMs('lock-timeout'), lockStaleMs };
}
