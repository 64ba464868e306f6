import { NoSuchBucket, NoSuchKey, S3ServiceException } from '@aws-sdk/client-s3';
import { storeError, type StoreScene } from '../../src/backup/store-errors.js';
import { UserError } from '../../src/errors/user-error.js';

const scene: StoreScene = { bucket: 'team-backups', endpoint: 'https://fra1.digitaloceanspaces.com', key: 'bot/main/20261130T232746Z-v1.dump.zst' };

/** An S3 error the SDK has no class for: it keeps the XML's Code as `name`. */
function serviceError(name: string, status: number, message: string): S3ServiceException {
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message });
}

function nodeError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

function userMessage(error: unknown): string {
  const mapped = storeError(error, scene);
  expect(mapped).toBeInstanceOf(UserError);
  expect(mapped).toMatchObject({ cause: error });
  return (mapped as UserError).message;
}

describe('storeError', () => {
  it('names bucket and endpoint for a missing bucket', () => {
    const message = userMessage(new NoSuchBucket({ $metadata: { httpStatusCode: 404 }, message: 'The specified bucket does not exist' }));
    expect(message).toBe('The bucket "team-backups" does not exist at https://fra1.digitaloceanspaces.com: create it or correct the spaces-bucket input.');
  });

  it('says a store that keeps failing with 5xx is having trouble, naming the object', () => {
    const message = userMessage(serviceError('InternalError', 500, 'We encountered an internal error. Please try again.'));
    expect(message).toBe(
      'The store at https://fra1.digitaloceanspaces.com failed on "bot/main/20261130T232746Z-v1.dump.zst" with HTTP 500 (InternalError: We encountered an internal error. Please try again), also when retried: it is having trouble; re-run the job later.',
    );
  });

  it('names the key that does not exist', () => {
    const message = userMessage(new NoSuchKey({ $metadata: { httpStatusCode: 404 }, message: 'The specified key does not exist.' }));
    expect(message).toBe('There is no object "bot/main/20261130T232746Z-v1.dump.zst" in the bucket "team-backups" at https://fra1.digitaloceanspaces.com.');
  });

  it('points at the access key id when the store does not know it', () => {
    const message = userMessage(serviceError('InvalidAccessKeyId', 403, 'The AWS Access Key Id you provided does not exist in our records.'));
    expect(message).toContain('spaces-access-key-id');
    expect(message).not.toContain('spaces-secret-access-key');
  });

  it('points at the secret when the signature does not match', () => {
    const message = userMessage(serviceError('SignatureDoesNotMatch', 403, 'The request signature we calculated does not match the signature you provided.'));
    expect(message).toContain('spaces-secret-access-key');
  });

  it('names the bucket and both credential inputs when access is denied, with or without an error code', () => {
    for (const error of [serviceError('AccessDenied', 403, 'Access Denied'), serviceError('Forbidden', 403, 'UnknownError')]) {
      const message = userMessage(error);
      expect(message).toContain('"team-backups"');
      expect(message).toContain('spaces-access-key-id');
      expect(message).toContain('spaces-secret-access-key');
    }
  });

  it('names the endpoint and the reason when nothing answers there', () => {
    expect(userMessage(nodeError('connect ECONNREFUSED 127.0.0.1:9000', 'ECONNREFUSED'))).toBe(
      'Could not reach the store at https://fra1.digitaloceanspaces.com (ECONNREFUSED): check the endpoint and that it is reachable from this runner.',
    );
    expect(userMessage(nodeError('getaddrinfo ENOTFOUND fra9.digitaloceanspaces.com', 'ENOTFOUND'))).toContain('(ENOTFOUND)');
    const bothFamilies = new AggregateError([nodeError('connect ECONNREFUSED ::1:9000', 'ECONNREFUSED'), nodeError('connect ECONNREFUSED 127.0.0.1:9000', 'ECONNREFUSED')], '');
    expect(userMessage(bothFamilies)).toContain('(ECONNREFUSED)');
    // What the SDK's retry layer leaves of an error from another realm: the text only.
    expect(userMessage(new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:9000'))).toContain('(ECONNREFUSED)');
  });

  it('names the endpoint when the connection times out', () => {
    const timeout = Object.assign(new Error('@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 10000 ms.'), { name: 'TimeoutError' });
    expect(userMessage(timeout)).toContain('at https://fra1.digitaloceanspaces.com did not answer in time');
  });

  it('leaves other failures alone', () => {
    const reset = nodeError('read ECONNRESET', 'ECONNRESET');
    expect(storeError(reset, scene)).toBe(reset);
    const aborted = new DOMException('This operation was aborted', 'AbortError');
    expect(storeError(aborted, scene)).toBe(aborted);
    expect(storeError('a string', scene)).toBe('a string');
  });

  it('still makes a sentence of a missing key when the call named none', () => {
    const mapped = storeError(new NoSuchKey({ $metadata: { httpStatusCode: 404 }, message: 'x' }), { bucket: scene.bucket, endpoint: scene.endpoint });
    expect(mapped).toEqual(new UserError('There is no such object in the bucket "team-backups" at https://fra1.digitaloceanspaces.com.'));
  });
});
