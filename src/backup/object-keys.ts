import type { Compression } from './manifest.js';

/**
 * Where backups live in the bucket: `<prefix>/<app>/<database>/<UTC time>-<version>.<ext>`, the time
 * written so that keys sort by time (`20261130T232746Z`), with the manifest at `<key>.manifest.json`.
 */
export interface BackupLocation {
  prefix: string;
  app: string;
  database: string;
}

export const MANIFEST_SUFFIX = '.manifest.json';

/** The folder (ending in `/`) holding every backup of one database of one app. */
export function backupFolder(location: BackupLocation): string {
  return [location.prefix, location.app, location.database].filter((part) => part !== '').join('/') + '/';
}

/** `20261130T232746Z`: ISO 8601 basic format, which sorts like the time it names. */
export function keyTime(time: Date): string {
  return time.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

export function dumpExtension(compression: Compression, encrypted: boolean): string {
  return ['dump', compression === 'zstd' ? 'zst' : compression === 'gzip' ? 'gz' : '', encrypted ? 'age' : ''].filter((part) => part !== '').join('.');
}

export function dumpKey(location: BackupLocation, time: Date, version: string, compression: Compression, encrypted: boolean): string {
  return `${backupFolder(location)}${keyTime(time)}-${version}.${dumpExtension(compression, encrypted)}`;
}

export function manifestKey(dump: string): string {
  return `${dump}${MANIFEST_SUFFIX}`;
}

/** A dump this action writes: `<UTC time>-<version>.dump`, then `.zst` or `.gz`, then `.age`. */
const DUMP_NAME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-[A-Za-z0-9][A-Za-z0-9._-]*\.dump(\.zst|\.gz)?(\.age)?$/;

/**
 * The time of a dump directly in `folder`, or undefined for any other key (a manifest, a subfolder's
 * object, a file someone put there): retention must never count or delete what is not ours.
 */
export function dumpTimeIn(folder: string, key: string): Date | undefined {
  if (!key.startsWith(folder)) return undefined;
  const match = DUMP_NAME.exec(key.slice(folder.length));
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match;
  const time = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
  return Number.isNaN(time.getTime()) ? undefined : time;
}
