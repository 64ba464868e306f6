import { githubDeploymentAction } from '../../src/actions/github-deployment.js';
import { UserError } from '../../src/errors/user-error.js';
import { readGitHubDeploymentConfig } from '../../src/github/deployment-config.js';
import { githubDeployment, type GitHubDeploymentResult } from '../../src/github/github-deployment.js';
import { Inputs } from '../../src/inputs/inputs.js';
import { SummaryBuffer } from '../../src/log/job-summary.js';
import { RecordingLog } from '../../src/log/recording-log.js';
import type { RunInfo } from '../../src/pipeline/run-info.js';
import { GitHubDeploymentsStandIn } from '../support/github-deployments-stand-in.js';
import { testRun } from '../support/scripted-context.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const OLD_SHA = 'fedcba9876543210fedcba9876543210fedcba98';
const TOKEN = 'ghs_core-test-token-0123456789';
const run: RunInfo = { ...testRun, repository: 'acme/bot', sha: SHA, runUrl: 'https://github.com/acme/bot/actions/runs/7' };
const BOT_URL = 'https://t.me/acme_bot';

describe('githubDeployment', () => {
  let github: GitHubDeploymentsStandIn;

  beforeEach(async () => {
    github = await GitHubDeploymentsStandIn.start();
    github.addRepository('acme/bot', { refs: { main: SHA, 'v1.0.0': OLD_SHA, 'v2.0.0': SHA }, pendingContexts: ['ci/slow'], behindDefaultBranch: true });
    github.addToken(TOKEN);
  });
  afterEach(() => github.close());

  interface Step {
    result: GitHubDeploymentResult;
    log: RecordingLog;
    summary: SummaryBuffer;
  }

  async function step(values: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<Step> {
    const log = new RecordingLog();
    const summary = new SummaryBuffer();
    const all: Record<string, string> = { token: TOKEN, 'api-url': github.apiUrl, 'fail-on-error': 'false', rollback: 'false', ...values };
    const config = readGitHubDeploymentConfig(new Inputs(githubDeploymentAction.inputs, (name) => all[name] ?? ''), log, run, {});
    return { result: await githubDeployment(config, { log, summary }, options), log, summary };
  }

  /** A whole deploy as the workflows run it: start, then finish with the start step's output. */
  async function deploy(environment: string, version: string, status: string, extra: Record<string, string> = {}): Promise<number> {
    const started = await step({ step: 'start', environment, version, 'environment-url': BOT_URL, ...extra });
    const id = started.result.deploymentId;
    if (id === undefined) throw new Error(`start recorded nothing: ${started.log.text}`);
    await step({ step: 'finish', 'deployment-id': String(id), status });
    return id;
  }

  const warnings = (log: RecordingLog): string[] => log.lines.filter((line) => line.startsWith('warning: '));
  const posts = (): Array<{ path: string; body: unknown }> => github.calls.filter((call) => call.method === 'POST').map(({ path, body }) => ({ path, body }));

  it('starts a deployment of the run\'s commit, in progress with the run\'s log, then finishes it success and marks the one it replaced inactive', async () => {
    const v1 = await deploy('production', 'v1.0.0', 'success');
    github.calls.length = 0;

    const started = await step({ step: 'start', environment: 'production', version: 'v2.0.0', 'environment-url': BOT_URL });
    expect(started.result).toEqual({ deploymentId: expect.any(Number), state: 'in_progress', inactivated: [], outcome: 'recorded' });
    const v2 = started.result.deploymentId as number;
    expect(posts()).toEqual([
      {
        path: '/repos/acme/bot/deployments',
        body: {
          ref: SHA,
          environment: 'production',
          description: 'Deploy v2.0.0 to production',
          payload: { version: 'v2.0.0', rollback: false },
          auto_merge: false,
          required_contexts: [],
          transient_environment: false,
          production_environment: true,
        },
      },
      {
        path: `/repos/acme/bot/deployments/${v2}/statuses`,
        body: { state: 'in_progress', description: 'Deploying v2.0.0', log_url: run.runUrl, environment_url: BOT_URL, auto_inactive: false },
      },
    ]);
    expect(github.calls.every((call) => call.auth === 'token')).toBe(true);
    expect(github.stateOf(v1)).toBe('success');
    expect(started.log.lines).toEqual([
      '::group::GitHub deployment: deploy to production (v2.0.0)',
      `Created deployment ${v2} of ${SHA} to production.`,
      `Deployment ${v2} is in progress, for ${BOT_URL}.`,
      '::endgroup::',
    ]);
    expect(started.summary.sections).toEqual([
      {
        heading: 'GitHub deployment',
        rows: [
          ['Step', 'start'],
          ['Repository', 'acme/bot'],
          ['Environment', 'production'],
          ['Version', 'v2.0.0'],
          ['Ref', SHA],
          ['Deployment', String(v2)],
          ['State', 'in_progress'],
        ],
      },
    ]);

    // The finish step knows only the id: environment, version and URL come from GitHub.
    const finished = await step({ step: 'finish', 'deployment-id': String(v2), status: 'success' });
    expect(finished.result).toEqual({ deploymentId: v2, state: 'success', inactivated: [v1], outcome: 'recorded' });
    expect(github.statuses(v2).map(({ state, description, environment_url, log_url }) => ({ state, description, environment_url, log_url }))).toEqual([
      { state: 'in_progress', description: 'Deploying v2.0.0', environment_url: BOT_URL, log_url: run.runUrl },
      { state: 'success', description: 'Deployed v2.0.0', environment_url: BOT_URL, log_url: run.runUrl },
    ]);
    expect(github.statuses(v1).map(({ state, description }) => [state, description])).toEqual([
      ['in_progress', 'Deploying v1.0.0'],
      ['success', 'Deployed v1.0.0'],
      ['inactive', `Replaced by v2.0.0 (deployment ${v2})`],
    ]);
    expect(finished.log.lines).toEqual([
      `::group::GitHub deployment: success of deployment ${v2}`,
      `Deployment ${v2} (v2.0.0 to production) is now success.`,
      `Deployment ${v1} (v1.0.0) was replaced: marked inactive.`,
      '::endgroup::',
    ]);
    expect(finished.summary.sections[0]?.rows).toEqual([
      ['Step', 'finish (success)'],
      ['Repository', 'acme/bot'],
      ['Deployment', String(v2)],
      ['Environment', 'production'],
      ['Version', 'v2.0.0'],
      ['State', 'success'],
      ['Replaced (now inactive)', String(v1)],
    ]);
  });

  it('marks the replaced staging deployment inactive itself, once, with its own words (GitHub\'s auto_inactive turned off)', async () => {
    const first = await deploy('staging', 'v1.0.0', 'success');
    const second = await deploy('staging', 'v2.0.0', 'success');
    expect(github.history('acme/bot', 'staging')).toEqual([
      { id: first, ref: SHA, payload: { version: 'v1.0.0', rollback: false }, states: ['in_progress', 'success', 'inactive'] },
      { id: second, ref: SHA, payload: { version: 'v2.0.0', rollback: false }, states: ['in_progress', 'success'] },
    ]);
    expect(github.statuses(first).at(-1)?.description).toBe(`Replaced by v2.0.0 (deployment ${second})`);
    expect(github.deployment(second)?.production_environment).toBe(false);
  });

  it('leaves the serving deployment success when a deploy fails, and a cancelled one inactive', async () => {
    const v1 = await deploy('production', 'v1.0.0', 'success');
    const failed = await deploy('production', 'v2.0.0', 'failure');
    expect(github.stateOf(failed)).toBe('failure');
    expect(github.statuses(failed).at(-1)?.description).toBe('Deploy of v2.0.0 failed');
    const cancelled = await deploy('production', 'v2.0.0', 'cancelled');
    expect(github.stateOf(cancelled)).toBe('inactive');
    expect(github.statuses(cancelled).at(-1)).toMatchObject({ description: 'Deploy of v2.0.0 was cancelled', environment_url: BOT_URL });
    expect(github.stateOf(v1)).toBe('success');
    expect(github.statuses(v1)).toHaveLength(2);
  });

  it('records a release that failed and was rolled back as a failure naming the release that serves again', async () => {
    // The serving deployment was made by an earlier run that gave its payload as JSON text.
    const serving = github.seed('acme/bot', { ref: 'v1.0.0', environment: 'production', payload: '{"version":"v1.0.0","rollback":false}', states: ['in_progress', 'success'] });
    const bad = await deploy('production', 'v2.0.0', 'rolled-back');
    expect(github.stateOf(bad)).toBe('failure');
    expect(github.statuses(bad).at(-1)?.description).toBe('Deploy of v2.0.0 failed and was rolled back: v1.0.0 serves again');
    expect(github.stateOf(serving)).toBe('success');
  });

  it('records a manual rollback run as a rollback deployment that replaces the bad release', async () => {
    const v1 = await deploy('production', 'v1.0.0', 'success');
    const v2 = await deploy('production', 'v2.0.0', 'success');
    expect(github.stateOf(v1)).toBe('inactive');
    github.calls.length = 0;

    const started = await step({ step: 'start', environment: 'production', version: 'v1.0.0', ref: 'v1.0.0', rollback: 'true', 'environment-url': BOT_URL });
    const back = started.result.deploymentId as number;
    expect(posts()[0]?.body).toMatchObject({ ref: 'v1.0.0', description: 'Rollback of production to v1.0.0', payload: { version: 'v1.0.0', rollback: true } });
    expect(github.deployment(back)?.sha).toBe(OLD_SHA);
    expect(started.log.lines[0]).toBe('::group::GitHub deployment: rollback of production (v1.0.0)');
    expect(started.summary.sections[0]?.rows[0]).toEqual(['Step', 'start (rollback)']);
    expect(github.statuses(back)[0]?.description).toBe('Rolling back to v1.0.0');

    const finished = await step({ step: 'finish', 'deployment-id': String(back), status: 'success' });
    expect(finished.result.inactivated).toEqual([v2]);
    expect(github.statuses(back).at(-1)).toMatchObject({ state: 'success', description: 'Rolled back to v1.0.0', environment_url: BOT_URL });
    expect(github.statuses(v2).at(-1)).toMatchObject({ state: 'inactive', description: `Replaced by v1.0.0 (deployment ${back})` });
    // v1's old deployment stays inactive: the rollback is a deployment of its own.
    expect(github.stateOf(v1)).toBe('inactive');
  });

  it('names "the previous release" when a rollback starts without a version, and the one finish is given', async () => {
    await deploy('production', 'v1.0.0', 'success');
    const started = await step({ step: 'start', environment: 'production', rollback: 'true' });
    const id = started.result.deploymentId as number;
    expect(github.deployment(id)).toMatchObject({ ref: SHA, description: 'Rollback of production to the previous release', payload: { version: '', rollback: true } });
    await step({ step: 'finish', 'deployment-id': String(id), status: 'success', version: 'v0.9.0' });
    expect(github.statuses(id).at(-1)?.description).toBe('Rolled back to v0.9.0');
  });

  it('stops looking for what a success replaced at the newest success it recorded itself', async () => {
    // Made by something else: no suite payload, so the scan goes past it the first time.
    const foreign = github.seed('acme/bot', { ref: 'main', environment: 'production', states: ['success'] });
    const v1 = await deploy('production', 'v1.0.0', 'success');
    expect(github.stateOf(foreign)).toBe('inactive');
    github.calls.length = 0;
    await deploy('production', 'v2.0.0', 'success');
    expect(github.stateOf(v1)).toBe('inactive');
    expect(github.calls.filter((call) => call.path === `/repos/acme/bot/deployments/${foreign}/statuses`)).toEqual([]);
    expect(github.calls.find((call) => call.method === 'GET' && call.path === '/repos/acme/bot/deployments')?.query).toEqual({ environment: 'production', per_page: '100' });
  });

  it('keeps status descriptions within GitHub\'s 140 characters', async () => {
    const version = `v${'1'.repeat(127)}`;
    const started = await step({ step: 'start', environment: 'production', version, rollback: 'true' });
    expect(started.result.outcome).toBe('recorded');
    const description = github.statuses(started.result.deploymentId as number)[0]?.description ?? '';
    expect([...description]).toHaveLength(140);
    expect(description).toMatch(/^Rolling back to v1+…$/);
  });

  describe('when GitHub cannot be used', () => {
    it('warns and goes on (fail-on-error false): no deployment id, and finish then has nothing to finish', async () => {
      github.fail(1, { kind: 'status', status: 503 });
      const started = await step({ step: 'start', environment: 'production', version: 'v2.0.0' });
      expect(started.result).toEqual({ inactivated: [], outcome: 'not recorded' });
      expect(warnings(started.log)).toEqual([
        'warning: The GitHub Deployments notification was not delivered (GitHub refused to create the deployment in acme/bot (HTTP 503: Server Error): GitHub is failing; nothing to change on your side, try again later); the deploy goes on (fail-on-error: false).',
      ]);
      expect(started.summary.sections[0]?.rows.at(-1)).toEqual(['Result', 'not recorded: GitHub refused to create the deployment in acme/bot (HTTP 503: Server Error): GitHub is failing; nothing to change on your side, try again later']);

      const finished = await step({ step: 'finish', 'deployment-id': '', status: 'success' });
      expect(finished.result).toEqual({ inactivated: [], outcome: 'nothing to finish' });
      expect(warnings(finished.log)).toEqual([
        'warning: No GitHub deployment to finish: `deployment-id` is empty (the start step could not create one), so this deploy does not show in the Environments view.',
      ]);
      await expect(step({ step: 'finish', 'deployment-id': '', status: 'success', 'fail-on-error': 'true' })).rejects.toThrow('Input `deployment-id` is required with step finish');
    });

    it('still hands on the deployment id when only the in_progress status failed, so finish can settle it', async () => {
      github.fail(1, { kind: 'status', status: 502 }, 1);
      const started = await step({ step: 'start', environment: 'production', version: 'v2.0.0' });
      expect(started.result).toEqual({ deploymentId: expect.any(Number), inactivated: [], outcome: 'not recorded' });
      await step({ step: 'finish', 'deployment-id': String(started.result.deploymentId), status: 'failure' });
      expect(github.stateOf(started.result.deploymentId as number)).toBe('failure');
    });

    it('fails with one sentence naming the token and the deployments: write permission for a bad token (401)', async () => {
      const promise = step({ step: 'start', environment: 'production', version: 'v2.0.0', token: 'ghs_revoked-token-abcdef', 'fail-on-error': 'true' });
      await expect(promise).rejects.toThrow(UserError);
      await expect(promise).rejects.toThrow(
        'GitHub refused to create the deployment in acme/bot (HTTP 401: Bad credentials): check `token`: GitHub does not accept it as a token (revoked, expired or mistyped); the job\'s GITHUB_TOKEN (the default) needs `permissions: { deployments: write }` in the job, a personal token the `repo_deployment` scope.',
      );
      const warned = await step({ step: 'start', environment: 'production', version: 'v2.0.0', token: 'ghs_revoked-token-abcdef' });
      expect(warnings(warned.log)).toHaveLength(1);
      expect(warned.log.text).toContain('HTTP 401: Bad credentials');
      expect(warned.log.text).not.toContain('ghs_revoked');
    });

    it('names the missing permission for a token that may not write deployments (403)', async () => {
      github.addToken('ghs_read-only-token', { write: false });
      await expect(step({ step: 'start', environment: 'production', token: 'ghs_read-only-token', 'fail-on-error': 'true' })).rejects.toThrow(
        'GitHub refused to create the deployment in acme/bot (HTTP 403: Resource not accessible by integration): give `token` write access to deployments: the job\'s GITHUB_TOKEN (the default) needs `permissions: { deployments: write }` in the job, a personal token the `repo_deployment` scope.',
      );
    });

    it('names the input for an unknown deployment id (404) and an unknown ref (422)', async () => {
      await expect(step({ step: 'finish', 'deployment-id': '424242', status: 'success', 'fail-on-error': 'true' })).rejects.toThrow(
        'GitHub refused to read deployment 424242 in acme/bot (HTTP 404: Not Found): check `deployment-id` (424242): it must be the start step\'s deployment-id output, of a deployment in acme/bot, and `token` must be able to see acme/bot.',
      );
      await expect(step({ step: 'start', environment: 'production', ref: 'v9.9.9', 'fail-on-error': 'true' })).rejects.toThrow(
        'GitHub refused to create the deployment in acme/bot (HTTP 422: No ref found for: v9.9.9): check `ref` (v9.9.9): it must be a branch, tag or commit of acme/bot.',
      );
    });

    it('gives up on a GitHub that does not answer, naming api-url', async () => {
      github.fail(1, { kind: 'hang' });
      const started = Date.now();
      await expect(step({ step: 'start', environment: 'production', 'fail-on-error': 'true' }, { timeoutMs: 300 })).rejects.toThrow(
        new RegExp(`^Could not create the deployment at ${github.apiUrl.replace(/\./g, '\\.')} \\(.+\\): check \`api-url\` and the runner's network\\.$`),
      );
      expect(Date.now() - started).toBeLessThan(5000);
      github.fail(1, { kind: 'hang' });
      const hung = await step({ step: 'start', environment: 'production' }, { timeoutMs: 300 });
      expect(warnings(hung.log)).toEqual([
        `warning: The GitHub Deployments notification was not delivered (Could not create the deployment at ${github.apiUrl} (no answer within 300ms): check \`api-url\` and the runner's network); the deploy goes on (fail-on-error: false).`,
      ]);
      const unreachable = await step({ step: 'start', environment: 'production', 'api-url': 'http://127.0.0.1:9' });
      expect(warnings(unreachable.log)[0]).toMatch(/^warning: The GitHub Deployments notification was not delivered \(Could not create the deployment at http:\/\/127\.0\.0\.1:9 \(.+\): check `api-url`/);
    });
  });
});
