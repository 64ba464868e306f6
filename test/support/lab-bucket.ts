import { CreateBucketCommand, GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { lab } from '../lab/lab.js';

/** A bucket of the lab's S3 server, seen with a client of its own (not the suite's store code). */
export class LabBucket {
  readonly client: S3Client;

  constructor(
    readonly name: string,
    endpoint: string = lab.s3.endpoint,
  ) {
    this.client = new S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: lab.s3.accessKeyId, secretAccessKey: lab.s3.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async create(): Promise<this> {
    await this.client.send(new CreateBucketCommand({ Bucket: this.name }));
    return this;
  }

  /** Every key under `prefix`, all pages. */
  async keys(prefix = ''): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.name, Prefix: prefix, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : [])));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  async pendingUploads(): Promise<string[]> {
    const page = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.name }));
    return (page.Uploads ?? []).flatMap((upload) => (upload.Key ? [upload.Key] : []));
  }

  async get(key: string): Promise<Buffer> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.name, Key: key }));
    return Buffer.from(await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
  }

  async put(key: string, body: Buffer | string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.name, Key: key, Body: body }));
  }
}
