import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { truthy } from '@actions/expressions/result';
import { runStepScript } from './run-script.js';
import { scriptedActions } from './scripted-actions.js';
import { conditionText, stepLabel, workflowCallInputs, type WorkflowDoc } from './workflow-doc.js';

/**
 * One job of a workflow, run the way the runner runs it, for given inputs, secrets, variables and
 * github context. Conditions and `${{ }}` values are evaluated with GitHub's expression library;
 * `run:` steps really run (bash, with their evaluated `env:`), so their outputs, exported variables
 * and exit codes feed later steps as on a runner. `uses:` steps go to an executor: by default
 * scriptedActions (they succeed, or fail when the scenario says so, with the outputs it gives
 * them); an end-to-end test passes one that runs the suite's bundles. Post steps the executor
 * returns run after the main steps, last first, under their own condition, as the runner runs them.
 */
export interface Scenario {
  inputs?: Record<string, string | boolean | number>;
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
  /** scriptedActions: action steps (by id or name) that fail when they run. */
  failing?: readonly string[];
  /** scriptedActions: outputs action steps set when they run, by step id. */
  outputs?: Record<string, Record<string, string>>;
  /** The github context over the defaults below; each value (but `token`) also reaches steps as GITHUB_<NAME>. */
  github?: Record<string, string>;
  /** The runner's workspace (GITHUB_WORKSPACE): `run:` steps start there. */
  workspace?: string;
}

/** A `uses:` step as the runner hands it to the action. */
export interface ActionStep {
  label: string;
  uses: string;
  /** The step's `with:`, evaluated. */
  with: Record<string, string>;
  /** The action's environment: GITHUB_*, the job's env, what earlier steps exported, the step's env. */
  env: Record<string, string>;
  /** Evaluates the `${{ }}` in a text in this step's context, as the runner does with an action.yml default. */
  template: (text: string) => string;
}

export interface StepResult {
  outcome: 'success' | 'failure';
  outputs: Record<string, string>;
  /** Variables for the later steps of the job (GITHUB_ENV). */
  exported?: Record<string, string>;
  log?: string;
}

/** The post step of an action that declares `runs.post`, run when `condition` (post-if) holds at the end of the job. */
export interface PostStep {
  condition: string;
  run: () => Promise<StepResult>;
}

export type ActionExecutor = (step: ActionStep) => Promise<StepResult & { post?: PostStep }>;

export interface StepRecord {
  /** The step's label (id, else name); a post step's is `post <label>`. */
  step: string;
  /** The step's `with:` and `env:` as evaluated when it ran. */
  with: Record<string, string>;
  env: Record<string, string>;
  outcome: 'success' | 'failure';
  outputs: Record<string, string>;
  /** What a `run:` step printed, or what the executor reports for an action. */
  log: string;
}

export interface SimulatedJob {
  ran: StepRecord[];
  status: 'success' | 'failure';
  /** The job's `outputs:`, evaluated at its end. */
  outputs: Record<string, string>;
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
  api_url: 'https://api.github.com',
  run_id: '4242',
  ref_type: 'branch',
  ref_name: 'main',
  token: 'job-token',
};

