import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { runDistAction, type ActionRun } from '../support/action-runner.js';
import type { ActionExecutor, ActionStep, StepResult } from '../workflows/job-simulation.js';

const root = new URL('../..', import.meta.url).pathname;

/** What `<action>/action.yml` tells the runner: input defaults and the post step. */
interface ActionYml {
  inputs?: Record<string, { default?: string }>;
  runs: { post?: string; 'post-if'?: string };
}

/** One run of a suite bundle in a job: the main step or its post step. */
export interface RecordedAction {
  step: string;
  phase: 'main' | 'post';
  action: string;
  run: ActionRun;
}

/**
 * The `uses:` steps of the suite's reusable workflows, run as the runner runs them:
 * `./.bot-deploy/<action>` is the suite's bundle dist/<action>/index.js (the suite's checkout is
 * this repository, so it is a no-op), with action.yml's defaults (their `${{ }}` evaluated in the
 * step's context) under the step's `with:`, in `workspace`, and its post step when action.yml
 * declares one. The bot's checkout copies `botRepo` into the workspace. Every bundle run is kept
 * in `runs`, in order.
 */
export function suiteActionSteps(options: { workspace: string; botRepo: string; onLine?: (line: string) => void }): { execute: ActionExecutor; runs: RecordedAction[] } {
  const runs: RecordedAction[] = [];
  const execute: ActionExecutor = async (step) => {
    if (/^actions\/checkout@/.test(step.uses)) return checkout(step, options);
    const action = /^\.\/\.bot-deploy\/([a-z-]+)$/.exec(step.uses)?.[1];
    if (!action) throw new Error(`${step.label}: no way to run ${step.uses} here`);
    const yml = YAML.parse(readFileSync(join(root, action, 'action.yml'), 'utf8')) as ActionYml;
    const defaults = Object.entries(yml.inputs ?? {}).flatMap(([name, spec]) => (spec.default === undefined ? [] : [[name, step.template(spec.default)] as const]));
    const inputs = { ...Object.fromEntries(defaults), ...step.with };
    const run = async (phase: 'main' | 'post', postOf?: ActionRun): Promise<ActionRun> => {
      const result = await runDistAction(action, inputs, { env: step.env, cwd: options.workspace, ...(postOf ? { postOf } : {}), ...(options.onLine ? { onLine: options.onLine } : {}) });
      runs.push({ step: step.label, phase, action, run: result });
      return result;
    };
    const main = await run('main');
    return {
      ...stepResult(main),
      ...(yml.runs.post ? { post: { condition: yml.runs['post-if'] ?? 'always()', run: async () => stepResult(await run('post', main)) } } : {}),
    };
  };
  return { execute, runs };
}

function stepResult(run: ActionRun): StepResult {
  return { outcome: run.code === 0 ? 'success' : 'failure', outputs: run.outputs, exported: run.exported, log: run.log };
}

/** The suite's own checkout (into .bot-deploy) is this repository already; the bot's is `botRepo`. */
function checkout(step: ActionStep, options: { workspace: string; botRepo: string }): StepResult {
  if (step.with.repository || step.with.path === '.bot-deploy') return { outcome: 'success', outputs: {} };
  cpSync(options.botRepo, join(options.workspace, step.with.path ?? ''), { recursive: true });
  return { outcome: 'success', outputs: {} };
}
