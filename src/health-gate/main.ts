import { readHealthGateInputs } from '../health/health-gate-inputs.js';
import { runHealthGate } from '../health/health-gate.js';
import { runAction } from '../runner/run-action.js';

await runAction('health-gate', (context) => runHealthGate(readHealthGateInputs(context.inputs, context.log), context));
