import type { SuiteAction } from './suite-actions.js';
import { stepLabel, type WorkflowFile } from './workflow-doc.js';

export type InputProblem = 'unknown-action' | 'undeclared-input' | 'missing-required' | 'empty-required';

export interface InputFinding {
  problem: InputProblem;
  where: string;
  message: string;
}

const SUITE_STEP = /^\.\/\.bot-deploy\/([^/@]+)$/;

/**
 * Checks every step that runs one of the suite's actions (`uses: ./.bot-deploy/<folder>`) against
 * that action's declared inputs: each `with:` key is declared (the runner would only warn about an
 * unknown one, and the value would be lost) and each required input is given, as something other
 * than a literal empty string.
 *
 * A step's `if:` does not excuse a missing required input: whenever the condition lets the step
 * run, the action needs it. Inputs that are required only in some modes (nginx-upstream-file for
 * webhooks, one of known-hosts / host-fingerprint) are not required in action.yml; the actions
 * check them at run time, and the workflows' first step checks the ones that come from settings.
 */
export function checkSuiteActionInputs(file: WorkflowFile, actions: ReadonlyMap<string, SuiteAction>): InputFinding[] {
  const findings: InputFinding[] = [];
  for (const [jobId, job] of Object.entries(file.doc.jobs)) {
    (job.steps ?? []).forEach((step, index) => {
      const folder = SUITE_STEP.exec(step.uses ?? '')?.[1];
      if (folder === undefined) return;
      const where = `${file.path} jobs.${jobId} ${stepLabel(step, index)}`;
      const action = actions.get(folder);
      if (!action) {
        findings.push({ problem: 'unknown-action', where, message: `uses ./.bot-deploy/${folder}, which is not one of the suite's actions` });
        return;
      }
      const given = step.with ?? {};
      for (const key of Object.keys(given)) {
        if (!action.inputs.has(key)) findings.push({ problem: 'undeclared-input', where, message: `passes \`${key}\`, which ${action.source} does not declare` });
      }
      for (const [name, input] of action.inputs) {
        if (!input.required) continue;
        if (!(name in given)) findings.push({ problem: 'missing-required', where, message: `does not pass \`${name}\`, which ${action.source} requires` });
        else if (given[name] === null || String(given[name]).trim() === '') findings.push({ problem: 'empty-required', where, message: `passes an empty \`${name}\`, which ${action.source} requires` });
      }
    });
  }
  return findings;
}
