import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkSuiteActionInputs } from './action-inputs.js';
import { githubDeploymentInterface, loadSuiteActions, readActionYml } from './suite-actions.js';
import { readWorkflow, repoRoot, reusablePaths, workflowFromText } from './workflow-doc.js';

const actions = loadSuiteActions();

describe("the suite's action steps in the reusable workflows", () => {
  // ci.yml runs none of the suite's actions.
  it.each(reusablePaths().filter((path) => path.includes('/cd-')))('%s passes only declared inputs and every required one', (path) => {
    expect(checkSuiteActionInputs(readWorkflow(path), actions)).toEqual([]);
  });

  it('the deploy workflows run the actions they are built from', () => {
    const used = (path: string): string[] =>
      Object.values(readWorkflow(path).doc.jobs).flatMap((job) => (job.steps ?? []).flatMap((step) => (step.uses?.startsWith('./.bot-deploy/') ? [step.uses.slice('./.bot-deploy/'.length)] : [])));
    expect(new Set(used('.github/workflows/cd-production.yml'))).toEqual(
      new Set(['ssh-deploy', 'blue-green-switch', 'health-gate', 'pg-backup-to-spaces', 'slack-notify', 'telegram-notify', 'github-deployment']),
    );
    expect(new Set(used('.github/workflows/cd-staging.yml'))).toEqual(new Set(['ssh-deploy', 'blue-green-switch', 'health-gate', 'slack-notify', 'telegram-notify', 'github-deployment']));
  });

  it('finds an undeclared input, a missing or empty required one and an unknown action', () => {
    const planted = workflowFromText(
      'planted.yml',
      `on: workflow_call
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - id: stage
        if: inputs.never
        uses: ./.bot-deploy/ssh-deploy
        with:
          app: bot
          host: example.org
          user: deploy
          private-key: \${{ secrets.KEY }}
          stratgy: none
      - id: switch
        uses: ./.bot-deploy/blue-green-switch
        with:
          app: bot
          service: ""
          host: example.org
          user: deploy
          private-key: \${{ secrets.KEY }}
      - id: other
        uses: ./.bot-deploy/ssh-deploy-v2
`,
    );
    expect(checkSuiteActionInputs(planted, actions).map(({ problem, where, message }) => `${problem} ${where}: ${message}`)).toEqual([
      'undeclared-input planted.yml jobs.deploy stage: passes `stratgy`, which ssh-deploy/action.yml does not declare',
      'empty-required planted.yml jobs.deploy switch: passes an empty `service`, which blue-green-switch/action.yml requires',
      'unknown-action planted.yml jobs.deploy other: uses ./.bot-deploy/ssh-deploy-v2, which is not one of the suite\'s actions',
    ]);
    const missing = workflowFromText('planted.yml', planted.text.replace('          user: deploy\n          private-key: ${{ secrets.KEY }}\n          stratgy: none\n', '          user: deploy\n'));
    expect(checkSuiteActionInputs(missing, actions).map((finding) => finding.message)).toContain('does not pass `private-key`, which ssh-deploy/action.yml requires');
  });
});

describe('the github-deployment interface the workflows were written against', () => {
  it('is the one the checks use until github-deployment/action.yml exists', () => {
    const real = existsSync(join(repoRoot, 'github-deployment/action.yml'));
    expect(actions.get('github-deployment')?.source).toBe(real ? 'github-deployment/action.yml' : githubDeploymentInterface);
  });

  it('offers the inputs the workflows pass and requires no other (the real action too, once it exists)', () => {
    const inUse = actions.get('github-deployment');
    const fixture = readActionYml('github-deployment', githubDeploymentInterface);
    for (const action of [fixture, inUse]) {
      if (!action) throw new Error('no github-deployment');
      const required = [...action.inputs].filter(([, input]) => input.required).map(([name]) => name);
      expect({ source: action.source, required: required.filter((name) => name !== 'step') }).toEqual({ source: action.source, required: [] });
      for (const name of ['token', 'step', 'environment', 'environment-url', 'ref', 'version', 'deployment-id', 'status', 'rollback', 'fail-on-error']) {
        expect({ source: action.source, name, declared: action.inputs.has(name) }).toEqual({ source: action.source, name, declared: true });
      }
    }
  });
});
