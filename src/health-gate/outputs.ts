import { lastStatus } from '../health/gate-report.js';
import type { HealthGateResult } from '../health/health-gate.js';
import { ActionFailure } from '../runner/action-failure.js';
import type { Outputs } from '../runner/run-action.js';

/** health-gate's outputs (product.md); an unhealthy release fails the step with them set, for `if: failure()` rollbacks. */
export function healthGateOutputs(result: HealthGateResult): Outputs {
  const { gate } = result;
  const outputs: Outputs = {
    healthy: gate.healthy,
    attempts: gate.attempts,
    'elapsed-ms': Math.round(gate.elapsedMs),
    'last-status': lastStatus(gate),
  };
  if (result.failure !== undefined) throw new ActionFailure(result.failure, outputs);
  return outputs;
}
