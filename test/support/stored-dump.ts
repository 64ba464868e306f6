import { Encrypter } from 'age-encryption';
import { createHash } from 'node:crypto';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import type { BackupManifest, Compression } from '../../src/backup/manifest.js';
import { manifestKey } from '../../src/backup/object-keys.js';
import { ROW_COUNTS, SERVER_VERSION } from './fake-pg.js';
import type { MemoryStore } from './memory-store.js';

/** pg_dump's output for tests: `kib` KiB of lines that differ, so a lost or reordered chunk shows. */
export function fakeDump(kib: number): Buffer {
  const lines: string[] = [];
  let bytes = 0;
  for (let line = 0; bytes < kib * 1024; line += 1) {
    const text = `INSERT INTO messages VALUES (${line}, 'message ${line * 7919}');\n`;
    lines.push(text);
    bytes += text.length;
  }
  return Buffer.from(lines.join('')).subarray(0, kib * 1024);
}

export const sha256 = (bytes: Buffer | Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Puts `dump` into the store as dumpToStore would (compressed, encrypted to `recipients`) with its
 * manifest, and returns the manifest; `overrides` make it lie.
 */
export async function storeDump(
  store: MemoryStore,
  key: string,
  dump: Buffer,
  options: { compression?: Compression; recipients?: string[]; overrides?: Partial<BackupManifest> } = {},
): Promise<BackupManifest> {
  const { compression = 'zstd', recipients = [], overrides = {} } = options;
  const compressed = compression === 'zstd' ? zstdCompressSync(dump) : compression === 'gzip' ? gzipSync(dump) : dump;
  let stored: Buffer = compressed;
  if (recipients.length > 0) {
    const encrypter = new Encrypter();
    for (const recipient of recipients) encrypter.addRecipient(recipient);
    stored = Buffer.from(await encrypter.encrypt(compressed));
  }
  const manifest: BackupManifest = {
    manifestVersion: 1,
    app: 'shop',
    database: 'bot',
    key,
    format: 'custom',
    compression,
    encryptRecipients: recipients,
    sha256: sha256(stored),
    dumpBytes: dump.length,
    objectBytes: stored.length,
    pgDumpVersion: SERVER_VERSION,
    serverVersion: SERVER_VERSION,
    appVersion: 'v1.0.0',
    gitSha: 'abc123',
    startedAt: '2026-11-30T23:27:46.000Z',
    finishedAt: '2026-11-30T23:28:46.000Z',
    rowCounts: ROW_COUNTS,
    ...overrides,
  };
  store.put(key, stored).put(manifestKey(key), JSON.stringify(manifest));
  return manifest;
}
