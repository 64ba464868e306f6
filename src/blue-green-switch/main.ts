import { blueGreenSwitchAction } from '../actions/blue-green-switch.js';
import { readBlueGreenConfig } from '../blue-green/blue-green-config.js';
import { blueGreenSwitch } from '../blue-green/blue-green-switch.js';
import { undoRecorded } from '../pipeline/undo-recorded.js';
import { runAction } from '../runner/run-action.js';
import { connectSsh } from '../ssh/connect.js';
import { readSshTargets } from '../ssh/ssh-inputs.js';
import { blueGreenOutputs } from './outputs.js';

await runAction(
  blueGreenSwitchAction,
  async ({ inputs, log, summary, run, journal }) => blueGreenOutputs(await blueGreenSwitch(readBlueGreenConfig(inputs, log), { log, run, journal, connect: connectSsh }, summary)),
  { post: ({ inputs, log, journal }) => undoRecorded(readSshTargets(inputs, log), journal, { log, connect: connectSsh }) },
);
