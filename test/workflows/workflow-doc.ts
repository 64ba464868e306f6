import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';

/** A workflow as its YAML says it: only the keys the checks read are typed. */
export interface StepDoc {
  id?: string;
  name?: string;
  if?: string | boolean;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

export interface JobDoc {
  name?: string;
  uses?: string;
  if?: string | boolean;
  needs?: string | string[];
  permissions?: Record<string, string> | string;
  environment?: unknown;
  concurrency?: unknown;
  env?: Record<string, unknown>;
  with?: Record<string, unknown>;
  secrets?: Record<string, unknown> | string;
  outputs?: Record<string, unknown>;
  steps?: StepDoc[];
}

export interface WorkflowCallInput {
  type: 'string' | 'boolean' | 'number';
  required?: boolean;
  default?: string | boolean | number;
}

export interface WorkflowDoc {
  name?: string;
  on: unknown;
  permissions?: Record<string, string> | string;
  env?: Record<string, unknown>;
  concurrency?: unknown;
  jobs: Record<string, JobDoc>;
}

/** One workflow file: where it is, its text (comments matter to some checks) and its YAML. */
export interface WorkflowFile {
  path: string;
  text: string;
  doc: WorkflowDoc;
}

export const repoRoot = new URL('../..', import.meta.url).pathname;

/** The reusable workflows bot repos call: the suite's public surface under .github/workflows/. */
export const reusableWorkflowNames = ['ci.yml', 'cd-staging.yml', 'cd-production.yml'] as const;

export function workflowFromText(path: string, text: string): WorkflowFile {
  const doc = YAML.parse(text) as WorkflowDoc;
  if (typeof doc !== 'object' || doc === null || typeof doc.jobs !== 'object') throw new Error(`${path}: not a workflow (no jobs)`);
  return { path, text, doc };
}

export function readWorkflow(relativePath: string): WorkflowFile {
  return workflowFromText(relativePath, readFileSync(join(repoRoot, relativePath), 'utf8'));
}

/** Every workflow of this repository (.github/workflows/) and every caller template (workflows/). */
export function allWorkflowPaths(): string[] {
  const list = (dir: string): string[] =>
    readdirSync(join(repoRoot, dir))
      .filter((name) => /\.ya?ml$/.test(name))
      .sort()
      .map((name) => `${dir}/${name}`);
  return [...list('.github/workflows'), ...list('workflows')];
}

export function templatePaths(): string[] {
  return allWorkflowPaths().filter((path) => path.startsWith('workflows/'));
}

export function reusablePaths(): string[] {
  return reusableWorkflowNames.map((name) => `.github/workflows/${name}`);
}

/** The `workflow_call` inputs a reusable workflow declares. */
export function workflowCallInputs(doc: WorkflowDoc): Record<string, WorkflowCallInput> {
  const on = doc.on as { workflow_call?: { inputs?: Record<string, WorkflowCallInput> } };
  return on.workflow_call?.inputs ?? {};
}

export function workflowCallSecrets(doc: WorkflowDoc): string[] {
  const on = doc.on as { workflow_call?: { secrets?: Record<string, unknown> } };
  return Object.keys(on.workflow_call?.secrets ?? {});
}

/** A step's name for messages: its id, else its name, else its position. */
export function stepLabel(step: StepDoc, index: number): string {
  return step.id ?? step.name ?? `step ${index + 1}`;
}

/** The expression text of an `if:` (the `${{ }}` wrapper is optional there). */
export function conditionText(condition: string | boolean | undefined): string | undefined {
  if (condition === undefined) return undefined;
  if (typeof condition === 'boolean') return String(condition);
  const wrapped = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(condition);
  return (wrapped ? (wrapped[1] as string) : condition).trim();
}