const STATUS_FUNCTION = /\b(always|success|failure|cancelled)\s*\(/i;
const CONTEXTS = ['github', 'inputs', 'vars', 'secrets', 'env', 'steps', 'job', 'runner', 'needs', 'matrix', 'strategy'];

export async function simulateJob(doc: WorkflowDoc, jobId: string, scenario: Scenario, runAction: ActionExecutor = scriptedActions(scenario)): Promise<SimulatedJob> {
  const job = doc.jobs[jobId];
  if (!job) throw new Error(`no job ${jobId}`);
  let failed = false;
  const github = { ...GITHUB, ...scenario.github };
  const steps = new data.Dictionary();
  const inputs = new data.Dictionary();
  for (const [name, input] of Object.entries(workflowCallInputs(doc))) {
    const given = scenario.inputs?.[name];
    inputs.add(name, toData(given ?? input.default ?? (input.type === 'boolean' ? false : input.type === 'number' ? 0 : '')));
  }
  const contexts = (env: Record<string, string>): data.Dictionary =>
    new data.Dictionary(
      { key: 'github', value: dictionary(github) },
      { key: 'inputs', value: inputs },
      { key: 'vars', value: dictionary(scenario.vars ?? {}) },
      { key: 'secrets', value: dictionary({ GITHUB_TOKEN: github.token ?? '', ...scenario.secrets }) },
      { key: 'env', value: dictionary(env) },
      { key: 'steps', value: steps },
      { key: 'job', value: dictionary({ status: failed ? 'failure' : 'success', workflow_repository: 'acme/bot-deploy', workflow_sha: 'f'.repeat(40) }) },
    );
  const functions = new Map<string, FunctionDefinition>([
    ['always', { name: 'always', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(true) }],
    ['success', { name: 'success', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(!failed) }],
    ['failure', { name: 'failure', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(failed) }],
    ['cancelled', { name: 'cancelled', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(false) }],
  ]);
  const evaluate = (expression: string, env: Record<string, string>): data.ExpressionData => {
    const lexed = new Lexer(expression).lex();
    const parsed = new Parser(lexed.tokens, CONTEXTS, [...functions.values()]).parse();
    return new Evaluator(parsed, contexts(env), functions).evaluate();
  };
  const template = (value: unknown, env: Record<string, string>): string =>
    String(value).replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) => evaluate(expression, env).coerceString());
  /** A step runs when its `if:` holds; without a status function, only while nothing failed. */
  const holds = (condition: string | boolean | undefined, env: Record<string, string>): boolean => {
    const text = conditionText(condition) ?? 'success()';
    return truthy(evaluate(STATUS_FUNCTION.test(text) ? text : `success() && (${text})`, env));
  };

  // The runner's own variables, which every step's process gets.
  const runnerEnv: Record<string, string> = {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    ...Object.fromEntries(Object.entries(github).flatMap(([key, value]) => (key === 'token' ? [] : [[`GITHUB_${key.toUpperCase()}`, value]]))),
    ...(scenario.workspace ? { GITHUB_WORKSPACE: scenario.workspace } : {}),
  };
  // The `env` context: the job's env, then what steps export (GITHUB_ENV), then each step's own.
  const jobEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(job.env ?? {})) jobEnv[key] = template(value, jobEnv);

  const ran: StepRecord[] = [];
  const posts: Array<{ label: string; with: Record<string, string>; env: Record<string, string>; post: PostStep }> = [];
  const record = (step: string, given: Record<string, string>, env: Record<string, string>, result: StepResult): void => {
    if (result.outcome === 'failure') failed = true;
    Object.assign(jobEnv, result.exported);
    ran.push({ step, with: given, env, outcome: result.outcome, outputs: result.outputs, log: result.log ?? '' });
  };

  for (const [index, step] of (job.steps ?? []).entries()) {
    const label = stepLabel(step, index);
    if (!holds(step.if, jobEnv)) {
      if (step.id) steps.add(step.id, stepData('skipped', {}));
      continue;
    }
    const stepEnv = { ...jobEnv };
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(step.env ?? {})) {
      env[key] = template(value, stepEnv);
      stepEnv[key] = env[key];
    }
    const given = Object.fromEntries(Object.entries(step.with ?? {}).map(([key, value]) => [key, template(value, stepEnv)]));
    let result: StepResult;
    if (step.run !== undefined) {
      const script = await runStepScript(step.run, { ...runnerEnv, ...stepEnv }, scenario.workspace);
      result = { outcome: script.exitCode === 0 ? 'success' : 'failure', outputs: script.outputs, exported: script.exported, log: script.stdout };
    } else if (step.uses !== undefined) {
      const { post, ...main } = await runAction({ label, uses: step.uses, with: given, env: { ...runnerEnv, ...stepEnv }, template: (text) => template(text, stepEnv) });
      result = main;
      if (post) posts.push({ label, with: given, env: { ...runnerEnv, ...stepEnv }, post });
    } else {
      throw new Error(`step ${label} has neither run nor uses`);
    }
    if (step.id) steps.add(step.id, stepData(result.outcome, result.outputs));
    record(label, given, env, result);
  }

  for (const { label, with: given, env, post } of posts.reverse()) {
    if (!holds(post.condition, jobEnv)) continue;
    record(`post ${label}`, given, env, await post.run());
  }

  const outputs = Object.fromEntries(Object.entries(job.outputs ?? {}).map(([key, value]) => [key, template(value, jobEnv)]));
  return {
    ran,
    status: failed ? 'failure' : 'success',
    outputs,
    steps: () => ran.map((entry) => entry.step),
    get: (step) => ran.find((entry) => entry.step === step),
  };
}

function stepData(outcome: 'success' | 'failure' | 'skipped', outputs: Record<string, string>): data.Dictionary {
  return dictionary({ outcome, conclusion: outcome }, { outputs: dictionary(outputs) });
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
