import type { SshDeployResult } from '../deploy/ssh-deploy.js';
import { ActionFailure } from '../runner/action-failure.js';
import type { Outputs } from '../runner/run-action.js';
import { messageOf } from '../errors/message-of.js';

/** ssh-deploy's outputs (product.md) from the first host's result; a failed deploy fails the step with them. */
export function sshDeployOutputs(result: SshDeployResult, requestedVersion: string): Outputs {
  const first = result.hosts[0];
  const outputs: Outputs = {
    release: first?.release ?? requestedVersion,
    'previous-release': first?.previous ?? '',
    'release-dir': first?.releaseDir ?? '',
    'duration-ms': result.durationMs,
  };
  if (result.failure) {
    const { error } = result.failure;
    throw new ActionFailure(messageOf(error), outputs, error);
  }
  return outputs;
}
