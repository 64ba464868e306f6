import { Readable, addAbortSignal } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { countedStream } from './counted-stream.js';
import { storeError, type StoreScene } from './store-errors.js';

export interface StoreConfig {
  /** e.g. https://fra1.digitaloceanspaces.com or http://127.0.0.1:9000; undefined → AWS's endpoint for `region`. */
  endpoint?: string;
  /** Spaces: the region slug (fra1). */
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Multipart part size in bytes (>= 5 MiB). */
  partSizeBytes: number;
  /** How many parts upload at once; an upload buffers up to partSizeBytes × queueSize. */
  queueSize: number;
}

/** A connection to the store idle this long is dead: a part of 16 MiB moves in far less even on a slow link. */
const SOCKET_IDLE_MS = 120_000;

export interface PendingUpload {
  key: string;
  uploadId: string;
}

export interface StoredObject {
  key: string;
  size: number;
  lastModified: Date;
}

/** What backups need of a bucket: the steps depend on this, so they are tested without a store too. */
export type ObjectStore = Pick<BackupStore, 'upload' | 'list' | 'read' | 'readText' | 'writeText' | 'remove' | 'pendingUploads' | 'abortUpload'>;

/**
 * One bucket of an S3-compatible store (DigitalOcean Spaces, AWS S3, moto), reduced to what backups
 * need. Failures the user can fix (bucket, credentials, endpoint, missing key) reject as UserError.
 */
export class BackupStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly endpoint: string;

  constructor(config: StoreConfig) {
    this.bucket = config.bucket;
    this.partSize = config.partSizeBytes;
    this.queueSize = config.queueSize;
    this.endpoint = config.endpoint ?? `the AWS S3 endpoint of region ${config.region}`;
    this.client = new S3Client({
      region: config.region,
      ...(config.endpoint !== undefined ? { endpoint: config.endpoint, forcePathStyle: true } : {}),
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      // SDK >= 3.729 otherwise sends aws-chunked bodies with CRC32 trailers, which Spaces rejects.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      // Without it a silently dropped connection waits for the operating system's TCP timeout.
      // A store that stops answering mid-transfer would otherwise hold the upload, pg_dump and the deploy lock until the job times out.
      requestHandler: { connectionTimeout: 10_000, socketTimeout: SOCKET_IDLE_MS },
    });
  }

  /**
   * Streams `body` as a multipart upload. If `body` errors or `signal` aborts, the multipart upload is
   * aborted before this rejects with that error, so no object and no parts are left behind. `body`
   * is consumed to its end, or destroyed when the upload fails, so that whatever feeds it stops too.
   * `onPart` hears how many bytes are stored each time a part is.
   */
  async upload(key: string, body: Readable, contentType: string, signal?: AbortSignal, onPart?: (storedBytes: number) => void): Promise<{ bytes: number }> {
    // Stopping the body (rather than lib-storage's own abort, which rejects at once and aborts the
    // multipart upload later, unobserved) lets done() settle only after the upload was aborted.
    const stop = (): void => {
      body.destroy(asError(signal?.reason));
    };
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
    const counted = countedStream(body);
    try {
      const upload = new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key: key, Body: counted.stream, ContentType: contentType },
        partSize: this.partSize,
        queueSize: this.queueSize,
        leavePartsOnError: false,
      });
      if (onPart) upload.on('httpUploadProgress', (progress) => onPart(progress.loaded ?? 0));
      await upload.done();
    } catch (error) {
      const bodyError: unknown = body.errored;
      if (bodyError) throw bodyError;
      const failure = storeError(error, this.scene(key));
      body.destroy(asError(failure));
      throw failure;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
    if (signal?.aborted) {
      // Aborted while the last parts or the completion were in flight: the object must not stay.
      await this.remove(key);
      throw asError(signal.reason);
    }
    return { bytes: counted.bytes() };
  }

  /** Every object under `folder` (a prefix ending in '/'), across all pages of the listing. */
  async list(folder: string): Promise<StoredObject[]> {
    assertFolder(folder);
    const objects: StoredObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.call(() => this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: folder, ContinuationToken: token })));
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        objects.push({ key: object.Key, size: object.Size ?? 0, lastModified: object.LastModified ?? new Date(0) });
      }
      if (page.IsTruncated && !page.NextContinuationToken) {
        throw new Error(`The store at ${this.endpoint} said the listing of ${folder} goes on but gave no continuation token.`);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return objects;
  }

  /** The object's bytes as they arrive; `signal` aborts the request and destroys the stream. */
  async read(key: string, signal?: AbortSignal): Promise<Readable> {
    const output = await this.call(
      () => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), signal ? { abortSignal: signal } : {}),
      key,
    );
    const body = output.Body;
    if (!(body instanceof Readable)) throw new Error(`The S3 client returned no Node stream for ${key}.`);
    return signal ? addAbortSignal(signal, body) : body;
  }

  async readText(key: string): Promise<string> {
    const output = await this.call(() => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })), key);
    if (!output.Body) throw new Error(`The S3 client returned no body for ${key}.`);
    return output.Body.transformToString('utf8');
  }

  async writeText(key: string, text: string, contentType: string): Promise<void> {
    await this.call(() => this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: text, ContentType: contentType })), key);
  }

  /** One DeleteObject: DeleteObjects requires a checksum (CRC32 in this SDK) that Spaces rejects. */
  async remove(key: string): Promise<void> {
    await this.call(() => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })), key);
  }

  /** The multipart uploads in progress under `folder`. */
  async pendingUploads(folder: string): Promise<PendingUpload[]> {
    assertFolder(folder);
    const uploads: PendingUpload[] = [];
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      const page = await this.call(() =>
        this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: folder, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker })),
      );
      for (const upload of page.Uploads ?? []) if (upload.Key !== undefined && upload.UploadId !== undefined) uploads.push({ key: upload.Key, uploadId: upload.UploadId });
      if (!page.IsTruncated) return uploads;
      if (page.NextKeyMarker === undefined) {
        throw new Error(`The store at ${this.endpoint} said the uploads under ${folder} go on but gave no marker.`);
      }
      keyMarker = page.NextKeyMarker;
      uploadIdMarker = page.NextUploadIdMarker;
    }
  }

  /** Drops a multipart upload and the parts it stored (a run that died mid-upload left it). */
  async abortUpload(upload: PendingUpload): Promise<void> {
    await this.call(() => this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.key, UploadId: upload.uploadId })), upload.key);
  }

  close(): void {
    this.client.destroy();
  }

  private async call<T>(request: () => Promise<T>, key?: string): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw storeError(error, this.scene(key));
    }
  }

  private scene(key?: string): StoreScene {
    return { bucket: this.bucket, endpoint: this.endpoint, ...(key !== undefined ? { key } : {}) };
  }
}

function assertFolder(folder: string): void {
  if (!folder.endsWith('/')) throw new Error(`A store folder ends in '/': ${folder}`);
}

/** An abort reason as the Error to destroy a stream with; the default reason (a DOMException) as it is. */
function asError(reason: unknown): Error {
  if (typeof reason === 'object' && reason !== null && typeof (reason as Error).message === 'string') return reason as Error;
  return new Error(String(reason ?? 'The upload was aborted.'));
}
