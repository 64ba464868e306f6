import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { convertActionTemplate, parseAction, type ActionTemplate } from '@actions/workflow-parser/actions/index';
import type { FileProvider } from '@actions/workflow-parser/workflows/file-provider';
import type { FileReference } from '@actions/workflow-parser/workflows/file-reference';
import { repoRoot } from './workflow-doc.js';

/** What GitHub's own workflow parser makes of a file: its errors and the events it triggers on. */
export interface ParsedWorkflow {
  errors: string[];
  events: string[];
}

/**
 * Parses and converts a workflow as GitHub does. With `provider`, the reusable workflows its jobs
 * call are loaded too, so the inputs and secrets a caller passes are checked against theirs.
 */
export async function parseWithGitHub(name: string, content: string, provider?: FileProvider): Promise<ParsedWorkflow> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((error) => error.message);
  if (!parsed.value) return { errors, events: [] };
  const template = await convertWorkflowTemplate(parsed.context, parsed.value, provider, provider ? { fetchReusableWorkflowDepth: 1 } : {});
  return {
    errors: [...new Set([...errors, ...(template.errors ?? []).map((error) => error.Message)])],
    events: Object.keys(template.events ?? {}),
  };
}

/**
 * Resolves `OWNER/bot-deploy/.github/workflows/<file>@<ref>` (the templates' placeholder) to this
 * checkout's file, as the copied template will resolve it to the published suite. Any other
 * reference is not found, which the parser reports.
 */
export const suiteWorkflowProvider: FileProvider = {
  async getFileContent(ref: FileReference) {
    if (!('owner' in ref) || ref.owner !== 'OWNER' || ref.repository !== 'bot-deploy' || !/^\.github\/workflows\/[a-z-]+\.yml$/.test(ref.path)) {
      throw new Error(`not a suite workflow: ${JSON.stringify(ref)}`);
    }
    return { name: ref.path, content: readFileSync(join(repoRoot, ref.path), 'utf8') };
  },
};

export interface ParsedAction {
  errors: string[];
  template?: ActionTemplate;
}

/** Parses an action.yml with GitHub's action schema. */
export function parseActionYml(name: string, content: string): ParsedAction {
  const parsed = parseAction({ name, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((error) => error.message);
  if (!parsed.value || errors.length > 0) return { errors };
  const template = convertActionTemplate(parsed.context, parsed.value);
  return { errors: parsed.context.errors.getErrors().map((error) => error.message), template };
}
