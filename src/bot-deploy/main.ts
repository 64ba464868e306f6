import { botDeployAction } from '../actions/bot-deploy.js';
import { undoRecorded } from '../pipeline/undo-recorded.js';
import { readNotices, readReleaseConfig } from '../release/release-config.js';
import { noticeCancelled, ReleaseNotices } from '../release/release-notices.js';
import { releasePipeline } from '../release/release-pipeline.js';
import { runAction } from '../runner/run-action.js';
import { connectSsh } from '../ssh/connect.js';
import { readSshTargets } from '../ssh/ssh-inputs.js';
import { releaseOutputs } from './outputs.js';

await runAction(
  botDeployAction,
  async ({ inputs, log, summary, run, journal, workspace }) => {
    const config = readReleaseConfig(inputs, log, workspace, run.sha);
    const notices = new ReleaseNotices(config, { log, summary, run, journal, env: process.env, now: Date.now }, Date.now());
    return releaseOutputs(await releasePipeline(config, { log, run, journal, connect: connectSsh }, summary, notices), notices);
  },
  {
    post: async ({ inputs, log, summary, run, journal }) => {
      await undoRecorded(readSshTargets(inputs, log), journal, { log, connect: connectSsh });
      await noticeCancelled(readNotices(inputs, log), { log, summary, run, journal, env: process.env, now: Date.now });
    },
  },
);
