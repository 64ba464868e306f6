import { execFileSync } from 'node:child_process';
import { InputError } from '../../src/inputs/input-error.js';
import { fingerprint, keyTypeOf, parseFingerprint } from '../../src/ssh/fingerprint.js';
import { blobOf, sshKeygen } from './key-files.js';

describe('fingerprints', () => {
  it('computes what `ssh-keygen -l` prints, for each key type', () => {
    for (const type of ['ed25519', 'rsa', 'ecdsa']) {
      const pair = sshKeygen('-t', type, '-N', '');
      const expected = execFileSync('ssh-keygen', ['-lf', '-'], { input: pair.public, encoding: 'utf8' }).split(' ')[1];
      expect(fingerprint(blobOf(pair.public))).toBe(expected);
      expect(keyTypeOf(blobOf(pair.public))).toBe(pair.public.split(' ')[0]);
    }
  });

  it('reads a key type only from a well-formed blob', () => {
    expect(keyTypeOf(Buffer.from([0, 0]))).toBe('unknown');
    expect(keyTypeOf(Buffer.from([0, 0, 0, 9, 0x61]))).toBe('unknown');
  });

  it('accepts a fingerprint with or without the SHA256: prefix and padding', () => {
    const body = 'nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8';
    for (const written of [`SHA256:${body}`, body, `${body}=`, ` sha256:${body} `]) {
      expect(parseFingerprint(written, 'host-fingerprint')).toBe(`SHA256:${body}`);
    }
  });

  it('refuses MD5 and truncated fingerprints instead of never matching them', () => {
    for (const written of ['MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48', 'SHA256:nThbg6kXUpJWGl7E1IGOCsp', '']) {
      expect(() => parseFingerprint(written, 'host-fingerprint')).toThrow(InputError);
    }
    expect(() => parseFingerprint('SHA256:short', 'host-fingerprint')).toThrow(/^Input `host-fingerprint` must hold SHA256 fingerprints such as SHA256:A{43} \(from `ssh-keygen -lf <host key .pub>`\), not "SHA256:short"\.$/);
  });
});
