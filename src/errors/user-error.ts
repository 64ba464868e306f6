/**
 * Something the user has to fix (an input, the host, the release): its message is the one sentence
 * the step fails with. Any other error is a bug of the suite, reported with its stack.
 */
export class UserError extends Error {
  override readonly name: string = 'UserError';
}
