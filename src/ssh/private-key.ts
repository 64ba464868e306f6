import ssh2 from 'ssh2';
import { InputError } from '../inputs/input-error.js';
import type { EndpointRole } from './endpoint-role.js';

/** A private key checked to be usable, in the form handed to ssh2. */
export interface PrivateKey {
  text: string;
  /** e.g. `ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`. */
  type: string;
}

/**
 * Secrets pasted through a browser arrive with CRLF line endings, surrounding blank lines or no
 * final newline; the PEM and OpenSSH parsers want exactly LF lines.
 */
export function normalisePrivateKey(text: string): string {
  return `${text.replace(/\r\n?/g, '\n').trim()}\n`;
}

/**
 * Parses the key before anything connects, so a bad secret fails with a sentence about the secret
 * instead of an authentication failure on the host.
 */
export function parsePrivateKey(raw: string, passphrase: string | undefined, role: EndpointRole): PrivateKey {
  const text = normalisePrivateKey(raw);
  const parsed = ssh2.utils.parseKey(text, passphrase || undefined);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error || key === undefined) {
    if (isEncrypted(text)) {
      throw new InputError(
        passphrase
          ? `Input \`${role.passphrase}\` does not decrypt \`${role.privateKey}\`: check that the secret holds this key's passphrase.`
          : `Input \`${role.privateKey}\` is an encrypted key: set \`${role.passphrase}\` to its passphrase.`,
      );
    }
    throw new InputError(
      `Input \`${role.privateKey}\` is not a private key ssh can use: paste the whole key file, from its -----BEGIN ... PRIVATE KEY----- line to its -----END ... PRIVATE KEY----- line (OpenSSH or PEM format).`,
    );
  }
  if (!key.isPrivateKey()) {
    throw new InputError(
      `Input \`${role.privateKey}\` holds a public key (${key.type}): paste the private key instead, the file without .pub whose first line is -----BEGIN OPENSSH PRIVATE KEY----- (or -----BEGIN RSA PRIVATE KEY-----).`,
    );
  }
  return { text, type: key.type };
}

/** Whether the key needs a passphrase, read from the key itself (ssh2's errors do not say it reliably). */
function isEncrypted(text: string): boolean {
  if (/^Proc-Type:\s*4,ENCRYPTED/m.test(text)) return true;
  const body = /-----BEGIN OPENSSH PRIVATE KEY-----\n([\s\S]*?)\n-----END OPENSSH PRIVATE KEY-----/.exec(text)?.[1];
  if (body === undefined) return false;
  // openssh-key-v1\0, then the cipher name as an SSH string: 'none' for an unencrypted key.
  const blob = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  const magic = 'openssh-key-v1\0';
  if (blob.length < magic.length + 4 || blob.toString('latin1', 0, magic.length) !== magic) return false;
  const length = blob.readUInt32BE(magic.length);
  return blob.toString('latin1', magic.length + 4, magic.length + 4 + length) !== 'none';
}
