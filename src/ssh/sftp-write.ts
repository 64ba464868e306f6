import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { noSpaceSentence } from './no-space.js';
import { SshError } from './ssh-error.js';
import { messageOf } from '../errors/message-of.js';

/** Asks the host how many bytes are free on the filesystem holding a folder; undefined if it cannot tell. */
export type FreeSpace = (dir: string) => Promise<number | undefined>;

/** SSH_FX_FAILURE: sftp-server's answer for any error without a status of its own, a full disk among them. */
const SFTP_FAILURE = 4;
/**
 * A write that failed with less than this much room left beside the content was stopped by a full
 * disk: the temporary file is gone by then, so a nearly full disk has about the content's size free.
 */
const FULL_DISK_SLACK = 64 * 1024;

/**
 * Writes `path` atomically with `mode`: the content goes to a fresh temporary file created with
 * that mode (so a 0600 .env is never readable by others, not even while being written), then
 * replaces `path` by rename, so readers see the old file or the new one, never half of one.
 */
export async function writeFileAtomic(
  sftp: SFTPWrapper,
  host: string,
  path: string,
  content: Buffer,
  mode: number,
  freeSpace: FreeSpace,
): Promise<void> {
  const temporary = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  // SFTP reports a full disk as a bare "Failure": only the host's free space tells it apart.
  const fail = async (step: string, error: unknown): Promise<SshError> => {
    const dir = posix.dirname(path);
    if (isFailureStatus(error) && ((await freeSpace(dir)) ?? Infinity) < content.length + FULL_DISK_SLACK) {
      return new SshError(noSpaceSentence(`Writing ${path}`, host, dir));
    }
    return new SshError(`Could not write ${path} on ${host} (${step}: ${messageOf(error)}): check that the directory exists and the SSH user may write there.`);
  };
  const handle = await call<Buffer>((done) => sftp.open(temporary, 'w', { mode }, done)).catch(async (error: unknown) => {
    throw await fail('create', error);
  });
  try {
    await call((done) => sftp.write(handle, content, 0, content.length, 0, done));
    // The umask of the SFTP server may have cleared bits of `mode` at creation.
    await call((done) => sftp.fchmod(handle, mode, done));
  } catch (error) {
    await call((done) => sftp.close(handle, done)).catch(() => undefined);
    await call((done) => sftp.unlink(temporary, done)).catch(() => undefined);
    throw await fail('write', error);
  }
  try {
    await call((done) => sftp.close(handle, done));
    await rename(sftp, temporary, path);
  } catch (error) {
    await call((done) => sftp.unlink(temporary, done)).catch(() => undefined);
    throw await fail('rename', error);
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

const isFailureStatus = (error: unknown): boolean => error instanceof Error && (error as Error & { code?: unknown }).code === SFTP_FAILURE;

/** Node-style callback APIs as promises; a synchronous throw (unsupported extension) rejects too. */
function call<T = void>(start: (done: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    start((error, value) => (error ? reject(error) : resolve(value as T)));
  });
}
