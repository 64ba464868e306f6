import { botDeployAction } from '../actions/bot-deploy.js';
import { undoRecorded } from '../pipeline/undo-recorded.js';
import { readReleaseConfig } from '../release/release-config.js';
import { ReleaseNotices } from '../release/release-notices.js';
import { releasePipeline } from '../release/release-pipeline.js';
import { runAction } from '../runner/run-action.js';
import { connectSsh } from '../ssh/connect.js';
import { readSshTargets } from '../ssh/ssh-inputs.js';
import { releaseOutputs } from './outputs.js';

await runAction(
  botDeployAction,
  async ({ inputs, log, summary, run, journal, workspace }) => {
    const config = readReleaseConfig(inputs, log, workspace, run.sha);
    const notices = new ReleaseNotices(config, { log, summary, run, env: process.env, now: Date.now }, Date.now());
    return releaseOutputs(await releasePipeline(config, { log, run, journal, connect: connectSsh }, summary, notices), notices);
  },
  { post: ({ inputs, log, journal }) => undoRecorded(readSshTargets(inputs, log), journal, { log, connect: connectSsh }) },
);
