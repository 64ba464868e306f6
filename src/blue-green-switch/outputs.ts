import type { BlueGreenResult } from '../blue-green/blue-green-switch.js';
import { RolledBackError } from '../blue-green/rolled-back-error.js';
import { ActionFailure } from '../runner/action-failure.js';
import type { Outputs } from '../runner/run-action.js';
import { messageOf } from '../errors/message-of.js';

/** blue-green-switch's outputs (product.md) from the first host; a failure fails the step with them set. */
export function blueGreenOutputs(result: BlueGreenResult): Outputs {
  const first = result.hosts[0];
  const rolledBack = result.failure?.error instanceof RolledBackError;
  const outputs: Outputs = {
    'active-color': first?.activeColor ?? '',
    'previous-color': first?.previousColor ?? '',
    release: first?.release ?? '',
    'switch-ms': first?.switchMs ?? 0,
    'rolled-back': rolledBack,
  };
  if (result.failure) {
    const { error } = result.failure;
    throw new ActionFailure(messageOf(error), outputs, error);
  }
  return outputs;
}
