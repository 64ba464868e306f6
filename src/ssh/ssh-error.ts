import { UserError } from '../errors/user-error.js';

/** A failure reaching or using a host; its message is the one sentence the user sees. */
export class SshError extends UserError {
  override readonly name = 'SshError';
}
