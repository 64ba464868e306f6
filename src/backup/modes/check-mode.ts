import type { BackupConfig } from '../backup-config.js';
import type { ObjectStore } from '../backup-store.js';
import { newestGood, readCatalog, type CatalogEntry } from '../catalog.js';

export interface CheckModeResult {
  mode: 'check';
  newest?: CatalogEntry;
  ageMs?: number;
  /** The newest good backup is younger than `max-age`. */
  fresh: boolean;
  maxAgeMs: number;
}

/** Whether backups still happen: the newest good one must be younger than `max-age` (for a scheduled alert). */
export async function checkMode(config: Pick<BackupConfig, 'location' | 'maxAgeMs'>, store: ObjectStore, now: Date): Promise<CheckModeResult> {
  const newest = newestGood(await readCatalog(store, config.location));
  if (!newest) return { mode: 'check', fresh: false, maxAgeMs: config.maxAgeMs };
  const ageMs = now.getTime() - newest.time.getTime();
  return { mode: 'check', newest, ageMs, fresh: ageMs <= config.maxAgeMs, maxAgeMs: config.maxAgeMs };
}
