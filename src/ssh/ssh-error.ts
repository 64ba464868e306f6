/** A failure reaching or using a host; its message is the one sentence the user sees. */
export class SshError extends Error {
  override readonly name = 'SshError';
}
