import * as core from '@actions/core';
import type { ActionMetadata } from '../actions/action-metadata.js';
import { Inputs } from '../inputs/inputs.js';
import { WorkspaceFiles } from '../inputs/workspace-files.js';
import type { Log } from '../log/log.js';
import { ActionFailure } from './action-failure.js';
import { actionsLog } from './actions-log.js';
import { Journal, parseJournal, type CleanupJournal } from '../pipeline/cleanup-journal.js';
import { LOCK_TOKEN_VARIABLE, runInfo, type RunInfo } from '../pipeline/run-info.js';
import { failStep } from './fail-step.js';
import { SummaryBuffer, type JobSummary } from '../log/job-summary.js';
import { messageOf } from '../errors/message-of.js';

/** The step state the post step reads the cleanup journal from. */
export const JOURNAL_STATE = 'cleanup-journal';
const POST_STATE = 'is-post';

export type Outputs = Record<string, string | number | boolean>;

/** Everything an action's core receives from the runner. */
export interface ActionContext {
  inputs: Inputs;
  log: Log;
  summary: JobSummary;
  run: RunInfo;
  /** What the run leaves on hosts until it is undone, saved as step state for the post step. */
  journal: CleanupJournal;
  /** The repository's files (GITHUB_WORKSPACE), never a path outside it. */
  workspace: WorkspaceFiles;
}

/**
 * The one place that talks to the runner for an action: builds the context, runs the core, sets the
 * outputs, writes the job summary (also after a failure) and turns an error into one failed line.
 */
export async function runAction(
  action: ActionMetadata,
  work: (context: ActionContext) => Promise<Outputs>,
  options: { post?: (context: ActionContext) => Promise<void> } = {},
): Promise<void> {
  if (core.getState(POST_STATE) === 'true') {
    await runPost(action, options.post);
    return;
  }
  const summary = new SummaryBuffer();
  const run = runInfo(process.env);
  if (options.post) {
    // The same bundle is the post step (`runs.post`): this state tells the post run apart.
    core.saveState(POST_STATE, 'true');
    // An action with a post step holds the deploy lock: later steps of the job hold it under the same token, never waiting on this one.
    core.exportVariable(LOCK_TOKEN_VARIABLE, run.lockToken);
  }
  const context: ActionContext = {
    inputs: new Inputs(action.inputs, runnerInput),
    log: actionsLog,
    summary,
    run,
    journal: new Journal([], (entries) => core.saveState(JOURNAL_STATE, JSON.stringify(entries))),
    workspace: runnerWorkspace(),
  };
  try {
    setOutputs(await work(context));
  } catch (error) {
    if (error instanceof ActionFailure) setOutputs(error.outputs);
    failStep(error, core);
  } finally {
    // The root action's folder is `.`: its summary is headed with the suite's name.
    await writeSummary(action.folder === '.' ? action.name : action.folder, summary);
  }
}

/**
 * The post step (`post-if: always()`, so also after a failure or a cancel): it connects only when
 * the journal says the main run left something on a host.
 */
async function runPost(action: ActionMetadata, post: ((context: ActionContext) => Promise<void>) | undefined): Promise<void> {
  const journal = new Journal(parseJournal(core.getState(JOURNAL_STATE)), (entries) => core.saveState(JOURNAL_STATE, JSON.stringify(entries)));
  if (!post || journal.entries().length === 0) return;
  try {
    await post({ inputs: new Inputs(action.inputs, runnerInput), log: actionsLog, summary: new SummaryBuffer(), run: runInfo(process.env), journal, workspace: runnerWorkspace() });
  } catch (error) {
    // Cleanup never fails the job: the lock goes stale and the next deploy takes it over.
    core.warning(`Cleanup after ${action.folder} failed: ${messageOf(error)}`);
  }
}

const runnerWorkspace = (): WorkspaceFiles => new WorkspaceFiles(process.env.GITHUB_WORKSPACE || process.cwd());

/**
 * An input as the runner passed it, untrimmed (core.getInput trims, which would change a key or a
 * passphrase with surrounding spaces); Inputs trims the ordinary ones itself.
 */
function runnerInput(name: string): string {
  return process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '';
}

function setOutputs(outputs: Outputs): void {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, String(value));
}

async function writeSummary(title: string, buffer: SummaryBuffer): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY || buffer.sections.length === 0) return;
  core.summary.addHeading(title, 2);
  for (const { heading, rows } of buffer.sections) {
    if (heading) core.summary.addHeading(escapeHtml(heading), 3);
    core.summary.addTable([
      [{ data: 'Item', header: true }, { data: 'Value', header: true }],
      ...rows.map(([label, value]) => [escapeHtml(label), escapeHtml(value)]),
    ]);
  }
  await core.summary.write();
}

/** The summary is HTML: values carrying user text (hosts, error messages) must not become markup. */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
