import { messageOf } from '../errors/message-of.js';
import { UserError } from '../errors/user-error.js';
import type { GitHubApiSettings } from './deployments-api.js';

/** Which call failed, so the sentence can name the input to change. */
export interface GitHubCall {
  /** What was being done, completing "GitHub refused to ...". */
  what: string;
  kind: 'create' | 'deployment' | 'list';
  ref?: string;
  deploymentId?: number;
}

/** The parts of Octokit's RequestError this reads: an HTTP status, and GitHub's answer when there was one. */
interface HttpFailure {
  status: number;
  response?: { data?: unknown; headers?: Record<string, string | number | undefined> };
}

/** How a token gets the right to write deployments, for both kinds of token. */
const PERMISSION = 'the job\'s GITHUB_TOKEN (the default) needs `permissions: { deployments: write }` in the job, a personal token the `repo_deployment` scope';

/** One sentence for a Deployments API call that failed: what GitHub said and what to change. */
export function githubFailure(error: unknown, call: GitHubCall, api: GitHubApiSettings): UserError {
  const repository = `${api.owner}/${api.repo}`;
  if (!isHttpFailure(error) || error.response === undefined) {
    // No answer at all: a wrong api-url, a network problem or our timeout.
    const reason = messageOf(error).replace(/\.$/, '');
    return new UserError(`Could not ${call.what} at ${api.apiUrl} (${reason}): check \`api-url\` and the runner's network.`);
  }
  const said = githubMessage(error.response.data);
  return new UserError(`GitHub refused to ${call.what} in ${repository} (HTTP ${error.status}${said ? `: ${said}` : ''}): ${fix(error, said, call, repository)}.`);
}

function fix(error: HttpFailure, said: string, call: GitHubCall, repository: string): string {
  const { status } = error;
  if (status === 401) return `check \`token\`: GitHub does not accept it as a token (revoked, expired or mistyped); ${PERMISSION}`;
  if (status === 403 && (/rate limit/i.test(said) || error.response?.headers?.['x-ratelimit-remaining'] === '0')) {
    return 'the token\'s API rate limit is used up; the deploy itself is not affected, try again later';
  }
  if (status === 403) return `give \`token\` write access to deployments: ${PERMISSION}`;
  if (status === 404 && call.kind === 'deployment') {
    return `check \`deployment-id\` (${call.deploymentId}): it must be the start step's deployment-id output, of a deployment in ${repository}, and \`token\` must be able to see ${repository}`;
  }
  if (status === 404) return `check that \`token\` can see ${repository} and that \`api-url\` is its GitHub REST API`;
  if (status === 422 && call.kind === 'create' && /ref/i.test(said)) {
    return `check \`ref\` (${call.ref}): it must be a branch, tag or commit of ${repository}`;
  }
  if (status === 409) return 'GitHub refused to create the deployment over the commit\'s status checks; this is a bug of github-deployment (it asks GitHub not to check them), please report it with this line';
  if (status >= 500) return 'GitHub is failing; nothing to change on your side, try again later';
  if (call.kind === 'create') return 'check `environment`, `ref` and `version`';
  return 'check `environment-url`, `version` and `deployment-id`';
}

/** GitHub's `message`, with the `message` of each validation error it lists. */
function githubMessage(data: unknown): string {
  if (typeof data !== 'object' || data === null) return typeof data === 'string' ? data.trim().slice(0, 200) : '';
  const { message, errors } = data as { message?: unknown; errors?: unknown };
  const details = Array.isArray(errors)
    ? errors.flatMap((item: unknown) => {
        if (typeof item === 'string') return [item];
        if (typeof item === 'object' && item !== null) {
          const detail = (item as { message?: unknown; field?: unknown; code?: unknown }).message;
          if (typeof detail === 'string') return [detail];
          const { field, code } = item as { field?: unknown; code?: unknown };
          if (typeof field === 'string' && typeof code === 'string') return [`${field} ${code}`];
        }
        return [];
      })
    : [];
  const text = typeof message === 'string' ? message.replace(/\s+/g, ' ').trim() : '';
  return [text, ...details].filter((part) => part !== '').join('; ');
}

function isHttpFailure(error: unknown): error is HttpFailure {
  return error instanceof Error && typeof (error as { status?: unknown }).status === 'number';
}
