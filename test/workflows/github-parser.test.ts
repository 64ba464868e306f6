import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseActionYml, parseWithGitHub, suiteWorkflowProvider } from './github-parser.js';
import { actionFolders, githubDeploymentInterface } from './suite-actions.js';
import { allWorkflowPaths, repoRoot, reusablePaths } from './workflow-doc.js';

const text = (path: string): string => readFileSync(join(repoRoot, path), 'utf8');

describe("GitHub's workflow parser", () => {
  it('finds the reusable workflows, this repository’s own and the templates', () => {
    expect(allWorkflowPaths()).toEqual(
      expect.arrayContaining([...reusablePaths(), '.github/workflows/check-dist.yml', 'workflows/bot-ci.yml', 'workflows/bot-staging.yml', 'workflows/bot-production.yml']),
    );
  });

  it.each(allWorkflowPaths())('parses %s without an error', async (path) => {
    const parsed = await parseWithGitHub(path, text(path), path.startsWith('workflows/') ? suiteWorkflowProvider : undefined);
    expect(parsed.errors).toEqual([]);
    expect(parsed.events.length).toBeGreaterThan(0);
  });

  it.each(reusablePaths())('reads %s as a reusable workflow, triggered by workflow_call only', async (path) => {
    expect((await parseWithGitHub(path, text(path))).events).toEqual(['workflow_call']);
  });

  it.each([
    ['workflows/bot-ci.yml', ['push', 'pull_request']],
    ['workflows/bot-staging.yml', ['push']],
    ['workflows/bot-production.yml', ['push', 'workflow_dispatch']],
  ])('reads %s as triggered by %j', async (path, events) => {
    expect((await parseWithGitHub(path, text(path), suiteWorkflowProvider)).events).toEqual(events);
  });

  it('checks what a template passes against the reusable workflow it calls', async () => {
    const planted = text('workflows/bot-staging.yml')
      .replace('      app: my-bot\n', '')
      .replace('      strategy: blue-green', '      stratgy: blue-green')
      .replace('      SSH_PRIVATE_KEY: ${{ secrets.SSH_PRIVATE_KEY }}', '      SSH_KEY: ${{ secrets.SSH_PRIVATE_KEY }}');
    const { errors } = await parseWithGitHub('planted.yml', planted, suiteWorkflowProvider);
    expect(errors).toEqual([
      expect.stringContaining('Input app is required, but not provided while calling.'),
      expect.stringContaining('Invalid input, stratgy is not defined in the referenced workflow.'),
      expect.stringContaining('Invalid secret, SSH_KEY is not defined in the referenced workflow.'),
    ]);
  });

  it('reports a reusable workflow a template names but the suite does not have', async () => {
    const planted = text('workflows/bot-ci.yml').replace('workflows/ci.yml@v1', 'workflows/lint.yml@v1');
    expect((await parseWithGitHub('planted.yml', planted, suiteWorkflowProvider)).errors).toEqual([expect.stringContaining('Unable to find reusable workflow')]);
  });

  it('rejects a step that is not valid workflow syntax', async () => {
    const planted = text('.github/workflows/cd-production.yml').replace('        uses: ./.bot-deploy/ssh-deploy\n', '        uses: ./.bot-deploy/ssh-deploy\n        run: echo both\n');
    expect((await parseWithGitHub('planted.yml', planted)).errors.length).toBeGreaterThan(0);
  });
});

describe("GitHub's action parser", () => {
  it.each([...actionFolders().map((folder) => `${folder}/action.yml`), githubDeploymentInterface])('parses %s without an error, as a node24 action', (path) => {
    const { errors, template } = parseActionYml(path, text(path));
    expect(errors).toEqual([]);
    expect(template?.runs).toMatchObject({ using: 'node24' });
    expect(template?.inputs?.length).toBeGreaterThan(3);
  });

  it('covers every action of the suite', () => {
    expect(actionFolders()).toEqual(expect.arrayContaining(['blue-green-switch', 'health-gate', 'pg-backup-to-spaces', 'slack-notify', 'ssh-deploy', 'telegram-notify']));
  });

  it('rejects an action.yml GitHub would refuse', () => {
    const planted = text('ssh-deploy/action.yml').replace('  using: node24', '  using: node99');
    expect(parseActionYml('planted.yml', planted).errors.length).toBeGreaterThan(0);
  });
});
