import { UserError } from '../errors/user-error.js';

/** A problem with what the workflow passed in; its message is the one sentence the user sees. */
export class InputError extends UserError {
  override readonly name = 'InputError';
}
