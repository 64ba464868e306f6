import { sshDeployAction } from '../actions/ssh-deploy.js';
import { readDeployConfig } from '../deploy/deploy-config.js';
import { sshDeploy } from '../deploy/ssh-deploy.js';
import { runAction } from '../runner/run-action.js';

await runAction(sshDeployAction, (context) =>
  sshDeploy(readDeployConfig(context.inputs, context.log, process.env.GITHUB_WORKSPACE || process.cwd()), context),
);
