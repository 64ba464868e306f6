import { UserError } from '../errors/user-error.js';
import type { Outputs } from './run-action.js';

/**
 * A failed step whose outputs still matter to later steps (`if: failure()` rollbacks,
 * notifications): runAction sets them, then fails the step with `message`.
 */
export class ActionFailure extends UserError {
  override readonly name = 'ActionFailure';
  constructor(
    message: string,
    readonly outputs: Outputs,
    /** The error that failed the step, when there is one (a bug's stack is printed at debug level). */
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}
