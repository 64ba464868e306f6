import { healthGateAction } from '../actions/health-gate.js';
import { readHealthGateInputs } from '../health/health-gate-inputs.js';
import { runHealthGate } from '../health/health-gate.js';
import { runAction } from '../runner/run-action.js';

await runAction(healthGateAction, (context) => runHealthGate(readHealthGateInputs(context.inputs, context.log), context));
