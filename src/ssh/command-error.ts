import { UserError } from '../errors/user-error.js';
import { oneLine } from '../log/one-line.js';

/** A host command that failed; the message is the one sentence the user sees. */
export class CommandError extends UserError {
  override readonly name = 'CommandError';
  constructor(
    message: string,
    readonly exitCode: number,
    readonly timedOut = false,
  ) {
    super(message);
  }
}

/** The last non-empty line of a command's output, without a final period (it ends our sentence). */
export const lastLine = (text: string): string => oneLine(text.trim().split('\n').pop()?.trim().replace(/\.$/, '') ?? '');
