/** The JSON object stored next to each dump (`<dump key>.manifest.json`): what a restore needs to trust it. */
export interface BackupManifest {
  /** Bumped when a field changes meaning; readers refuse versions they do not know. */
  manifestVersion: 1;
  app: string;
  database: string;
  /** The dump object's key. */
  key: string;
  /** pg_dump's format: custom (pg_restore) or plain (SQL for psql). */
  format: DumpFormat;
  compression: Compression;
  /** age recipients the object is encrypted to; empty when it is not encrypted. */
  encryptRecipients: string[];
  /** SHA-256 (hex) of the stored object, exactly as uploaded. */
  sha256: string;
  /** Bytes of pg_dump's output, before compression and encryption. */
  dumpBytes: number;
  /** Bytes of the stored object. */
  objectBytes: number;
  pgDumpVersion: string;
  serverVersion: string;
  appVersion: string;
  gitSha: string;
  /** ISO times: the dump started, the upload completed. */
  startedAt: string;
  finishedAt: string;
  /** Rows per table (`schema.table`), counted in the snapshot the dump was taken from. */
  rowCounts: Record<string, number>;
  /** Set once the stored object was read back and proven to restore. */
  verified?: { method: 'stream' | 'restore'; at: string };
}

export type DumpFormat = 'custom' | 'plain';
export type Compression = 'zstd' | 'gzip' | 'none';
