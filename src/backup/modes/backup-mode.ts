import type { PipelineEnv } from '../../pipeline/host-pipeline.js';
import type { BackupConfig, DatabaseSource } from '../backup-config.js';
import type { ObjectStore } from '../backup-store.js';
import { databaseOf, type DatabaseAccess } from '../database-session.js';
import { formatBytes } from '../format-bytes.js';
import type { BackupManifest } from '../manifest.js';
import { backupFolder, dumpKey, manifestKey } from '../object-keys.js';
import { messageOf } from '../../errors/message-of.js';
import { InputError } from '../../inputs/input-error.js';
import { recipientOf } from '../age-keys.js';
import { abortDeadUploads } from '../steps/abort-dead-uploads.js';
import { dumpToStore } from '../steps/dump.js';
import { dropDeadScratchDatabases } from '../steps/restore-into.js';
import { verifyBackup } from '../steps/verify.js';
import { pruneBackups, type PruneResult } from './prune-mode.js';

export interface BackupModeResult {
  mode: 'backup';
  manifest: BackupManifest;
  /** Retention run after the good backup, when `keep` is set. */
  prune?: PruneResult;
}

/**
 * Dump, then prove it restores (`verify`), then apply retention: a backup that failed any step
 * never prunes, and one that failed its verification loses its manifest.
 */
export async function backupMode(
  config: BackupConfig & { source: DatabaseSource },
  store: ObjectStore,
  env: PipelineEnv,
  database: DatabaseAccess = databaseOf(config.source, config.app, env),
): Promise<BackupModeResult> {
  const { log } = env;
  // The identity, the bucket and the keys are checked before the database is touched or the deploy lock taken.
  if (config.identity !== undefined && config.verify !== 'none' && config.recipients.length > 0 && !config.recipients.includes(await recipientOf(config.identity))) {
    throw new InputError('Input `decrypt-identity` is not the identity of any of `encrypt-recipients`, so the backup could not be verified: give the matching identity.');
  }
  await store.list(backupFolder(config.location));
  const manifest = await database(async (pg) => {
    // Named once the lock is held: a run that waited for it must not look older than the one before.
    const key = dumpKey(config.location, new Date(), config.version, config.compression, config.recipients.length > 0);
    // Only under the lock is an open upload surely a dead run's: a URL's backups take no lock.
    if (config.source.kind === 'compose') await abortDeadUploads(store, backupFolder(config.location), log);
    const stored = await log.group(`Backing up ${config.database} to ${config.store.bucket}/${key}`, () =>
      dumpToStore(pg, store, { key, app: config.app, database: config.database, format: config.format, compression: config.compression, recipients: config.recipients, version: config.version, gitSha: config.gitSha }, log),
    );
    log.info(`Stored ${key}: ${formatBytes(stored.objectBytes)} (dump ${formatBytes(stored.dumpBytes)}), SHA-256 ${stored.sha256}`);
    if (config.verify === 'none') return stored;
    if (config.verify === 'restore' && config.source.kind === 'compose') await dropDeadScratchDatabases(pg, config.database, log);
    try {
      return await verifyBackup(pg, store, stored, config.identity, config.verify, log);
    } catch (error) {
      // A backup that did not restore must not be the one a restore or retention trusts.
      await store.remove(manifestKey(key)).then(
        () => log.warning(`${key} failed its verification: its manifest is removed, so nothing trusts it, and retention deletes it after a day.`),
        (removal: unknown) => log.warning(`${key} failed its verification, and its manifest could not be removed (${messageOf(removal).replace(/\.$/, '')}): delete ${manifestKey(key)} so no restore picks it.`),
      );
      throw error;
    }
  });
  return { mode: 'backup', manifest, ...(config.keep ? { prune: await pruneBackups(config, config.keep, store, log) } : {}) };
}
