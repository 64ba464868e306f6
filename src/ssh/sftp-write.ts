import { randomBytes } from 'node:crypto';
import type { SFTPWrapper } from 'ssh2';
import { SshError } from './ssh-error.js';

/**
 * Writes `path` atomically with `mode`: the content goes to a fresh temporary file created with
 * that mode (so a 0600 .env is never readable by others, not even while being written), then
 * replaces `path` by rename, so readers see the old file or the new one, never half of one.
 */
export async function writeFileAtomic(sftp: SFTPWrapper, host: string, path: string, content: Buffer, mode: number): Promise<void> {
  const temporary = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  const fail = (step: string, error: unknown): SshError =>
    new SshError(`Could not write ${path} on ${host} (${step}: ${error instanceof Error ? error.message : String(error)}): check that the directory exists and the SSH user may write there.`);
  const handle = await call<Buffer>((done) => sftp.open(temporary, 'w', { mode }, done)).catch((error: unknown) => {
    throw fail('create', error);
  });
  try {
    await call((done) => sftp.write(handle, content, 0, content.length, 0, done));
    // The umask of the SFTP server may have cleared bits of `mode` at creation.
    await call((done) => sftp.fchmod(handle, mode, done));
  } catch (error) {
    await call((done) => sftp.close(handle, done)).catch(() => undefined);
    await call((done) => sftp.unlink(temporary, done)).catch(() => undefined);
    throw fail('write', error);
  }
  try {
    await call((done) => sftp.close(handle, done));
    await rename(sftp, temporary, path);
  } catch (error) {
    await call((done) => sftp.unlink(temporary, done)).catch(() => undefined);
    throw fail('rename', error);
  }
}

/**
 * The OpenSSH posix-rename extension replaces the target in one step; plain SFTP rename refuses to
 * overwrite, so without the extension the old file is removed first (a brief gap, but never a
 * partial file).
 */
async function rename(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
  try {
    await call((done) => sftp.ext_openssh_rename(from, to, done));
    return;
  } catch (error) {
    if (!(error instanceof Error && /does not support/.test(error.message))) throw error;
  }
  await call((done) => sftp.unlink(to, done)).catch(() => undefined);
  await call((done) => sftp.rename(from, to, done));
}

/** Node-style callback APIs as promises; a synchronous throw (unsupported extension) rejects too. */
function call<T = void>(start: (done: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    start((error, value) => (error ? reject(error) : resolve(value as T)));
  });
}
