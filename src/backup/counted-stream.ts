import { Readable } from 'node:stream';

/** A stream that passes `source` on as Buffers and knows how many bytes went through. */
export interface CountedStream {
  readonly stream: Readable;
  bytes(): number;
}

/**
 * lib-storage learns no total for a stream of unknown length, so the bytes an upload stored are
 * counted on the way in. An error of `source` comes out of `stream` as the same error object.
 */
export function countedStream(source: Readable): CountedStream {
  let bytes = 0;
  async function* pass(): AsyncGenerator<Buffer> {
    for await (const chunk of source as AsyncIterable<Buffer | Uint8Array | string>) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      bytes += buffer.length;
      yield buffer;
    }
  }
  return { stream: Readable.from(pass(), { objectMode: false }), bytes: () => bytes };
}
