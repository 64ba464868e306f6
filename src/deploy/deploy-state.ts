/**
 * state.json: which release is active and which releases were activated successfully, oldest
 * first. Rollback walks this history, never the release folders: a folder may hold a release
 * that failed before it ever ran.
 */
export interface DeployState {
  active?: string;
  /** The release a rollback without `version` would re-activate. */
  previous?: string;
  history?: string[];
  color?: 'blue' | 'green';
  updated?: string;
}

/** After `release` went live by a deploy: it moves to the end of the history. */
export function afterDeploy(state: DeployState, release: string, now: Date): DeployState {
  return withHistory(state, [...(state.history ?? []).filter((v) => v !== release), release], now);
}

/**
 * After a rollback from `from` to `to`: `from` leaves the history, so rolling back again (or
 * re-running the same rollback) never brings the release that was rolled back from back.
 */
export function afterRollback(state: DeployState, from: string | undefined, to: string, now: Date): DeployState {
  return withHistory(state, [...(state.history ?? []).filter((v) => v !== from && v !== to), to], now);
}

/**
 * The release a rollback without `version` goes to: the newest one activated before `current`
 * whose folder is still on the host (`available`; pruning may have removed older ones).
 */
export function rollbackCandidate(state: DeployState, current: string | undefined, available: string[]): string | undefined {
  return (state.history ?? []).filter((v) => v !== current && available.includes(v)).at(-1);
}

/** Far more than keep-releases ever keeps: the history only has to reach the oldest folder left. */
const HISTORY_LIMIT = 50;

function withHistory(state: DeployState, all: string[], now: Date): DeployState {
  const { previous: _replaced, ...rest } = state;
  const history = all.slice(-HISTORY_LIMIT);
  const previous = history.at(-2);
  return { ...rest, active: history.at(-1), ...(previous ? { previous } : {}), history, updated: now.toISOString() };
}
