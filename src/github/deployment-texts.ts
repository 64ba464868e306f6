import type { FinishStatus } from './deployment-config.js';
import type { DeploymentState } from './deployments-api.js';

/** GitHub refuses a status description longer than this (REST "Create a deployment status"). */
export const DESCRIPTION_LIMIT = 140;

/**
 * The GitHub state each outcome shows as. A rolled-back release failed (the previous one serves
 * again, which its own deployment, still success, shows); a cancelled deploy neither failed nor
 * serves, so it is inactive, never the environment's active deployment.
 */
export const FINISH_STATES: Record<FinishStatus, DeploymentState> = {
  success: 'success',
  failure: 'failure',
  'rolled-back': 'failure',
  cancelled: 'inactive',
};

/** What a deploy is called in the texts: its version, or what a rollback without one goes back to. */
export function releaseLabel(version: string, rollback: boolean, ref: string): string {
  if (version) return version;
  return rollback ? 'the previous release' : shortRef(ref);
}

export function deploymentDescription(environment: string, label: string, rollback: boolean): string {
  return fit(rollback ? `Rollback of ${environment} to ${label}` : `Deploy ${label} to ${environment}`);
}

export function inProgressDescription(label: string, rollback: boolean): string {
  return fit(rollback ? `Rolling back to ${label}` : `Deploying ${label}`);
}

/** The finishing status's words; `previous` is the release that serves again after a rolled-back deploy, when known. */
export function finishDescription(status: FinishStatus, label: string, rollback: boolean, previous: string): string {
  const what = rollback ? `Rollback to ${label}` : `Deploy of ${label}`;
  switch (status) {
    case 'success':
      return fit(rollback ? `Rolled back to ${label}` : `Deployed ${label}`);
    case 'failure':
      return fit(`${what} failed`);
    case 'rolled-back':
      return fit(`${what} failed and was rolled back: ${previous || 'the previous release'} serves again`);
    case 'cancelled':
      return fit(`${what} was cancelled`);
  }
}

export function replacedDescription(label: string, deploymentId: number): string {
  return fit(`Replaced by ${label} (deployment ${deploymentId})`);
}

function shortRef(ref: string): string {
  return /^[0-9a-f]{40}$/.test(ref) ? ref.slice(0, 7) : ref;
}

function fit(text: string): string {
  return text.length <= DESCRIPTION_LIMIT ? text : `${text.slice(0, DESCRIPTION_LIMIT - 1)}…`;
}
