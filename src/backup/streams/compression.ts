import { PassThrough, type Transform } from 'node:stream';
import { constants, createGunzip, createGzip, createZstdCompress, createZstdDecompress } from 'node:zlib';
import type { Compression } from '../manifest.js';

/**
 * Level 3 is zstd's own default: the benchmark (bench/pg-backup.sh) measured it keeping up with
 * pg_dump while shrinking a dump about as much as gzip -6 does at a fraction of the CPU.
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
