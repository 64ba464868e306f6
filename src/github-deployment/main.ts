import { githubDeploymentAction } from '../actions/github-deployment.js';
import { readGitHubDeploymentConfig } from '../github/deployment-config.js';
import { githubDeployment } from '../github/github-deployment.js';
import { runAction } from '../runner/run-action.js';
import { githubDeploymentOutputs } from './outputs.js';

await runAction(githubDeploymentAction, async ({ inputs, log, summary, run }) =>
  githubDeploymentOutputs(await githubDeployment(readGitHubDeploymentConfig(inputs, log, run, process.env), { log, summary })),
);
