import { createHash } from 'node:crypto';
import { InputError } from '../inputs/input-error.js';

/** The OpenSSH SHA256 fingerprint of a public key blob, as `ssh-keygen -l` prints it. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named at the start of a public key blob (an SSH string), e.g. `ssh-ed25519`. */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const length = keyBlob.readUInt32BE(0);
  return length > 0 && 4 + length <= keyBlob.length ? keyBlob.subarray(4, 4 + length).toString('latin1') : 'unknown';
}

/**
 * A fingerprint as a user may paste it (with or without `SHA256:`, with or without base64 padding)
 * in the canonical form `fingerprint` returns. A SHA256 digest is always 43 base64 characters, so a
 * truncated or MD5 fingerprint is refused here rather than silently never matching.
 */
export function parseFingerprint(text: string, inputName: string): string {
  const body = text.trim().replace(/^SHA256:/i, '').replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]{43}$/.test(body)) {
    throw new InputError(
      `Input \`${inputName}\` must hold SHA256 fingerprints such as SHA256:${'A'.repeat(43)} (from \`ssh-keygen -lf <host key .pub>\`), not "${text.trim()}".`,
    );
  }
  return `SHA256:${body}`;
}
