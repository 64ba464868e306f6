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
  /** The run that made the last rollback: a re-run of that run re-activates the same release. */
  rolled_back_by?: string;
  /** blue-green-switch: the color serving, and the release each color's containers run (a color absent runs nothing). */
  color?: 'blue' | 'green';
  colors?: { blue?: string; green?: string };
  updated?: string;
}

/**
 * After `release` went live by a deploy: it moves to the end of the history. `available` are the
 * release folders on the host: a release whose folder was pruned can no longer be rolled back to.
 */
export function afterDeploy(state: DeployState, release: string, available: string[], now: Date): DeployState {
  const { rolled_back_by: _ended, ...rest } = state;
  return withHistory(rest, [...(state.history ?? []).filter((v) => v !== release && available.includes(v)), release], now);
}

/**
 * After a rollback from `from` to `to`: `from` leaves the history, so rolling back again (or
 * re-running the same rollback) never brings the release that was rolled back from back.
 */
export function afterRollback(state: DeployState, from: string | undefined, to: string, available: string[], run: string, now: Date): DeployState {
  const history = [...(state.history ?? []).filter((v) => v !== from && v !== to && available.includes(v)), to];
  return withHistory({ ...state, ...(run ? { rolled_back_by: run } : {}) }, history, now);
}

/**
 * The release a rollback without `version` goes to: the newest one activated before `current`
 * whose folder is still on the host (`available`; pruning may have removed older ones) — unless
 * this very run (`run`, a re-run of the job) already rolled back to `current`: then `current`, so
 * re-running a rollback job never steps back a second release.
 */
export function rollbackCandidate(state: DeployState, current: string | undefined, available: string[], run = ''): string | undefined {
  if (run && state.rolled_back_by === run && current && state.active === current) return current;
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
