import { healthGateAction } from '../actions/health-gate.js';
import { readHealthGateInputs } from '../health/health-gate-inputs.js';
import { runHealthGate } from '../health/health-gate.js';
import { runAction } from '../runner/run-action.js';
import { healthGateOutputs } from './outputs.js';

await runAction(healthGateAction, async (context) => healthGateOutputs(await runHealthGate(readHealthGateInputs(context.inputs, context.log), context)));
