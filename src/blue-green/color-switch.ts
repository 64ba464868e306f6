import type { JobSummary } from '../log/job-summary.js';
import type { BlueGreenConfig } from './blue-green-config.js';
import type { ColorStack } from './color-stack.js';
import type { PreviousStack } from './previous-stack.js';

/** One switch as both modes see it: what starts, what served before, and how to record that traffic moved. */
export interface ColorSwitch {
  config: BlueGreenConfig;
  next: ColorStack;
  previous: PreviousStack | undefined;
  summary: JobSummary;
  /** Writes state.json and moves `current`: called the moment traffic (or polling) moved. */
  commit: () => Promise<void>;
  /** Undoes `commit` (state.json and `current` as before): traffic went back after it was recorded. */
  revert: () => Promise<void>;
}

export interface SwitchOutcome {
  /** Webhook: reload → the new version answers through nginx. Polling: old stopped → new started. */
  switchMs: number;
  /** Whether the old stack still runs (keep-warm). */
  oldWarm: boolean;
}
