/** A problem with what the workflow passed in; its message is the one sentence the user sees. */
export class InputError extends Error {
  override readonly name = 'InputError';
}
