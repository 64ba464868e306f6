import { githubDeploymentAction } from '../../src/actions/github-deployment.js';
import { readGitHubDeploymentConfig, type GitHubDeploymentConfig } from '../../src/github/deployment-config.js';
import { InputError } from '../../src/inputs/input-error.js';
import { Inputs } from '../../src/inputs/inputs.js';
import { RecordingLog } from '../../src/log/recording-log.js';
import type { RunInfo } from '../../src/pipeline/run-info.js';
import { testRun } from '../support/scripted-context.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const run: RunInfo = { ...testRun, repository: 'acme/bot', sha: SHA };

function read(values: Record<string, string>, options: { env?: NodeJS.ProcessEnv; run?: RunInfo; log?: RecordingLog } = {}): GitHubDeploymentConfig {
  // The action.yml defaults, as the runner passes them (token's is evaluated by the runner).
  const all: Record<string, string> = { token: 'ghs_config-token-123456', rollback: 'false', 'fail-on-error': 'false', ...values };
  return readGitHubDeploymentConfig(new Inputs(githubDeploymentAction.inputs, (name) => all[name] ?? ''), options.log ?? new RecordingLog(), options.run ?? run, options.env ?? {});
}

describe('readGitHubDeploymentConfig', () => {
  it('reads a start: the run\'s commit by default, the repository from GITHUB_REPOSITORY, the API from GITHUB_API_URL', () => {
    const log = new RecordingLog();
    const config = read({ step: 'start', environment: 'production', version: 'v1.2.3', 'environment-url': 'https://t.me/acme_bot' }, { env: { GITHUB_API_URL: 'https://ghe.example.com/api/v3/' }, log });
    expect(config).toEqual({
      api: { apiUrl: 'https://ghe.example.com/api/v3', token: 'ghs_config-token-123456', owner: 'acme', repo: 'bot' },
      logUrl: run.runUrl,
      failOnError: false,
      step: { step: 'start', environment: 'production', environmentUrl: 'https://t.me/acme_bot', ref: SHA, version: 'v1.2.3', rollback: false },
    });
    log.info('token ghs_config-token-123456');
    expect(log.lines).toEqual(['token ***']);
    expect(read({ step: 'start', environment: 'staging' }).api.apiUrl).toBe('https://api.github.com');
    expect(read({ step: 'start', environment: 'staging', 'api-url': 'http://127.0.0.1:8080' }, { env: { GITHUB_API_URL: 'https://api.github.com' } }).api.apiUrl).toBe('http://127.0.0.1:8080');
  });

  it('reads a finish: only the deployment id and the outcome are needed', () => {
    expect(read({ step: 'finish', 'deployment-id': '42', status: 'rolled-back', 'fail-on-error': 'true' })).toMatchObject({
      failOnError: true,
      step: { step: 'finish', deploymentId: 42, status: 'rolled-back', environmentUrl: '', version: '' },
    });
    // Empty: start could not create one; finishing it is a warning, decided by the core.
    expect(read({ step: 'finish', 'deployment-id': '', status: 'success' }).step).toEqual({ step: 'finish', status: 'success', environmentUrl: '', version: '' });
  });

  it.each<[string, Record<string, string>, string]>([
    ['no step', {}, 'Input `step` is required.'],
    ['an unknown step', { step: 'begin' }, 'Input `step` must be one of start, finish, not "begin".'],
    ['start without environment', { step: 'start' }, 'Input `environment` is required: the environment deployed to, e.g. production or staging.'],
    ['an environment over two lines', { step: 'start', environment: 'prod\n::error::x' }, 'Input `environment` must be an environment name such as production or staging: one line of at most 255 characters.'],
    ['a bad version', { step: 'start', environment: 'production', version: '../v1' }, 'Input `version` "../v1" is not a valid release name'],
    ['an environment-url that is no URL', { step: 'start', environment: 'production', 'environment-url': 't.me/acme_bot' }, 'Input `environment-url` must be an http(s) URL such as https://t.me/my_bot, not "t.me/acme_bot".'],
    ['a rollback that is no boolean', { step: 'start', environment: 'production', rollback: 'yes' }, 'Input `rollback` must be true or false, not "yes".'],
    ['finish without status', { step: 'finish', 'deployment-id': '1' }, 'Input `status` is required with step finish: success, failure, cancelled, rolled-back.'],
    ['an unknown status', { step: 'finish', 'deployment-id': '1', status: 'started' }, 'Input `status` must be one of success, failure, cancelled, rolled-back, not "started".'],
    ['a deployment-id that is no number', { step: 'finish', 'deployment-id': 'abc', status: 'success' }, 'Input `deployment-id` must be the start step\'s deployment-id output (a positive whole number), not "abc".'],
    ['an api-url that is no URL', { step: 'start', environment: 'production', 'api-url': 'api.github.com' }, 'Input `api-url` must be an http(s) URL such as https://api.github.com, not "api.github.com".'],
    ['an empty token', { step: 'start', environment: 'production', token: ' ' }, 'Input `token` is empty'],
    ['a token passed as \'\' (read as the default\'s unevaluated text)', { step: 'start', environment: 'production', token: '' }, 'Input `token` is empty'],
  ])('refuses %s with one sentence', (_, values, message) => {
    expect(() => read(values)).toThrow(InputError);
    expect(() => read(values)).toThrow(message);
  });

  it('needs GITHUB_REPOSITORY as owner/name, and a ref outside GitHub Actions', () => {
    expect(() => read({ step: 'start', environment: 'production' }, { run: { ...run, repository: 'local' } })).toThrow('GITHUB_REPOSITORY must name the repository as owner/name, not "local"');
    expect(() => read({ step: 'start', environment: 'production' }, { run: { ...run, sha: '' } })).toThrow('Input `ref` is required outside GitHub Actions');
    expect(read({ step: 'start', environment: 'production', ref: 'v1.0.0' }, { run: { ...run, sha: '' } }).step).toMatchObject({ ref: 'v1.0.0' });
  });
});
