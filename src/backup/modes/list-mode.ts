import type { Log } from '../../log/log.js';
import type { BackupConfig } from '../backup-config.js';
import type { ObjectStore } from '../backup-store.js';
import { readCatalog, readManifest, type CatalogEntry } from '../catalog.js';
import type { BackupManifest } from '../manifest.js';

export interface ListedBackup extends CatalogEntry {
  manifest?: BackupManifest;
}

export interface ListModeResult {
  mode: 'list';
  backups: ListedBackup[];
}

/** How many manifests are read at once. */
const MANIFEST_READS = 8;

/** Every backup of the database with what its manifest says (release, verified), newest first. */
export async function listMode(config: Pick<BackupConfig, 'location'>, store: ObjectStore, log: Log): Promise<ListModeResult> {
  const entries = await readCatalog(store, config.location);
  const backups: ListedBackup[] = entries.map((entry) => ({ ...entry }));
  const good = backups.filter((backup) => backup.good);
  for (let at = 0; at < good.length; at += MANIFEST_READS) {
    await Promise.all(
      good.slice(at, at + MANIFEST_READS).map(async (backup) => {
        backup.manifest = await readManifest(store, backup.key).catch((error: unknown) => {
          log.warning(`Skipping the manifest of ${backup.key}: ${error instanceof Error ? error.message : String(error)}`);
          return undefined;
        });
      }),
    );
  }
  return { mode: 'list', backups };
}
