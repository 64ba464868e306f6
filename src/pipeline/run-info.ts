import { randomBytes } from 'node:crypto';

/** Who and what started this run, from the runner's GITHUB_* variables. */
export interface RunInfo {
  actor: string;
  sha: string;
  repository: string;
  runUrl: string;
  /** A short human name for the lock owner, e.g. "acme/faceit-bot run 42 by octocat". */
  owner: string;
  /**
   * The deploy lock's token for this job: every step of the job (and its post step) holds the lock
   * under it, so a later step never waits on the lock an earlier step of the same job took.
   */
  lockToken: string;
}

/** The variable through which the first step of a job hands its lock token to the later ones. */
export const LOCK_TOKEN_VARIABLE = 'BOT_DEPLOY_LOCK_TOKEN';

export function runInfo(env: NodeJS.ProcessEnv): RunInfo {
  const actor = env.GITHUB_ACTOR || env.USER || 'unknown';
  const repository = env.GITHUB_REPOSITORY || 'local';
  const runId = env.GITHUB_RUN_ID || '';
  const server = env.GITHUB_SERVER_URL || 'https://github.com';
  const runUrl = runId ? `${server}/${repository}/actions/runs/${runId}` : '';
  const inherited = env[LOCK_TOKEN_VARIABLE] ?? '';
  return {
    actor,
    sha: env.GITHUB_SHA || '',
    repository,
    runUrl,
    owner: runId ? `${repository} run ${runId} by ${actor}` : `${actor} (outside GitHub Actions)`,
    // Hex only: the lock script reads the holder's token back with a [0-9a-f] pattern.
    lockToken: /^[0-9a-f]{16,64}$/.test(inherited) ? inherited : randomBytes(12).toString('hex'),
  };
}
