import { messageOf } from '../errors/message-of.js';
import { UserError } from '../errors/user-error.js';
import { ActionFailure } from './action-failure.js';

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
  // A failure that carries outputs is judged by the error that caused it.
  const cause = error instanceof ActionFailure && error.cause !== undefined ? error.cause : error;
  if (cause instanceof UserError) {
    runner.setFailed(messageOf(error));
    return;
  }
  if (cause instanceof Error && cause.stack) runner.debug(cause.stack);
  runner.setFailed(`${messageOf(error)} (unexpected: re-run the job with debug logging enabled to see where it happened).`);
}

