import type { InputSpec } from '../inputs/input-spec.js';

export interface OutputSpec {
  name: string;
  description: string;
}

/** A JavaScript action's `runs:` (paths relative to the action's folder). */
export interface ActionRuns {
  using: 'node24';
  main: string;
  /** Runs after the job's steps, e.g. to release what `main` left behind. */
  post?: string;
  /** When `post` runs, e.g. `always()`. */
  postIf?: string;
}

/** Everything an action's action.yml says, as data: the build renders `<folder>/action.yml` from it. */
export interface ActionMetadata {
  /** The action's folder at the repository root, the `uses:` path (`org/bot-deploy/<folder>@v1`). */
  folder: string;
  name: string;
  description: string;
  author: string;
  branding: { icon: string; color: string };
  inputs: readonly InputSpec[];
  outputs: readonly OutputSpec[];
  runs: ActionRuns;
}
