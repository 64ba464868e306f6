import { PassThrough, type Transform } from 'node:stream';
import { constants, createGunzip, createGzip, createZstdCompress, createZstdDecompress } from 'node:zlib';
import type { Compression } from '../manifest.js';

/**
 * Level 3 is zstd's own default. bench/pg-backup.mjs measured it on a 1 GB bot database against
 * Node's gzip (level 6) and pg_dump's own gzip inside the container: faster than both and the
 * smallest object (150 MB from a 743 MB dump, against 157 and 151 MB).
 */
const ZSTD_LEVEL = 3;

export function compressor(compression: Compression): Transform {
  if (compression === 'zstd') return createZstdCompress({ params: { [constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL, [constants.ZSTD_c_checksumFlag]: 1 } });
  if (compression === 'gzip') return createGzip();
  return new PassThrough();
}

/** Undoes `compressor`; a truncated or damaged frame fails the stream. */
export function decompressor(compression: Compression): Transform {
  if (compression === 'zstd') return createZstdDecompress();
  if (compression === 'gzip') return createGunzip();
  return new PassThrough();
}
