import { readDeployConfig } from '../deploy/deploy-config.js';
import { sshDeploy } from '../deploy/ssh-deploy.js';
import { runAction } from '../runner/run-action.js';

await runAction('ssh-deploy', (context) =>
  sshDeploy(readDeployConfig(context.inputs, context.log, process.env.GITHUB_WORKSPACE || process.cwd()), context),
);
