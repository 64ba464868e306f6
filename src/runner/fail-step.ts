import { UserError } from '../errors/user-error.js';

/** The part of the runner a failed step talks to (@actions/core, or a fake in tests). */
export interface StepFailureSink {
  setFailed(message: string): void;
  debug(message: string): void;
}

/**
 * Fails the step with one line. A UserError's message is the whole story; anything else is a bug
 * of the suite, whose stack goes to the debug log so a re-run with debug logging shows where.
 */
export function failStep(error: unknown, runner: StepFailureSink): void {
  if (error instanceof UserError) {
    runner.setFailed(error.message);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.stack) runner.debug(error.stack);
  runner.setFailed(`${message} (unexpected: re-run the job with debug logging enabled to see where it happened).`);
}
