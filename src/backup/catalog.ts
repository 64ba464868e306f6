import { UserError } from '../errors/user-error.js';
import type { ObjectStore } from './backup-store.js';
import type { BackupManifest } from './manifest.js';
import { backupFolder, dumpTimeIn, manifestKey, type BackupLocation } from './object-keys.js';

/** A dump in the bucket; `good` when its manifest exists (written only after the upload completed). */
export interface CatalogEntry {
  key: string;
  time: Date;
  bytes: number;
  good: boolean;
}

/**
 * Every backup of the location, newest first, from a listing of all pages (so "latest" is right past
 * 1,000 objects). Keys this suite did not write (in subfolders too) are left out: nothing here may ever delete them.
 */
export async function readCatalog(store: ObjectStore, location: BackupLocation): Promise<CatalogEntry[]> {
  const folder = backupFolder(location);
  const objects = await store.list(folder);
  const keys = new Set(objects.map((object) => object.key));
  const entries: CatalogEntry[] = [];
  for (const object of objects) {
    const time = dumpTimeIn(folder, object.key);
    if (time) entries.push({ key: object.key, time, bytes: object.size, good: keys.has(manifestKey(object.key)) });
  }
  return entries.sort((a, b) => b.time.getTime() - a.time.getTime() || (a.key < b.key ? 1 : -1));
}

export function newestGood(entries: CatalogEntry[]): CatalogEntry | undefined {
  return entries.find((entry) => entry.good);
}

export async function readManifest(store: ObjectStore, key: string): Promise<BackupManifest> {
  const text = await store.readText(manifestKey(key));
  let manifest: Partial<BackupManifest>;
  try {
    manifest = JSON.parse(text) as Partial<BackupManifest>;
  } catch {
    throw new UserError(`The manifest of ${key} is not JSON: it was not written by this action.`);
  }
  if (manifest.manifestVersion !== 1 || manifest.key !== key || typeof manifest.sha256 !== 'string' || typeof manifest.dumpBytes !== 'number') {
    throw new UserError(`The manifest of ${key} is not one this action can use (version ${String(manifest.manifestVersion)}); restore it with the release of the suite that wrote it.`);
  }
  return manifest as BackupManifest;
}
