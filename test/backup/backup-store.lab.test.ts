import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  S3Client,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { BackupStore, type StoreConfig } from '../../src/backup/backup-store.js';
import { UserError } from '../../src/errors/user-error.js';
import { lab } from '../lab/lab.js';
import { freePort } from '../support/lab-host.js';
import { MotoWithAuth } from '../support/moto-with-auth.js';
import { RecordingProxy } from '../support/recording-proxy.js';

const MiB = 1024 * 1024;
const bucket = `store-test-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
const config: StoreConfig = {
  endpoint: lab.s3.endpoint,
  region: 'us-east-1',
  bucket,
  accessKeyId: lab.s3.accessKeyId,
  secretAccessKey: lab.s3.secretAccessKey,
  partSizeBytes: 5 * MiB,
  queueSize: 2,
};

/** Talks to the lab's moto behind the store's back, to check what the store claims. */
const admin = new S3Client({
  endpoint: lab.s3.endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: lab.s3.accessKeyId, secretAccessKey: lab.s3.secretAccessKey },
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});

let store: BackupStore;

beforeAll(async () => {
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  store = new BackupStore(config);
});
afterAll(async () => {
  store.close();
  // The lab moto keeps everything in memory for the whole lab run.
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client: admin }, { Bucket: bucket })) {
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
  }
  for (let start = 0; start < keys.length; start += 50) {
    await Promise.all(keys.slice(start, start + 50).map((key) => admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))));
  }
  await admin.send(new DeleteBucketCommand({ Bucket: bucket }));
  admin.destroy();
});

/** `bytes` random bytes in 64 KiB chunks, and their SHA-256. */
function randomBody(bytes: number): { body: Readable; sha256: string } {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  for (let left = bytes; left > 0; left -= 64 * 1024) {
    const chunk = randomBytes(Math.min(64 * 1024, left));
    hash.update(chunk);
    chunks.push(chunk);
  }
  return { body: Readable.from(chunks), sha256: hash.digest('hex') };
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Parts moto holds for the multipart upload in progress at `key` (0 while there is none). */
async function storedParts(key: string): Promise<number> {
  const uploads = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }));
  const upload = uploads.Uploads?.find((candidate) => candidate.Key === key);
  if (!upload?.UploadId) return 0;
  const parts = await admin.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: upload.UploadId }));
  return parts.Parts?.length ?? 0;
}

describe('BackupStore against the lab S3 (moto)', () => {
  it('streams 12 MiB as a multipart upload and reads the same bytes back', async () => {
    const key = 'round/db/twelve.dump';
    const { body, sha256 } = randomBody(12 * MiB);
    await expect(store.upload(key, body, 'application/octet-stream')).resolves.toEqual({ bytes: 12 * MiB });
    expect(await sha256Of(await store.read(key))).toBe(sha256);
    expect(await store.list('round/db/')).toEqual([{ key, size: 12 * MiB, lastModified: expect.any(Date) }]);
    expect(await keysOf(store.pendingUploads('round/db/'))).toEqual([]);
  });

  it('stops reading when the signal aborts', async () => {
    const key = 'round/db/read-abort.dump';
    await store.upload(key, randomBody(12 * MiB).body, 'application/octet-stream');
    const controller = new AbortController();
    const stream = await store.read(key, controller.signal);
    let received = 0;
    const reading = (async () => {
      for await (const chunk of stream) {
        received += (chunk as Buffer).length;
        if (!controller.signal.aborted) controller.abort();
      }
    })();
    await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
    expect(received).toBeLessThan(12 * MiB);
    expect(stream.destroyed).toBe(true);
  });

  it('stores a body smaller than one part with a single request', async () => {
    const key = 'round/small/one.dump';
    const { body, sha256 } = randomBody(1000);
    await expect(store.upload(key, body, 'application/octet-stream')).resolves.toEqual({ bytes: 1000 });
    expect(await sha256Of(await store.read(key))).toBe(sha256);
  });

  it('aborts the multipart upload and stores nothing when the body fails after two parts', async () => {
    const key = 'failing/db/broken.dump';
    const feed = new Readable({ read() {} });
    const upload = store.upload(key, feed, 'application/octet-stream');
    await stallFeed(feed, key);
    const failure = new Error('pg_dump exited with code 1');
    feed.destroy(failure);
    await expect(upload).rejects.toBe(failure);
    // No polling: the multipart upload is gone by the time upload() rejects.
    expect(await keysOf(store.pendingUploads('failing/db/'))).toEqual([]);
    expect(await store.list('failing/db/')).toEqual([]);
    await expect(store.read(key)).rejects.toThrow(UserError);
  });

  it('aborts the multipart upload and stores nothing when the signal aborts mid-upload', async () => {
    const key = 'aborted/db/cancelled.dump';
    const feed = new Readable({ read() {} });
    const controller = new AbortController();
    const upload = store.upload(key, feed, 'application/octet-stream', controller.signal);
    await stallFeed(feed, key);
    controller.abort();
    await expect(upload).rejects.toMatchObject({ name: 'AbortError' });
    expect(await keysOf(store.pendingUploads('aborted/db/'))).toEqual([]);
    expect(await store.list('aborted/db/')).toEqual([]);
    expect(feed.destroyed).toBe(true);
  });

  it('removes the object when the signal aborts after the body ended, while the upload completes', async () => {
    const key = 'aborted/late/completed.dump';
    const { body } = randomBody(11 * MiB);
    const controller = new AbortController();
    body.once('end', () => controller.abort());
    await expect(store.upload(key, body, 'application/octet-stream', controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(await store.list('aborted/late/')).toEqual([]);
    expect(await keysOf(store.pendingUploads('aborted/late/'))).toEqual([]);
  });

  it('rejects at once, sending nothing, when the signal was aborted before the call', async () => {
    const key = 'aborted/early/never.dump';
    const controller = new AbortController();
    controller.abort(new Error('the job was cancelled'));
    await expect(store.upload(key, Readable.from([Buffer.alloc(10)]), 'application/octet-stream', controller.signal)).rejects.toThrow('the job was cancelled');
    expect(await store.list('aborted/early/')).toEqual([]);
  });

  it('lists every object of a folder past the 1,000 of one page, and nothing of its siblings', async () => {
    const folder = 'many/db/';
    const keys = Array.from({ length: 1005 }, (_, index) => `${folder}${String(index).padStart(4, '0')}.dump`);
    const others = ['many/db-other/0000.dump', 'many/db-other/0001.dump', 'many/db.dump', 'many/0000.dump'];
    const all = [...keys, ...others];
    for (let start = 0; start < all.length; start += 50) {
      await Promise.all(all.slice(start, start + 50).map((key) => store.writeText(key, key, 'text/plain')));
    }
    const listed = await store.list(folder);
    expect(listed).toHaveLength(1005);
    expect(listed.map((object) => object.key).sort()).toEqual(keys);
    expect(listed.every((object) => object.size === Buffer.byteLength(object.key) && object.lastModified instanceof Date)).toBe(true);
  });

  it('writes and reads text, and removes exactly one object', async () => {
    const manifest = JSON.stringify({ manifestVersion: 1, app: 'bot', note: 'ünïcode ✓' });
    await store.writeText('text/db/a.manifest.json', manifest, 'application/json');
    await store.writeText('text/db/b.manifest.json', '{}', 'application/json');
    expect(await store.readText('text/db/a.manifest.json')).toBe(manifest);
    await store.remove('text/db/a.manifest.json');
    expect((await store.list('text/db/')).map((object) => object.key)).toEqual(['text/db/b.manifest.json']);
    const missing = store.readText('text/db/a.manifest.json');
    await expect(missing).rejects.toThrow(UserError);
    await expect(missing).rejects.toThrow('"text/db/a.manifest.json"');
  });

  it('names the bucket and the endpoint when the bucket does not exist', async () => {
    const lost = new BackupStore({ ...config, bucket: 'no-such-bucket-here' });
    try {
      const listing = lost.list('any/');
      await expect(listing).rejects.toThrow(UserError);
      await expect(listing).rejects.toThrow(/"no-such-bucket-here".*http:\/\/127\.0\.0\.1:9000/);
      const body = randomBody(6 * MiB).body;
      await expect(lost.upload('any/x.dump', body, 'application/octet-stream')).rejects.toThrow(/"no-such-bucket-here"/);
      expect(body.destroyed).toBe(true);
    } finally {
      lost.close();
    }
  });

  it('names the endpoint, quickly, when nothing listens there', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const nowhere = new BackupStore({ ...config, endpoint });
    try {
      const started = Date.now();
      const listing = nowhere.list('any/');
      await expect(listing).rejects.toThrow(UserError);
      await expect(listing).rejects.toThrow(`Could not reach the store at ${endpoint} (ECONNREFUSED)`);
      // The SDK's 3 attempts back off for well under a second each.
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      nowhere.close();
    }
  });
});

/**
 * Spaces rejects aws-chunked bodies with checksum trailers and DeleteObjects' required CRC32; the lab
 * moto accepts both, so the requests themselves are checked on their way to moto.
 */
describe('BackupStore requests, as DigitalOcean Spaces needs them', () => {
  let proxy: RecordingProxy;
  let proxied: BackupStore;

  beforeAll(async () => {
    proxy = await RecordingProxy.start(lab.s3.endpoint);
    proxied = new BackupStore({ ...config, endpoint: proxy.endpoint });
  });
  afterAll(async () => {
    proxied.close();
    await proxy.stop();
  });

  it('sends plain signed bodies without checksums, path-style, and deletes one object at a time', async () => {
    const { body, sha256 } = randomBody(11 * MiB);
    await proxied.upload('spaces/db/a.dump', body, 'application/octet-stream');
    await proxied.writeText('spaces/db/a.dump.manifest.json', '{}', 'application/json');
    expect(await sha256Of(await proxied.read('spaces/db/a.dump'))).toBe(sha256);
    expect(await proxied.readText('spaces/db/a.dump.manifest.json')).toBe('{}');
    await proxied.remove('spaces/db/a.dump.manifest.json');
    await proxied.remove('spaces/db/a.dump');
    expect(await proxied.list('spaces/db/')).toEqual([]);

    const requests = proxy.requests;
    const uploadParts = requests.filter((each) => each.method === 'PUT' && each.url.includes('partNumber='));
    expect(uploadParts).toHaveLength(3);
    expect(requests.filter((each) => each.method === 'DELETE')).toHaveLength(2);
    expect(requests.filter((each) => each.method === 'POST' && /[?&]delete(=|&|$)/.test(each.url))).toEqual([]);
    for (const each of requests) {
      expect(each.url.startsWith(`/${bucket}`)).toBe(true);
      expect(each.headers.host).toBe(new URL(proxy.endpoint).host);
      expect(String(each.headers['content-encoding'] ?? '')).not.toContain('aws-chunked');
      expect(each.headers['x-amz-trailer']).toBeUndefined();
      expect(each.headers['x-amz-checksum-mode']).toBeUndefined();
      expect(each.headers['x-amz-sdk-checksum-algorithm']).toBeUndefined();
      expect(Object.keys(each.headers).filter((name) => name.startsWith('x-amz-checksum-'))).toEqual([]);
      expect(each.headers['x-amz-content-sha256']).not.toMatch(/^STREAMING-/);
    }
  });
});

/**
 * Plays a pg_dump pipe that stalls: pushes two full parts and a byte more into `feed`, then waits
 * until moto has stored both parts, so what the test does next hits an upload with parts on the server.
 */
async function stallFeed(feed: Readable, key: string): Promise<void> {
  feed.push(randomBytes(2 * config.partSizeBytes + 1));
  const until = Date.now() + 30_000;
  while ((await storedParts(key)) < 2) {
    if (Date.now() > until) throw new Error(`moto never held 2 parts of ${key}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('BackupStore against an S3 that checks credentials (a private moto)', () => {
  let moto: MotoWithAuth;
  let writer: { accessKeyId: string; secretAccessKey: string };
  let stranger: { accessKeyId: string; secretAccessKey: string };
  const authBucket = 'auth-bucket';

  beforeAll(async () => {
    moto = await MotoWithAuth.start();
    writer = await moto.createUser('writer', true);
    stranger = await moto.createUser('stranger', false);
    const client = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: writer });
    await client.send(new CreateBucketCommand({ Bucket: authBucket }));
    client.destroy();
    await moto.enforceAuth();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  async function listWith(accessKeyId: string, secretAccessKey: string): Promise<unknown> {
    const checked = new BackupStore({ ...config, endpoint: moto.endpoint, bucket: authBucket, accessKeyId, secretAccessKey });
    try {
      return await checked.list('any/');
    } catch (error) {
      return error;
    } finally {
      checked.close();
    }
  }

  it('works with a key that may write the bucket', async () => {
    expect(await listWith(writer.accessKeyId, writer.secretAccessKey)).toEqual([]);
  });

  it('points at the secret when the secret is wrong, without printing it', async () => {
    const wrongSecret = 'wrongSecretWrongSecretWrongSecret00000000';
    const error = await listWith(writer.accessKeyId, wrongSecret);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain('spaces-secret-access-key');
    expect((error as Error).message).not.toContain(wrongSecret);
    expect((error as Error).message).not.toContain(writer.secretAccessKey);
  });

  it('points at the key id when the store does not know it', async () => {
    const error = await listWith('AKIAUNKNOWNUNKNOWN00', writer.secretAccessKey);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain('spaces-access-key-id');
    expect((error as Error).message).not.toContain(writer.secretAccessKey);
  });

  it('names the bucket when the key may not use it', async () => {
    const error = await listWith(stranger.accessKeyId, stranger.secretAccessKey);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain(`"${authBucket}"`);
    expect((error as Error).message).toContain('spaces-access-key-id');
    expect((error as Error).message).not.toContain(stranger.secretAccessKey);
  });
});

async function keysOf(uploads: Promise<Array<{ key: string }>>): Promise<string[]> {
  return (await uploads).map((upload) => upload.key);
}
