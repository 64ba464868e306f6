import { getOctokit } from '@actions/github';
import { UserError } from '../errors/user-error.js';
import { formatDuration } from '../inputs/duration.js';
import { githubFailure, type GitHubCall } from './github-api-errors.js';

/** Where the Deployments API is and who calls it. */
export interface GitHubApiSettings {
  /** The REST API root without a trailing slash, e.g. https://api.github.com. */
  apiUrl: string;
  token: string;
  owner: string;
  repo: string;
}

/** The deployment states GitHub knows (REST "Create a deployment status"). */
export type DeploymentState = 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

/** What this suite records in a deployment's payload. */
export interface DeploymentPayload {
  version: string;
  rollback: boolean;
}

/** A deployment's payload as read back: whether this suite made it, and what it recorded. */
export interface RecordedPayload extends DeploymentPayload {
  fromSuite: boolean;
}

/** The parts of GitHub's deployment object the action reads. */
export interface Deployment {
  id: number;
  environment: string;
  ref: string;
  sha: string;
  /** The suite's payload; a deployment made by something else has an empty version and no rollback. */
  payload: RecordedPayload;
}

export interface DeploymentStatus {
  id: number;
  state: DeploymentState;
  description: string;
  environmentUrl: string;
}

export interface NewDeployment {
  ref: string;
  environment: string;
  description: string;
  payload: DeploymentPayload;
}

export interface NewStatus {
  state: DeploymentState;
  description: string;
  logUrl: string;
  environmentUrl: string;
}

/** How long one API call may take: a hung GitHub must not hold a deploy job. */
const CALL_TIMEOUT_MS = 30_000;

/** GitHub's list endpoints give at most 100 items a page. */
const PAGE = 100;

/** The Deployments REST endpoints github-deployment uses, each failure turned into one sentence. */
export class DeploymentsApi {
  private readonly octokit: ReturnType<typeof getOctokit>;
  private readonly repository: { owner: string; repo: string };

  constructor(
    private readonly settings: GitHubApiSettings,
    private readonly timeoutMs = CALL_TIMEOUT_MS,
  ) {
    // Only baseUrl: @actions/github's own request options carry the runner's proxy settings.
    this.octokit = getOctokit(settings.token, { baseUrl: settings.apiUrl, userAgent: 'bot-deploy github-deployment' });
    this.repository = { owner: settings.owner, repo: settings.repo };
  }

  get repositoryName(): string {
    return `${this.settings.owner}/${this.settings.repo}`;
  }

  async create(deployment: NewDeployment): Promise<Deployment> {
    const call: GitHubCall = { what: 'create the deployment', kind: 'create', ref: deployment.ref };
    const response = await this.call(call, (request) =>
      this.octokit.rest.repos.createDeployment({
        ...this.repository,
        ref: deployment.ref,
        environment: deployment.environment,
        description: deployment.description,
        payload: { ...deployment.payload },
        // Never merge the default branch into what is deployed: the release is exactly `ref`.
        auto_merge: false,
        // The deploy job runs after CI decided: it must not wait on (or be refused for) commit statuses.
        required_contexts: [],
        transient_environment: false,
        production_environment: deployment.environment === 'production',
        request,
      }),
    );
    if (response.status !== 201) {
      // 202: GitHub merged the default branch into `ref` instead of deploying (auto_merge, which we turn off).
      throw new UserError(`GitHub did not create the deployment of ${deployment.ref} (HTTP ${response.status}: ${response.data.message ?? 'no deployment'}); this is a bug of github-deployment (it asks GitHub not to merge), please report it with this line.`);
    }
    return toDeployment(response.data);
  }

  async get(id: number): Promise<Deployment> {
    const response = await this.call({ what: `read deployment ${id}`, kind: 'deployment', deploymentId: id }, (request) =>
      this.octokit.rest.repos.getDeployment({ ...this.repository, deployment_id: id, request }),
    );
    return toDeployment(response.data);
  }

  /**
   * The environment's deployments, newest first. One page: every earlier successful run already
   * marked what it replaced inactive, so older deployments than the newest 100 are settled.
   */
  async list(environment: string): Promise<Deployment[]> {
    const response = await this.call({ what: `list the deployments of ${environment}`, kind: 'list' }, (request) =>
      this.octokit.rest.repos.listDeployments({ ...this.repository, environment, per_page: PAGE, request }),
    );
    return response.data.map(toDeployment);
  }

  /** The deployment's newest status (GitHub lists them newest first); undefined when it has none. */
  async latestStatus(id: number): Promise<DeploymentStatus | undefined> {
    const response = await this.call({ what: `read the statuses of deployment ${id}`, kind: 'deployment', deploymentId: id }, (request) =>
      this.octokit.rest.repos.listDeploymentStatuses({ ...this.repository, deployment_id: id, per_page: 1, request }),
    );
    const [latest] = response.data;
    return latest === undefined ? undefined : toStatus(latest);
  }

  async setStatus(id: number, status: NewStatus): Promise<DeploymentStatus> {
    const response = await this.call({ what: `set deployment ${id} ${status.state}`, kind: 'deployment', deploymentId: id }, (request) =>
      this.octokit.rest.repos.createDeploymentStatus({
        ...this.repository,
        deployment_id: id,
        state: status.state,
        description: status.description,
        ...(status.logUrl ? { log_url: status.logUrl } : {}),
        ...(status.environmentUrl ? { environment_url: status.environmentUrl } : {}),
        // The action marks what a success replaced itself, for production too (which GitHub's
        // auto_inactive leaves alone), so GitHub must not add inactive statuses of its own.
        auto_inactive: false,
        request,
      }),
    );
    return toStatus(response.data);
  }

  private async call<T>(call: GitHubCall, send: (request: { signal: AbortSignal }) => Promise<T>): Promise<T> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      return await send({ signal });
    } catch (error) {
      // Octokit reports an aborted fetch as "Unknown Error": say what happened instead.
      throw githubFailure(signal.aborted ? new Error(`no answer within ${formatDuration(this.timeoutMs)}`) : error, call, this.settings);
    }
  }
}

interface DeploymentJson {
  id: number | bigint;
  environment: string;
  ref: string;
  sha: string;
  payload: { [key: string]: unknown } | string;
}

interface StatusJson {
  id: number | bigint;
  state: DeploymentState;
  description: string;
  environment_url?: string;
}

function toDeployment(json: DeploymentJson): Deployment {
  return { id: Number(json.id), environment: json.environment, ref: json.ref, sha: json.sha, payload: toPayload(json.payload) };
}

function toStatus(json: StatusJson): DeploymentStatus {
  return { id: Number(json.id), state: json.state, description: json.description, environmentUrl: json.environment_url ?? '' };
}

/** GitHub hands back the payload as it was given: an object, or JSON text when it was given as text. */
function toPayload(payload: { [key: string]: unknown } | string): RecordedPayload {
  let value: unknown = payload;
  if (typeof payload === 'string') {
    try {
      value = JSON.parse(payload);
    } catch {
      value = {};
    }
  }
  const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  return {
    version: typeof record.version === 'string' ? record.version : '',
    rollback: record.rollback === true,
    fromSuite: typeof record.version === 'string' && typeof record.rollback === 'boolean',
  };
}
