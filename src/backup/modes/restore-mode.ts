import { UserError } from '../../errors/user-error.js';
import type { PipelineEnv } from '../../pipeline/host-pipeline.js';
import type { BackupConfig, DatabaseSource } from '../backup-config.js';
import type { ObjectStore } from '../backup-store.js';
import { newestGood, readCatalog, readManifest } from '../catalog.js';
import { recipientOf } from '../age-keys.js';
import { databaseOf, type DatabaseAccess } from '../database-session.js';
import type { BackupManifest } from '../manifest.js';
import { backupFolder } from '../object-keys.js';
import { requireIdentity } from '../steps/read-back.js';
import { dropDeadScratchDatabases, replaceDatabase, restoreIntoNewDatabase, scratchName } from '../steps/restore-into.js';

export interface RestoreModeResult {
  mode: 'restore';
  manifest: BackupManifest;
}

/**
 * Restores `restore-key` (or the newest good backup) over the database: into a new database first,
 * checked against the manifest's SHA-256 all the way, and only then put in the old one's place. A
 * damaged object, a wrong identity or a failing SQL statement leaves the database as it was.
 */
export async function restoreMode(
  config: BackupConfig & { source: DatabaseSource },
  store: ObjectStore,
  env: PipelineEnv,
  database: DatabaseAccess = databaseOf(config.source, config.app, env),
): Promise<RestoreModeResult> {
  const manifest = await readManifest(store, await chosenBackup(config, store));
  requireIdentity(manifest, config.identity);
  if (manifest.encryptRecipients.length > 0 && config.identity !== undefined) {
    // A malformed or wrong identity fails here, not after a fresh database was created.
    const recipient = await recipientOf(config.identity);
    if (!manifest.encryptRecipients.includes(recipient)) {
      throw new UserError(`Could not decrypt ${manifest.key} with \`decrypt-identity\`: its public key ${recipient} is not among the backup's recipients (${manifest.encryptRecipients.join(', ')}).`);
    }
  }
  await database((pg) =>
    env.log.group(`Restoring ${manifest.key} over database ${config.database} (${pg.where})`, async () => {
      if (config.source.kind === 'compose') await dropDeadScratchDatabases(pg, config.database, env.log);
      const fresh = scratchName(config.database, 'restore');
      const { likeExists } = await restoreIntoNewDatabase(pg, store, manifest, config.identity, fresh, config.database);
      await replaceDatabase(pg, config.database, fresh, likeExists, env.log);
      env.log.info(`Database ${config.database} now holds ${manifest.key} (release ${manifest.appVersion}, taken ${manifest.startedAt}).`);
    }),
  );
  return { mode: 'restore', manifest };
}

async function chosenBackup(config: BackupConfig, store: ObjectStore): Promise<string> {
  if (config.restoreKey !== undefined) {
    const folder = backupFolder(config.location);
    if (!config.restoreKey.startsWith(folder)) throw new UserError(`Input \`restore-key\` ${config.restoreKey} is not a backup of ${config.database} of ${config.app}: its key must start with ${folder}.`);
    return config.restoreKey;
  }
  const newest = newestGood(await readCatalog(store, config.location));
  if (!newest) throw new UserError(`There is no complete backup under ${config.store.bucket}/${backupFolder(config.location)} to restore.`);
  return newest.key;
}
