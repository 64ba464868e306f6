import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';

const root = new URL('../..', import.meta.url).pathname;

export interface ActionRun {
  code: number;
  /**
   * stdout and stderr interleaved, without the `::add-mask::` commands (which the runner swallows).
   * Nothing is masked here, so a secret found in it is a secret the action printed.
   */
  log: string;
  /** The values the action asked the runner to mask. */
  masks: string[];
  outputs: Record<string, string>;
  /** What the step saved for its post step (core.saveState). */
  state: Record<string, string>;
  /** What the step exported to later steps of the job (core.exportVariable). */
  exported: Record<string, string>;
  summary: string;
  durationMs: number;
}

/**
 * Runs `dist/<action>/index.js` the way the GitHub runner does: every input as an INPUT_<NAME>
 * variable (upper-cased, dashes kept), the ones not given set to the default of the (generated)
 * action.yml, outputs and the job summary through the GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files,
 * under the same Node that runs the tests (Node 24).
 */
export async function runDistAction(
  action: string,
  inputs: Record<string, string>,
  options: {
    env?: Record<string, string>;
    cwd?: string;
    onLine?: (line: string) => void;
    /** Kills the process with `signal` at the first line that matches, or `afterMs` later (a cancelled or killed job). */
    killAt?: { line: RegExp; signal: NodeJS.Signals; afterMs?: number };
    /** Runs the action's post step: the state a main run saved (ActionRun.state). */
    postOf?: ActionRun;
  } = {},
): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), `run-${action}-`));
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary');
  const stateFile = join(dir, 'state');
  const envFile = join(dir, 'env');
  for (const file of [outputFile, summaryFile, stateFile, envFile]) writeFileSync(file, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_STATE: stateFile,
    GITHUB_ENV: envFile,
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTOR: 'octocat',
    GITHUB_REPOSITORY: 'acme/sample-bot',
    GITHUB_RUN_ID: '4242',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_WORKSPACE: options.cwd ?? root,
    RUNNER_TEMP: dir,
    // The runner hands a post step the main step's saved state as STATE_<name>.
    ...Object.fromEntries(Object.entries(options.postOf?.state ?? {}).map(([name, value]) => [`STATE_${name}`, value])),
    ...options.env,
  };
  const metadata = actionYml(action);
  for (const [name, value] of Object.entries({ ...metadata.defaults, ...inputs })) env[`INPUT_${name.toUpperCase()}`] = value;
  const started = Date.now();
  const child = spawn(process.execPath, [metadata.main], { cwd: options.cwd ?? root, env });
  let log = '';
  let partial = '';
  const collect = (chunk: Buffer): void => {
    log += chunk.toString();
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      options.onLine?.(line);
      const { killAt } = options;
      if (killAt?.line.test(line)) setTimeout(() => child.kill(killAt.signal), killAt.afterMs ?? 0);
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const code = await new Promise<number>((resolve) => child.on('close', (status) => resolve(status ?? -1)));
  const lines = log.split('\n');
  return {
    code,
    log: lines.filter((line) => !line.startsWith('::add-mask::')).join('\n'),
    masks: lines.filter((line) => line.startsWith('::add-mask::')).map((line) => line.slice('::add-mask::'.length)),
    outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    state: parseOutputs(readFileSync(stateFile, 'utf8')),
    exported: parseOutputs(readFileSync(envFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    durationMs: Date.now() - started,
  };
}

/**
 * What the runner reads from `<action>/action.yml` (`.` for the root action): the defaults it passes
 * for inputs left out, and the bundle `runs.main` names, relative to the action's folder.
 */
function actionYml(action: string): { defaults: Record<string, string>; main: string } {
  const folder = join(root, action);
  const { inputs, runs } = YAML.parse(readFileSync(join(folder, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }>; runs: { main: string } };
  const defaults = Object.fromEntries(Object.entries(inputs).flatMap(([name, spec]) => (spec.default === undefined ? [] : [[name, spec.default]])));
  return { defaults, main: join(folder, runs.main) };
}

/** The runner's file command format (outputs, state, env): `name<<DELIMITER\nvalue\nDELIMITER\n`. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const pattern = /^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const match of text.matchAll(pattern)) outputs[match[1] as string] = match[3] as string;
  return outputs;
}
