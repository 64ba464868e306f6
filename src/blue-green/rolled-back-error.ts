import { UserError } from '../errors/user-error.js';

/** The new release failed and the old one serves again: the step fails with `rolled-back: true`. */
export class RolledBackError extends UserError {
  override readonly name = 'RolledBackError';
}
