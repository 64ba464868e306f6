import { InputError } from '../../src/inputs/input-error.js';
import { jumpRole, targetRole } from '../../src/ssh/endpoint-role.js';
import { normalisePrivateKey, parsePrivateKey } from '../../src/ssh/private-key.js';
import { sshKeygen, type KeyPair } from './key-files.js';

describe('private keys', () => {
  let ed25519: KeyPair;
  let ecdsa: KeyPair;
  let pemRsa: KeyPair;
  let encrypted: KeyPair;
  let encryptedPem: KeyPair;

  beforeAll(() => {
    ed25519 = sshKeygen('-t', 'ed25519', '-N', '');
    ecdsa = sshKeygen('-t', 'ecdsa', '-N', '');
    pemRsa = sshKeygen('-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', '');
    encrypted = sshKeygen('-t', 'ed25519', '-N', 'open sesame');
    encryptedPem = sshKeygen('-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', 'open sesame');
  });

  it('normalises CRLF line endings, surrounding whitespace and a missing final newline', () => {
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\nBBBB\n-----END OPENSSH PRIVATE KEY-----\n';
    expect(normalisePrivateKey(`\r\n  ${key.trim().replace(/\n/g, '\r\n')}  `)).toBe(key);
    expect(normalisePrivateKey(key.trim())).toBe(key);
    expect(normalisePrivateKey(key)).toBe(key);
  });

  it('parses OpenSSH, PEM and encrypted keys, pasted cleanly or with CRLF', () => {
    expect(parsePrivateKey(ed25519.private, undefined, targetRole).type).toBe('ssh-ed25519');
    expect(parsePrivateKey(ecdsa.private.replace(/\n/g, '\r\n').trim(), undefined, targetRole).type).toBe('ecdsa-sha2-nistp256');
    expect(parsePrivateKey(` ${pemRsa.private.replace(/\n/g, '\r\n')}\n\n`, undefined, targetRole).type).toBe('ssh-rsa');
    expect(parsePrivateKey(encrypted.private, 'open sesame', targetRole).type).toBe('ssh-ed25519');
    expect(parsePrivateKey(encryptedPem.private, 'open sesame', targetRole).type).toBe('ssh-rsa');
  });

  it('hands ssh2 the normalised text', () => {
    expect(parsePrivateKey(ed25519.private.trim().replace(/\n/g, '\r\n'), undefined, targetRole).text).toBe(ed25519.private);
  });

  const failure = (run: () => unknown): InputError => {
    try {
      run();
    } catch (error) {
      if (error instanceof InputError) return error;
      throw error;
    }
    throw new Error('expected an InputError');
  };

  it('says when the text is not a private key at all', () => {
    const notAKey = 'Input `private-key` is not a private key ssh can use: paste the whole key file, from its -----BEGIN ... PRIVATE KEY----- line to its -----END ... PRIVATE KEY----- line (OpenSSH or PEM format).';
    expect(failure(() => parsePrivateKey('hunter2', undefined, targetRole)).message).toBe(notAKey);
    const truncated = ed25519.private.split('\n').slice(0, 3).join('\n');
    expect(failure(() => parsePrivateKey(truncated, undefined, targetRole)).message).toBe(notAKey);
  });

  it('says when an encrypted key comes without a passphrase (OpenSSH and PEM)', () => {
    const message = 'Input `private-key` is an encrypted key: set `passphrase` to its passphrase.';
    expect(failure(() => parsePrivateKey(encrypted.private, undefined, targetRole)).message).toBe(message);
    expect(failure(() => parsePrivateKey(encryptedPem.private, '', targetRole)).message).toBe(message);
  });

  it('says when the passphrase is wrong (OpenSSH and PEM)', () => {
    const message = "Input `passphrase` does not decrypt `private-key`: check that the secret holds this key's passphrase.";
    expect(failure(() => parsePrivateKey(encrypted.private, 'open sesame!', targetRole)).message).toBe(message);
    expect(failure(() => parsePrivateKey(encryptedPem.private, 'wrong', targetRole)).message).toBe(message);
  });

  it('says when a public key was pasted instead of the private one', () => {
    expect(failure(() => parsePrivateKey(ed25519.public, undefined, targetRole)).message).toBe(
      'Input `private-key` holds a public key (ssh-ed25519): paste the private key instead, the file without .pub whose first line is -----BEGIN OPENSSH PRIVATE KEY----- (or -----BEGIN RSA PRIVATE KEY-----).',
    );
  });

  it('names the proxy inputs for the jump host key', () => {
    expect(failure(() => parsePrivateKey(encrypted.private, undefined, jumpRole)).message).toBe(
      'Input `proxy-private-key` is an encrypted key: set `proxy-passphrase` to its passphrase.',
    );
  });
});
