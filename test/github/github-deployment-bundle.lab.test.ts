import { runDistAction } from '../support/action-runner.js';
import { GitHubDeploymentsStandIn } from '../support/github-deployments-stand-in.js';

// These run dist/github-deployment/index.js exactly as the runner does: build it first (`npm run build`).

const token = 'ghs_bundleSecretToken0123456789abcdef';
// What action-runner sets as GITHUB_SHA and the run's page.
const SHA = '0123456789abcdef0123456789abcdef01234567';
const RUN_URL = 'https://github.com/acme/sample-bot/actions/runs/4242';

describe('dist/github-deployment/index.js from the runner', () => {
  let github: GitHubDeploymentsStandIn;

  beforeAll(async () => {
    github = await GitHubDeploymentsStandIn.start();
    github.addRepository('acme/sample-bot', { refs: { main: SHA }, pendingContexts: ['ci/slow'] });
    github.addToken(token);
  });
  afterAll(() => github.close());

  // The runner evaluates action.yml's `${{ github.token }}` default; action-runner passes defaults as written, so the token is given.
  const inputs = (extra: Record<string, string>): Record<string, string> => ({ token, 'api-url': github.apiUrl, ...extra });

  it('starts a deployment, then finishes it with the start step\'s output, replacing the one before', async () => {
    const first = await runDistAction('github-deployment', inputs({ step: 'start', environment: 'production', version: 'v1.2.2' }));
    expect(first.code).toBe(0);
    const previous = Number(first.outputs['deployment-id']);
    expect((await runDistAction('github-deployment', inputs({ step: 'finish', 'deployment-id': String(previous), status: 'success' }))).code).toBe(0);

    const started = await runDistAction('github-deployment', inputs({ step: 'start', environment: 'production', version: 'v1.2.3', 'environment-url': 'https://t.me/sample_bot' }));
    expect(started.code).toBe(0);
    expect(started.outputs).toEqual({ 'deployment-id': expect.stringMatching(/^\d+$/), state: 'in_progress' });
    const id = Number(started.outputs['deployment-id']);
    expect(github.deployment(id)).toMatchObject({ ref: SHA, environment: 'production', production_environment: true, payload: { version: 'v1.2.3', rollback: false } });
    expect(github.statuses(id)).toEqual([expect.objectContaining({ state: 'in_progress', log_url: RUN_URL, environment_url: 'https://t.me/sample_bot' })]);
    expect(started.log).toMatch(/^::group::GitHub deployment: deploy to production \(v1\.2\.3\)$/m);

    const finished = await runDistAction('github-deployment', inputs({ step: 'finish', 'deployment-id': started.outputs['deployment-id'] ?? '', status: 'success' }));
    expect(finished.code).toBe(0);
    expect(finished.outputs).toEqual({ 'deployment-id': String(id), state: 'success' });
    expect(github.stateOf(id)).toBe('success');
    expect(github.statuses(id).at(-1)).toMatchObject({ description: 'Deployed v1.2.3', environment_url: 'https://t.me/sample_bot', log_url: RUN_URL });
    expect(github.stateOf(previous)).toBe('inactive');
    expect(finished.log).toContain(`Deployment ${previous} (v1.2.2) was replaced: marked inactive.`);

    for (const run of [started, finished]) {
      expect(run.masks).toContain(token);
      expect(run.log).not.toContain('bundleSecretToken');
      expect(run.log).not.toContain('::error::');
      expect(run.summary).toContain('<h2>github-deployment</h2>');
      // AbortSignal.timeout's timers must not keep the step alive for the 30s a call may take.
      expect(run.durationMs).toBeLessThan(10_000);
    }
    expect(finished.summary).toContain(`<td>Replaced (now inactive)</td><td>${previous}</td>`);
  });

  it('warns and exits 0 for a token GitHub refuses (fail-on-error false), then fails with one sentence when asked to', async () => {
    const revoked = 'ghs_revokedTokenAbcdef0123456789';
    const warned = await runDistAction('github-deployment', inputs({ step: 'start', environment: 'staging', token: revoked }));
    expect(warned.code).toBe(0);
    expect(warned.outputs).toEqual({ 'deployment-id': '', state: '' });
    const sentence =
      'GitHub refused to create the deployment in acme/sample-bot (HTTP 401: Bad credentials): check `token`: GitHub does not accept it as a token (revoked, expired or mistyped); the job\'s GITHUB_TOKEN (the default) needs `permissions: { deployments: write }` in the job, a personal token the `repo_deployment` scope';
    expect(warned.log.split('\n').filter((line) => line.startsWith('::warning::'))).toEqual([
      `::warning::The GitHub Deployments notification was not delivered (${sentence}); the deploy goes on (fail-on-error: false).`,
    ]);

    // The finish step of the same job gets an empty deployment-id: still no failed deploy.
    const finished = await runDistAction('github-deployment', inputs({ step: 'finish', 'deployment-id': '', status: 'success' }));
    expect(finished.code).toBe(0);
    expect(finished.log).toMatch(/^::warning::No GitHub deployment to finish/m);

    const failed = await runDistAction('github-deployment', inputs({ step: 'start', environment: 'staging', token: revoked, 'fail-on-error': 'true' }));
    expect(failed.code).toBe(1);
    expect(failed.log.split('\n').filter((line) => line.startsWith('::error::'))).toEqual([`::error::${sentence}.`]);
    expect(failed.masks).toContain(revoked);
    expect(failed.log).not.toContain('revokedToken');
  });
});
