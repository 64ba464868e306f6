import { Transform, type TransformCallback } from 'node:stream';

/**
 * Holds the end of a stream until `verdict` (asked once every byte has passed) settles: the bytes a
 * command printed are only a whole dump once it exited 0, so the upload must not complete on an end
 * of stream alone. A rejected verdict fails the stream instead of ending it, which makes the upload abort.
 */
export class ExitGate extends Transform {
  constructor(private readonly verdict: () => Promise<void>) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.verdict().then(() => callback(), (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
  }
}
