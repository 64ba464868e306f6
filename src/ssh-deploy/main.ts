import { sshDeployAction } from '../actions/ssh-deploy.js';
import { readDeployConfig } from '../deploy/deploy-config.js';
import { sshDeploy } from '../deploy/ssh-deploy.js';
import { runAction } from '../runner/run-action.js';
import { undoRecorded } from '../pipeline/undo-recorded.js';
import { connectSsh } from '../ssh/connect.js';
import { readSshTargets } from '../ssh/ssh-inputs.js';
import { sshDeployOutputs } from './outputs.js';

await runAction(
  sshDeployAction,
  async ({ inputs, log, summary, run, journal, workspace }) => {
    const config = readDeployConfig(inputs, log, workspace);
    return sshDeployOutputs(await sshDeploy(config, { log, run, journal, connect: connectSsh }, summary), config.version);
  },
  { post: ({ inputs, log, journal }) => undoRecorded(readSshTargets(inputs, log), journal, { log, connect: connectSsh }) },
);
