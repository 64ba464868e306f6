import { UserError } from '../errors/user-error.js';

/** What a store error is about, for a sentence the user can act on. Never holds the secret key. */
export interface StoreScene {
  bucket: string;
  /** The endpoint as the user gave it, or a description of the AWS default. */
  endpoint: string;
  /** The object the failed call was about, when there was one. */
  key?: string;
}

/** Network failures that mean nothing answered at the endpoint (after the SDK's own retries). */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

const CREDENTIAL_HINT = 'check the spaces-access-key-id and spaces-secret-access-key inputs';

/**
 * The UserError an S3 failure is for the user, or `error` itself when it is not theirs to fix.
 * Reads the shapes the AWS SDK v3 produces: service errors carry the S3 error code as `name` and
 * the status in `$metadata.httpStatusCode`; network errors carry Node's `code` (an AggregateError
 * when several addresses were tried); the HTTP handler's own timeouts are named `TimeoutError`.
 */
export function storeError(error: unknown, scene: StoreScene): unknown {
  if (!isErrorLike(error)) return error;
  const at = `at ${scene.endpoint}`;
  const options = { cause: error };
  switch (error.name) {
    case 'NoSuchBucket':
      return new UserError(`The bucket "${scene.bucket}" does not exist ${at}: create it or correct the spaces-bucket input.`, options);
    case 'NoSuchKey':
      return new UserError(`There is no ${scene.key !== undefined ? `object "${scene.key}"` : 'such object'} in the bucket "${scene.bucket}" ${at}.`, options);
    case 'InvalidAccessKeyId':
      return new UserError(`The store ${at} does not know the access key: check the spaces-access-key-id input.`, options);
    case 'SignatureDoesNotMatch':
      return new UserError(
        `The store ${at} rejected the request signature: check that the spaces-secret-access-key input is the secret of the key in spaces-access-key-id.`,
        options,
      );
    case 'AccessDenied':
      return new UserError(`The store ${at} denied access to the bucket "${scene.bucket}": ${CREDENTIAL_HINT}, and that the key may read and write that bucket.`, options);
    case 'TimeoutError':
      return new UserError(`The store ${at} did not answer in time: check the endpoint and that it is reachable from this runner.`, options);
  }
  if (httpStatus(error) === 403) {
    return new UserError(`The store ${at} refused the request (HTTP 403): ${CREDENTIAL_HINT}, and that the key may read and write the bucket "${scene.bucket}".`, options);
  }
  const status = httpStatus(error);
  if (status !== undefined && status >= 500) {
    return new UserError(
      `The store ${at} failed${scene.key !== undefined ? ` on "${scene.key}"` : ''} with HTTP ${status} (${error.name}: ${error.message.replace(/\.$/, '')}), also when retried: it is having trouble; re-run the job later.`,
      options,
    );
  }
  const code = networkCode(error);
  if (code !== undefined) {
    return new UserError(`Could not reach the store ${at} (${code}): check the endpoint and that it is reachable from this runner.`, options);
  }
  return error;
}

/**
 * By shape, not `instanceof Error`: Node's own errors come from another realm than the SDK's
 * under jest's VM modules, and the SDK accepts any thrown object as an error.
 */
function isErrorLike(error: unknown): error is Error {
  return typeof error === 'object' && error !== null && typeof (error as Error).name === 'string' && typeof (error as Error).message === 'string';
}

function httpStatus(error: Error): number | undefined {
  const metadata: unknown = (error as { $metadata?: unknown }).$metadata;
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const status: unknown = (metadata as { httpStatusCode?: unknown }).httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

function networkCode(error: Error): string | undefined {
  const code: unknown = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return code;
  const inner: unknown = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner)) {
    for (const each of inner as unknown[]) {
      const found = isErrorLike(each) ? networkCode(each) : undefined;
      if (found !== undefined) return found;
    }
  }
  // The SDK's retry layer replaces an error it does not recognise as one (another realm's, as
  // under jest) with a new Error carrying only the text, where Node's message still names the code
  // ("connect ECONNREFUSED 127.0.0.1:9000", "getaddrinfo ENOTFOUND host").
  const named = /\b(?:connect|getaddrinfo) ([A-Z_]+)\b/.exec(error.message)?.[1];
  return named !== undefined && UNREACHABLE_CODES.has(named) ? named : undefined;
}
