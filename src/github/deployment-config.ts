import { validateVersion } from '../deploy/names.js';
import { InputError } from '../inputs/input-error.js';
import type { Inputs } from '../inputs/inputs.js';
import type { Log } from '../log/log.js';
import type { RunInfo } from '../pipeline/run-info.js';
import type { GitHubApiSettings } from './deployments-api.js';

/** What a workflow may say happened to a deploy; mapped to GitHub's deployment states in deployment-texts.ts. */
export const FINISH_STATUSES = ['success', 'failure', 'cancelled', 'rolled-back'] as const;
export type FinishStatus = (typeof FINISH_STATUSES)[number];

export interface StartStep {
  step: 'start';
  environment: string;
  /** '' when none was given. */
  environmentUrl: string;
  ref: string;
  /** '' when none was given (a rollback to "the previous release"). */
  version: string;
  rollback: boolean;
}

export interface FinishStep {
  step: 'finish';
  /** Undefined when the start step created none (it warned): there is nothing to finish. */
  deploymentId?: number;
  status: FinishStatus;
  /** '' keeps the URL the deployment's latest status has. */
  environmentUrl: string;
  /** '' keeps the version the deployment's payload records. */
  version: string;
}

export interface GitHubDeploymentConfig {
  api: GitHubApiSettings;
  /** The run's page, shown as each status's log; '' outside GitHub Actions. */
  logUrl: string;
  failOnError: boolean;
  step: StartStep | FinishStep;
}

/** github-deployment's inputs, validated before GitHub is called. */
export function readGitHubDeploymentConfig(inputs: Inputs, log: Log, run: RunInfo, env: NodeJS.ProcessEnv): GitHubDeploymentConfig {
  const token = inputs.raw('token').trim();
  if (token) log.mask(token);
  // An input given as '' falls back to action.yml's default as written, the unevaluated `${{ github.token }}`.
  if (!token || token.startsWith('${{')) {
    throw new InputError('Input `token` is empty: leave it out to use the job\'s GITHUB_TOKEN (with `permissions: { deployments: write }`), or pass a token from a secret.');
  }
  const [owner, repo, ...rest] = run.repository.split('/');
  if (!owner || !repo || rest.length > 0) {
    throw new InputError(`GITHUB_REPOSITORY must name the repository as owner/name, not "${run.repository}": run github-deployment inside GitHub Actions.`);
  }
  const step = inputs.oneOf('step', ['start', 'finish'] as const);
  return {
    api: { apiUrl: apiUrl(inputs.optional('api-url') || env.GITHUB_API_URL || 'https://api.github.com'), token, owner, repo },
    logUrl: run.runUrl,
    failOnError: inputs.bool('fail-on-error'),
    step: step === 'start' ? readStart(inputs, run) : readFinish(inputs),
  };
}

function readStart(inputs: Inputs, run: RunInfo): StartStep {
  const environment = inputs.required('environment', 'the environment deployed to, e.g. production or staging');
  // GitHub caps environment names at 255 characters; a line break would also start a new log line.
  if (environment.length > 255 || /[\u0000-\u001f]/.test(environment)) {
    throw new InputError('Input `environment` must be an environment name such as production or staging: one line of at most 255 characters.');
  }
  const ref = inputs.optional('ref') || run.sha;
  if (!ref) throw new InputError('Input `ref` is required outside GitHub Actions (where GITHUB_SHA gives the run\'s commit): the branch, tag or commit deployed.');
  const version = inputs.optional('version');
  return {
    step: 'start',
    environment,
    environmentUrl: environmentUrl(inputs.optional('environment-url')),
    ref,
    version: version === '' ? '' : validateVersion(version),
    rollback: inputs.bool('rollback'),
  };
}

function readFinish(inputs: Inputs): FinishStep {
  const status = inputs.optional('status');
  if (status === '') throw new InputError(`Input \`status\` is required with step finish: ${FINISH_STATUSES.join(', ')}.`);
  const idText = inputs.optional('deployment-id');
  if (idText !== '' && (!/^\d+$/.test(idText) || Number(idText) < 1 || !Number.isSafeInteger(Number(idText)))) {
    throw new InputError(`Input \`deployment-id\` must be the start step's deployment-id output (a positive whole number), not "${idText}".`);
  }
  const version = inputs.optional('version');
  return {
    step: 'finish',
    ...(idText === '' ? {} : { deploymentId: Number(idText) }),
    status: inputs.oneOf('status', FINISH_STATUSES),
    environmentUrl: environmentUrl(inputs.optional('environment-url')),
    version: version === '' ? '' : validateVersion(version),
  };
}

function environmentUrl(text: string): string {
  if (text === '' || isHttpUrl(text)) return text;
  throw new InputError(`Input \`environment-url\` must be an http(s) URL such as https://t.me/my_bot, not "${text}".`);
}

function apiUrl(text: string): string {
  // Octokit appends paths such as /repos/...: a trailing slash would double it.
  if (isHttpUrl(text)) return text.replace(/\/+$/, '');
  throw new InputError(`Input \`api-url\` must be an http(s) URL such as https://api.github.com, not "${text}".`);
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
