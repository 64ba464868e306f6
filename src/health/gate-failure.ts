import type { Outputs } from '../runner/run-action.js';

/**
 * A failed gate: the step fails with `message`, but its outputs (healthy=false, attempts, ...)
 * still matter to later steps (`if: failure()` rollbacks, notifications), so they travel along.
 */
export class GateFailure extends Error {
  override readonly name = 'GateFailure';
  constructor(message: string, readonly outputs: Outputs) {
    super(message);
  }
}
