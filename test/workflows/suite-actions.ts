import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allActions } from '../../src/actions/all-actions.js';
import { parseActionYml } from './github-parser.js';
import { repoRoot } from './workflow-doc.js';

export interface SuiteInput {
  required: boolean;
  /** Masked and meant for secrets (from the action's metadata in src/actions). */
  secret: boolean;
}

/** One of the suite's actions as a workflow step sees it: the inputs it declares. */
export interface SuiteAction {
  folder: string;
  /** The action.yml the inputs were read from. */
  source: string;
  inputs: ReadonlyMap<string, SuiteInput>;
}

/** The interface github-deployment was specified with, used until its action.yml is in the repository. */
export const githubDeploymentInterface = 'test/workflows/fixtures/github-deployment.action.yml';

/** Reads an action.yml through GitHub's action parser; a file it rejects is an error here too. */
export function readActionYml(folder: string, relativePath: string): SuiteAction {
  const { errors, template } = parseActionYml(relativePath, readFileSync(join(repoRoot, relativePath), 'utf8'));
  if (!template || errors.length > 0) throw new Error(`${relativePath} does not parse: ${errors.join('; ')}`);
  const secret = new Set(allActions.find((action) => action.folder === folder)?.inputs.filter((spec) => spec.secret).map((spec) => spec.name));
  return {
    folder,
    source: relativePath,
    inputs: new Map((template.inputs ?? []).map((input) => [input.id, { required: input.required === true, secret: secret.has(input.id) }])),
  };
}

/** The action folders at the repository root (each holding an action.yml). */
export function actionFolders(): string[] {
  return readdirSync(repoRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(repoRoot, entry.name, 'action.yml')))
    .map((entry) => entry.name)
    .sort();
}

/** Every action a workflow may run from `./.bot-deploy/<folder>`, by folder. */
export function loadSuiteActions(): Map<string, SuiteAction> {
  const actions = new Map(actionFolders().map((folder) => [folder, readActionYml(folder, `${folder}/action.yml`)]));
  if (!actions.has('github-deployment')) actions.set('github-deployment', readActionYml('github-deployment', githubDeploymentInterface));
  return actions;
}
