import type { GitHubDeploymentResult } from '../github/github-deployment.js';
import type { Outputs } from '../runner/run-action.js';

/** github-deployment's outputs: the deployment to finish next, and the state GitHub shows for it. */
export function githubDeploymentOutputs(result: GitHubDeploymentResult): Outputs {
  return {
    'deployment-id': result.deploymentId ?? '',
    state: result.state ?? '',
  };
}
