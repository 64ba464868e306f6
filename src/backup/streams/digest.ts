import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Passes bytes through while counting them and hashing them (SHA-256). */
export class Digest extends Transform {
  bytes = 0;
  private readonly hash: Hash = createHash('sha256');
  private hex: string | undefined;

  /** `expected`: the stream fails at its end, before passing on its last chunk, when the bytes hash otherwise. */
  constructor(private readonly expected?: { sha256: string; onMismatch: (actual: string) => Error }) {
    super();
  }

  /** The hex SHA-256 of everything that passed, once the stream ended. */
  get sha256(): string {
    if (this.hex === undefined) throw new Error('The digest is read before the stream ended.');
    return this.hex;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.hex = this.hash.digest('hex');
    if (this.expected && this.expected.sha256 !== this.hex) callback(this.expected.onMismatch(this.hex));
    else callback();
  }
}
