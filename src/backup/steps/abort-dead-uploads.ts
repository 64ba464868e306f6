import type { Log } from '../../log/log.js';
import type { ObjectStore } from '../backup-store.js';

/**
 * Aborts the multipart uploads under `folder`: called under the app's deploy lock, which every
 * backup of the app holds while it uploads, so any upload still open belongs to a run that was
 * killed (a cancelled job) and would otherwise keep its parts, billed, until a lifecycle rule.
 */
export async function abortDeadUploads(store: ObjectStore, folder: string, log: Log): Promise<void> {
  for (const upload of await store.pendingUploads(folder)) {
    await store.abortUpload(upload);
    log.info(`Aborted the unfinished upload of ${upload.key}, left by a backup that died.`);
  }
}
