/**
 * Everything that is the user's to fix (an input, a host's setup, another deploy holding the lock):
 * its message is the one sentence the step fails with. Any other error is a bug in the suite.
 */
export class UserError extends Error {
  override readonly name: string = 'UserError';
}
