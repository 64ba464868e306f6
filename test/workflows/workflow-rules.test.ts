import { loadSuiteActions } from './suite-actions.js';
import { checkWorkflow, type RuleContext, type RuleName } from './workflow-rules.js';
import { allWorkflowPaths, readWorkflow, workflowFromText } from './workflow-doc.js';

const context: RuleContext = {
  actions: loadSuiteActions(),
  calledWorkflow: (uses) => {
    const path = /^OWNER\/bot-deploy\/(\.github\/workflows\/[a-z-]+\.yml)@/.exec(uses)?.[1];
    return path ? readWorkflow(path).doc : undefined;
  },
};

/** A real workflow with one change; the change must apply, or the test would prove nothing. */
function planted(path: string, ...changes: Array<[string | RegExp, string]>): ReturnType<typeof workflowFromText> {
  let text = readWorkflow(path).text;
  for (const [from, to] of changes) {
    const changed = text.replace(from, to);
    if (changed === text) throw new Error(`${path} has no ${String(from)} to change`);
    text = changed;
  }
  return workflowFromText(path, text);
}

const rulesBroken = (file: ReturnType<typeof workflowFromText>): RuleName[] => [...new Set(checkWorkflow(file, context).map((finding) => finding.rule))];

describe('the rules for workflows and templates', () => {
  it.each(allWorkflowPaths())('%s keeps every rule', (path) => {
    expect(checkWorkflow(readWorkflow(path), context)).toEqual([]);
  });

  const PRODUCTION = '.github/workflows/cd-production.yml';
  const STAGING = '.github/workflows/cd-staging.yml';
  const CI = '.github/workflows/ci.yml';

  it.each<[string, RuleName | RuleName[], string, ...Array<[string | RegExp, string]>]>([
    ['no top-level permissions', 'workflow-permissions', PRODUCTION, ['\npermissions: {}\n', '\n']],
    ['a top-level grant', 'workflow-permissions', CI, ['\npermissions: {}\n', '\npermissions: read-all\n']],
    ['a job without permissions', 'job-permissions', CI, ['    permissions:\n      contents: read\n    # An empty image', '    # An empty image']],
    ['an OIDC token nothing asks for', 'write-permission-use', PRODUCTION, ['      deployments: write # github-deployment\n', '      deployments: write # github-deployment\n      id-token: write\n']],
    ['deployments: write in a job without github-deployment', 'write-permission-use', CI, ['    permissions:\n      contents: read\n    # An empty image', '    permissions:\n      contents: read\n      deployments: write\n    # An empty image']],
    ['github-deployment without deployments: write', 'write-permission-use', STAGING, ['      deployments: write # github-deployment\n', '']],
    ['packages: write in a job that pushes nothing', 'write-permission-use', STAGING, ['      packages: read # the host', '      packages: write # the host']],
    ['a caller granting less than the called jobs need', 'caller-permissions', 'workflows/bot-staging.yml', ['      packages: read\n      deployments: write\n', '      packages: read\n']],
    ['a caller granting more than the called jobs use', 'caller-permissions', 'workflows/bot-ci.yml', ['      packages: write\n', '      packages: write\n      actions: write\n']],
    ['an expression in a script', 'expression-in-run', STAGING, ['          fail() { echo "::error title=bot-deploy::$1"; exit 1; }', '          fail() { echo "::error title=${{ inputs.app }}::$1"; exit 1; }']],
    ['a secret in the job environment', 'secret-placement', PRODUCTION, ["      NOTIFY_SLACK: ${{ secrets.SLACK_BOT_TOKEN != '' || secrets.SLACK_WEBHOOK_URL != '' }}", '      NOTIFY_SLACK: ${{ secrets.SLACK_BOT_TOKEN }}']],
    ['a secret handed to a script', 'secret-placement', PRODUCTION, ["          HAS_SSH_KEY: ${{ secrets.SSH_PRIVATE_KEY != '' }}", '          SSH_KEY: ${{ secrets.SSH_PRIVATE_KEY }}']],
    ['a secret in a job output', 'secret-placement', STAGING, ['      status: ${{ steps.outcome.outputs.status }}', '      status: ${{ secrets.BOT_ENV }}']],
    ['a secret sent as message text', 'secret-to-plain-input', PRODUCTION, ['          status: started\n', '          status: started\n          text: ${{ secrets.BOT_ENV }}\n']],
    ['the job token sent as a title', 'secret-to-plain-input', STAGING, ["          title: ${{ format('Deploy of {0}', inputs.app) }}", '          title: ${{ github.token }}']],
    ['every secret passed on', 'secrets-inherit', 'workflows/bot-production.yml', [/    secrets:\n(      .*\n)+$/, '    secrets: inherit\n']],
    ['a commit message in an action input', 'untrusted-event-data', STAGING, ['          status: started\n', '          status: started\n          text: ${{ github.event.head_commit.message }}\n']],
    ['a branch name in a step name', 'untrusted-event-data', CI, ['    name: lint and test (${{ inputs.language }})', '    name: lint and test (${{ github.head_ref }})']],
    ['a third-party action by tag', 'unpinned-action', CI, ['docker/setup-buildx-action@37fe631027851001ddb9b187196cc803df7f5f0e # v4.3.0', 'docker/setup-buildx-action@v4']],
    ['a pin without its release named', 'unpinned-action', CI, ['docker/setup-buildx-action@37fe631027851001ddb9b187196cc803df7f5f0e # v4.3.0', 'docker/setup-buildx-action@37fe631027851001ddb9b187196cc803df7f5f0e']],
    // Its key is then passed to an action the suite's metadata does not describe, which is reported too.
    ['a suite action by tag (whatever v1 points to later)', ['suite-action-ref', 'secret-to-plain-input'], PRODUCTION, ['        uses: ./.bot-deploy/ssh-deploy', '        uses: acme/bot-deploy/ssh-deploy@v1']],
    ['a suite action from the caller’s repository', ['suite-action-ref', 'secret-to-plain-input'], STAGING, ['        uses: ./.bot-deploy/health-gate', '        uses: ./health-gate']],
    ['an organisation written into a template', 'suite-action-ref', 'workflows/bot-ci.yml', ['OWNER/bot-deploy/.github/workflows/ci.yml@v1', 'acme/bot-deploy/.github/workflows/ci.yml@v1']],
    ['the suite checked out at the caller’s commit', 'suite-checkout', PRODUCTION, ['          ref: ${{ job.workflow_sha }}', '          ref: ${{ github.sha }}']],
    ['the suite checked out from the caller’s repository', 'suite-checkout', STAGING, ['          repository: ${{ job.workflow_repository }}', '          repository: ${{ github.repository }}']],
    ['the suite checked out only sometimes', 'suite-checkout', PRODUCTION, ["      - name: Check out bot-deploy at this workflow's commit\n", "      - name: Check out bot-deploy at this workflow's commit\n        if: inputs.action == 'deploy'\n"]],
    ['the suite checkout keeping the token', 'suite-checkout', STAGING, ['          path: .bot-deploy\n          persist-credentials: false', '          path: .bot-deploy']],
    ['a deploy that a newer one cancels', 'deploy-concurrency', PRODUCTION, ['      cancel-in-progress: false', '      cancel-in-progress: true']],
    ['a deploy without a concurrency group', 'deploy-concurrency', STAGING, ['    concurrency:\n      group: deploy-${{ inputs.environment }}-${{ inputs.app }}\n      cancel-in-progress: false\n', '']],
    ['one concurrency group for every app', 'deploy-concurrency', PRODUCTION, ['      group: deploy-${{ inputs.environment }}-${{ inputs.app }}', '      group: deploy-${{ inputs.environment }}']],
    ['a workflow-level group that cancels', 'deploy-concurrency', 'workflows/bot-production.yml', ['\npermissions: {}\n', '\npermissions: {}\nconcurrency:\n  group: production\n  cancel-in-progress: true\n']],
  ])('breaks %s: %s', (_, rule, path, ...changes) => {
    expect(rulesBroken(planted(path, ...changes)).sort()).toEqual([rule].flat().sort());
  });

  it('lets a script read event data from its environment', () => {
    const file = planted(STAGING, ['          ACTOR: ${{ github.actor }}\n', '          ACTOR: ${{ github.actor }}\n          MESSAGE: ${{ github.event.head_commit.message }}\n']);
    expect(checkWorkflow(file, context)).toEqual([]);
  });

  it('names where a rule is broken', () => {
    const file = planted(PRODUCTION, ['        uses: ./.bot-deploy/ssh-deploy', '        uses: ./.bot-deploy/ssh-deploy\n        env:\n          KEY: ${{ secrets.SSH_PRIVATE_KEY }}']);
    expect(checkWorkflow(file, context)).toEqual([
      { rule: 'secret-placement', where: `${PRODUCTION} jobs.deploy.steps.7.env.KEY`, message: 'uses secrets.SSH_PRIVATE_KEY where only a step\'s `with:` (or a caller\'s `secrets:`) should' },
    ]);
  });
});
