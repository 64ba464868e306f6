import { Readable, addAbortSignal } from 'node:stream';
import { UserError } from '../../src/errors/user-error.js';
import type { ObjectStore, PendingUpload, StoredObject } from '../../src/backup/backup-store.js';

export interface MemoryObject {
  bytes: Buffer;
  contentType: string;
  lastModified: Date;
}

/** How an upload fails: after `afterBytes` bytes of the body arrived, with `error`. */
export interface UploadFailure {
  afterBytes: number;
  error: Error;
}

/**
 * A bucket in a Map, with BackupStore's contract: an upload consumes its body and stores the object
 * only when the body ended without error (rejecting with the body's own error otherwise), a failing
 * upload destroys its body so that whatever feeds it stops, an aborted signal stores nothing. Every
 * call is recorded in order ("upload <key>", "remove <key>", ...), so tests can check what happened
 * and in which order.
 */
export class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, MemoryObject>();
  readonly calls: string[] = [];
  /** Multipart uploads left open, as a killed run leaves them (`leaveUpload`). */
  readonly pending: PendingUpload[] = [];
  private uploadFailure: UploadFailure | undefined;
  private writeFailure: ((key: string) => Error | undefined) | undefined;
  private removeFailure: ((key: string) => Error | undefined) | undefined;
  private readChunk = 64 * 1024;

  /** An object as if uploaded earlier, e.g. a backup of last week. */
  put(key: string, bytes: Buffer | string, lastModified = new Date()): this {
    this.objects.set(key, { bytes: Buffer.from(bytes), contentType: 'application/octet-stream', lastModified });
    return this;
  }

  /** An upload a killed run left open. */
  leaveUpload(key: string): this {
    this.pending.push({ key, uploadId: `upload-${this.pending.length + 1}` });
    return this;
  }

  /** The bytes of `key`; throws when it is not stored. */
  bytes(key: string): Buffer {
    const object = this.objects.get(key);
    if (!object) throw new Error(`The memory store holds no ${key}; it holds ${[...this.objects.keys()].join(', ') || 'nothing'}.`);
    return object.bytes;
  }

  get keys(): string[] {
    return [...this.objects.keys()].sort();
  }

  /** Keys remove was called for, in order (whether they existed or not, as with S3's DeleteObject, and whether it failed). */
  get removed(): string[] {
    return this.calls.filter((call) => call.startsWith('remove ')).map((call) => call.slice('remove '.length));
  }

  /** Makes every later upload fail once `afterBytes` bytes of its body arrived. */
  failUploads(failure: UploadFailure): this {
    this.uploadFailure = failure;
    return this;
  }

  /** Makes writeText fail for the keys `failure` returns an error for. */
  failWriteText(failure: (key: string) => Error | undefined): this {
    this.writeFailure = failure;
    return this;
  }

  /** Makes remove fail for the keys `failure` returns an error for. */
  failRemove(failure: (key: string) => Error | undefined): this {
    this.removeFailure = failure;
    return this;
  }

  /** The size of the chunks read() streams (a small size makes a stream of many chunks). */
  readInChunksOf(bytes: number): this {
    this.readChunk = bytes;
    return this;
  }

  async upload(key: string, body: Readable, contentType: string, signal?: AbortSignal): Promise<{ bytes: number }> {
    this.calls.push(`upload ${key}`);
    const stop = (): void => {
      body.destroy(asError(signal?.reason));
    };
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
    const chunks: Buffer[] = [];
    let bytes = 0;
    try {
      for await (const chunk of body as AsyncIterable<Buffer | string>) {
        const buffer = Buffer.from(chunk);
        chunks.push(buffer);
        bytes += buffer.length;
        const failure = this.uploadFailure;
        if (failure && bytes >= failure.afterBytes) {
          body.destroy(failure.error);
          throw failure.error;
        }
      }
    } finally {
      signal?.removeEventListener('abort', stop);
    }
    if (signal?.aborted) throw asError(signal.reason);
    this.objects.set(key, { bytes: Buffer.concat(chunks), contentType, lastModified: new Date() });
    return { bytes };
  }

  async list(folder: string): Promise<StoredObject[]> {
    this.calls.push(`list ${folder}`);
    if (!folder.endsWith('/')) throw new Error(`A store folder ends in '/': ${folder}`);
    return this.keys.filter((key) => key.startsWith(folder)).map((key) => {
      const object = this.objects.get(key) as MemoryObject;
      return { key, size: object.bytes.length, lastModified: object.lastModified };
    });
  }

  async read(key: string, signal?: AbortSignal): Promise<Readable> {
    this.calls.push(`read ${key}`);
    const bytes = this.existing(key).bytes;
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += this.readChunk) chunks.push(bytes.subarray(at, at + this.readChunk));
    const stream = Readable.from(chunks, { objectMode: false });
    return signal ? addAbortSignal(signal, stream) : stream;
  }

  async readText(key: string): Promise<string> {
    this.calls.push(`readText ${key}`);
    return this.existing(key).bytes.toString('utf8');
  }

  async writeText(key: string, text: string, contentType: string): Promise<void> {
    this.calls.push(`writeText ${key}`);
    const failure = this.writeFailure?.(key);
    if (failure) throw failure;
    this.objects.set(key, { bytes: Buffer.from(text, 'utf8'), contentType, lastModified: new Date() });
  }

  async remove(key: string): Promise<void> {
    this.calls.push(`remove ${key}`);
    const failure = this.removeFailure?.(key);
    if (failure) throw failure;
    this.objects.delete(key);
  }

  async pendingUploads(folder: string): Promise<PendingUpload[]> {
    this.calls.push(`pendingUploads ${folder}`);
    return this.pending.filter((upload) => upload.key.startsWith(folder));
  }

  async abortUpload(upload: PendingUpload): Promise<void> {
    this.calls.push(`abortUpload ${upload.key}`);
    this.pending.splice(this.pending.findIndex((open) => open.uploadId === upload.uploadId), 1);
  }

  private existing(key: string): MemoryObject {
    const object = this.objects.get(key);
    // The sentence BackupStore gives for S3's NoSuchKey.
    if (!object) throw new UserError(`There is no object "${key}" in the bucket "memory" at memory.`);
    return object;
  }
}

function asError(reason: unknown): Error {
  if (typeof reason === 'object' && reason !== null && typeof (reason as Error).message === 'string') return reason as Error;
  return new Error(String(reason ?? 'The upload was aborted.'));
}
