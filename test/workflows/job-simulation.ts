import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { truthy } from '@actions/expressions/result';
import { runStepScript } from './run-script.js';
import { conditionText, stepLabel, workflowCallInputs, type WorkflowDoc } from './workflow-doc.js';

/**
 * Which steps of a job run, and in what state, for given inputs, secrets and variables and for
 * given outcomes of the suite's action steps. Conditions and `${{ }}` values are evaluated with
 * GitHub's expression library; `run:` steps really run (bash, with their evaluated `env:`), so
 * their outputs and exit codes feed later steps as they would on a runner. Action steps do not
 * run: they succeed, or fail when the scenario says so, and set the outputs it gives them.
 */
export interface Scenario {
  inputs?: Record<string, string | boolean | number>;
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
  /** Action steps (by id or name) that fail when they run. */
  failing?: readonly string[];
  /** Outputs action steps set when they run, by step id. */
  outputs?: Record<string, Record<string, string>>;
  github?: Record<string, string>;
}

export interface StepRecord {
  step: string;
  /** The step's `with:` and `env:` as evaluated when it ran. */
  with: Record<string, string>;
  env: Record<string, string>;
  outcome: 'success' | 'failure';
  outputs: Record<string, string>;
  /** What a `run:` step printed. */
  log: string;
}

export interface SimulatedJob {
  ran: StepRecord[];
  status: 'success' | 'failure';
  /** The labels of the steps that ran, in order. */
  steps(): string[];
  get(step: string): StepRecord | undefined;
}

/** The github context of a push to acme/faceit-bot, unless a scenario says otherwise. */
const GITHUB: Readonly<Record<string, string>> = {
  sha: '0123456789abcdef0123456789abcdef01234567',
  actor: 'octocat',
  event_name: 'push',
  repository: 'acme/faceit-bot',
  server_url: 'https://github.com',
  ref_type: 'branch',
  ref_name: 'main',
  token: 'job-token',
};

const STATUS_FUNCTION = /\b(always|success|failure|cancelled)\s*\(/i;
const CONTEXTS = ['github', 'inputs', 'vars', 'secrets', 'env', 'steps', 'job', 'runner', 'needs', 'matrix', 'strategy'];

export function simulateJob(doc: WorkflowDoc, jobId: string, scenario: Scenario): SimulatedJob {
  const job = doc.jobs[jobId];
  if (!job) throw new Error(`no job ${jobId}`);
  let failed = false;
  const steps = new data.Dictionary();
  const inputs = new data.Dictionary();
  for (const [name, input] of Object.entries(workflowCallInputs(doc))) {
    const given = scenario.inputs?.[name];
    inputs.add(name, toData(given ?? input.default ?? (input.type === 'boolean' ? false : input.type === 'number' ? 0 : '')));
  }
  const contexts = (env: data.Dictionary): data.Dictionary =>
    new data.Dictionary(
      { key: 'github', value: dictionary({ ...GITHUB, ...scenario.github }) },
      { key: 'inputs', value: inputs },
      { key: 'vars', value: dictionary(scenario.vars ?? {}) },
      { key: 'secrets', value: dictionary({ GITHUB_TOKEN: 'job-token', ...scenario.secrets }) },
      { key: 'env', value: env },
      { key: 'steps', value: steps },
      { key: 'job', value: dictionary({ status: failed ? 'failure' : 'success', workflow_repository: 'acme/bot-deploy', workflow_sha: 'f'.repeat(40) }) },
    );
  const functions = new Map<string, FunctionDefinition>([
    ['always', { name: 'always', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(true) }],
    ['success', { name: 'success', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(!failed) }],
    ['failure', { name: 'failure', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(failed) }],
    ['cancelled', { name: 'cancelled', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(false) }],
  ]);
  const evaluate = (expression: string, env: data.Dictionary): data.ExpressionData => {
    const lexed = new Lexer(expression).lex();
    const parsed = new Parser(lexed.tokens, CONTEXTS, [...functions.values()]).parse();
    return new Evaluator(parsed, contexts(env), functions).evaluate();
  };
  const template = (value: unknown, env: data.Dictionary): string =>
    String(value).replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) => evaluate(expression, env).coerceString());

  const jobEnv = new data.Dictionary();
  for (const [key, value] of Object.entries(job.env ?? {})) jobEnv.add(key, new data.StringData(template(value, jobEnv)));

  const ran: StepRecord[] = [];
  (job.steps ?? []).forEach((step, index) => {
    const label = stepLabel(step, index);
    const condition = conditionText(step.if) ?? 'success()';
    const guarded = STATUS_FUNCTION.test(condition) ? condition : `success() && (${condition})`;
    if (!truthy(evaluate(guarded, jobEnv))) {
      if (step.id) steps.add(step.id, dictionary({ outcome: 'skipped', conclusion: 'skipped' }, { outputs: new data.Dictionary() }));
      return;
    }
    const stepEnv = new data.Dictionary(...jobEnv.pairs());
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(step.env ?? {})) {
      env[key] = template(value, stepEnv);
      stepEnv.add(key, new data.StringData(env[key]));
    }
    const given = Object.fromEntries(Object.entries(step.with ?? {}).map(([key, value]) => [key, template(value, stepEnv)]));
    let outcome: 'success' | 'failure';
    let outputs: Record<string, string>;
    let log = '';
    if (step.run !== undefined) {
      const result = runStepScript(step.run, env);
      outcome = result.exitCode === 0 ? 'success' : 'failure';
      outputs = result.outputs;
      log = result.stdout;
    } else {
      outcome = scenario.failing?.includes(label) ? 'failure' : 'success';
      outputs = (step.id && scenario.outputs?.[step.id]) || {};
    }
    if (outcome === 'failure') failed = true;
    if (step.id) steps.add(step.id, dictionary({ outcome, conclusion: outcome }, { outputs: dictionary(outputs) }));
    ran.push({ step: label, with: given, env, outcome, outputs, log });
  });
  return {
    ran,
    status: failed ? 'failure' : 'success',
    steps: () => ran.map((record) => record.step),
    get: (step) => ran.find((record) => record.step === step),
  };
}

function toData(value: string | boolean | number): data.ExpressionData {
  if (typeof value === 'boolean') return new data.BooleanData(value);
  if (typeof value === 'number') return new data.NumberData(value);
  return new data.StringData(value);
}

function dictionary(values: Record<string, string>, extra: Record<string, data.ExpressionData> = {}): data.Dictionary {
  const result = new data.Dictionary();
  for (const [key, value] of Object.entries(values)) result.add(key, new data.StringData(value));
  for (const [key, value] of Object.entries(extra)) result.add(key, value);
  return result;
}
