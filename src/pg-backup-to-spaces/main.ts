import { pgBackupToSpacesAction } from '../actions/pg-backup-to-spaces.js';
import { readBackupConfig } from '../backup/backup-config.js';
import { pgBackup } from '../backup/pg-backup.js';
import { undoRecorded } from '../pipeline/undo-recorded.js';
import { runAction } from '../runner/run-action.js';
import { connectSsh } from '../ssh/connect.js';
import { readSshTargets } from '../ssh/ssh-inputs.js';
import { pgBackupOutputs } from './outputs.js';

await runAction(
  pgBackupToSpacesAction,
  async ({ inputs, log, summary, run, journal }) => pgBackupOutputs(await pgBackup(readBackupConfig(inputs, log, run.sha), { log, run, journal, connect: connectSsh }, summary)),
  { post: ({ inputs, log, journal }) => undoRecorded(readSshTargets(inputs, log), journal, { log, connect: connectSsh }) },
);
