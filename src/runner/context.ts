/** Who and what started this run, from the runner's GITHUB_* variables. */
export interface RunContext {
  actor: string;
  sha: string;
  repository: string;
  runUrl: string;
  /** A short human name for the lock owner, e.g. "acme/faceit-bot run 42 by octocat". */
  owner: string;
}

export function runContext(env: NodeJS.ProcessEnv): RunContext {
  const actor = env.GITHUB_ACTOR || env.USER || 'unknown';
  const repository = env.GITHUB_REPOSITORY || 'local';
  const runId = env.GITHUB_RUN_ID || '';
  const server = env.GITHUB_SERVER_URL || 'https://github.com';
  const runUrl = runId ? `${server}/${repository}/actions/runs/${runId}` : '';
  return {
    actor,
    sha: env.GITHUB_SHA || '',
    repository,
    runUrl,
    owner: runId ? `${repository} run ${runId} by ${actor}` : `${actor} (outside GitHub Actions)`,
  };
}
