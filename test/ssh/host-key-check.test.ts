import { RecordingLog } from '../../src/log/recording-log.js';
import { targetRole } from '../../src/ssh/endpoint-role.js';
import { fingerprint } from '../../src/ssh/fingerprint.js';
import { hostKeyCheck } from '../../src/ssh/host-key-check.js';
import type { Endpoint, HostKeyPolicy } from '../../src/ssh/types.js';
import { blobOf, sshKeygen, type KeyPair } from './key-files.js';

describe('host key checks', () => {
  let ed: KeyPair;
  let rsa: KeyPair;
  const line = (pair: KeyPair, host = 'web1'): string => `${host} ${pair.public.trim().split(/\s+/).slice(0, 2).join(' ')}`;
  const endpoint = (hostKeys: HostKeyPolicy): Endpoint => ({ host: 'web1', port: 22, username: 'deploy', privateKey: '', hostKeys });

  beforeAll(() => {
    ed = sshKeygen('-t', 'ed25519', '-N', '');
    rsa = sshKeygen('-t', 'rsa', '-b', '2048', '-N', '');
  });

  it('asks the host for the key types known_hosts holds for it, RSA with its SHA-2 signatures first', () => {
    const onlyRsa = hostKeyCheck(endpoint({ kind: 'known-hosts', lines: [line(rsa), line(ed, 'other')] }), targetRole, new RecordingLog());
    expect(onlyRsa.serverHostKey?.slice(0, 4)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519']);
    const both = hostKeyCheck(endpoint({ kind: 'known-hosts', lines: [line(ed), line(rsa)] }), targetRole, new RecordingLog());
    expect(both.serverHostKey?.slice(0, 4)).toEqual(['ssh-ed25519', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(new Set(both.serverHostKey).size).toBe(both.serverHostKey?.length);
    expect(hostKeyCheck(endpoint({ kind: 'fingerprints', fingerprints: [fingerprint(blobOf(ed.public))] }), targetRole, new RecordingLog()).serverHostKey).toBeUndefined();
  });

  it('trusts exactly the listed keys', () => {
    const check = hostKeyCheck(endpoint({ kind: 'known-hosts', lines: [line(ed)] }), targetRole, new RecordingLog());
    expect(check.check(blobOf(ed.public))).toBeUndefined();
    expect(check.check(blobOf(rsa.public))).toBe(
      `Host key verification failed for web1:22: it presented the ssh-rsa key ${fingerprint(blobOf(rsa.public))}, which matches none of the keys \`known-hosts\` lists for it, ` +
        'so nothing was run there; if the host was rebuilt, confirm its new key from a trusted machine (ssh-keyscan -p 22 web1 | ssh-keygen -lf -) ' +
        'and update `known-hosts` or `host-fingerprint`, otherwise treat this as a possible interception.',
    );
    const byFingerprint = hostKeyCheck(endpoint({ kind: 'fingerprints', fingerprints: [fingerprint(blobOf(rsa.public))] }), targetRole, new RecordingLog());
    expect(byFingerprint.check(blobOf(rsa.public))).toBeUndefined();
    expect(byFingerprint.check(blobOf(ed.public))).toContain('which matches none of the `host-fingerprint` values');
  });

  it('with fingerprints, asks again for the key types not presented yet, and names every refused key', () => {
    const byFingerprint = hostKeyCheck(endpoint({ kind: 'fingerprints', fingerprints: [fingerprint(blobOf(rsa.public))] }), targetRole, new RecordingLog());
    expect(byFingerprint.retry?.([blobOf(ed.public)])).toEqual(['ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(byFingerprint.retry?.([blobOf(rsa.public)])).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521']);
    expect(byFingerprint.retry?.([blobOf(ed.public), blobOf(rsa.public)])).toEqual(['ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521']);
    // A host presenting a type it was not asked for again makes no progress: stop rather than loop.
    expect(byFingerprint.retry?.([blobOf(ed.public), blobOf(ed.public)])).toBeUndefined();
    const stranger = sshKeygen('-t', 'ed25519', '-N', '');
    const other = hostKeyCheck(endpoint({ kind: 'fingerprints', fingerprints: [fingerprint(blobOf(stranger.public))] }), targetRole, new RecordingLog());
    expect(other.check(blobOf(rsa.public), [blobOf(ed.public)])).toContain(
      `it presented the ssh-ed25519 key ${fingerprint(blobOf(ed.public))} and the ssh-rsa key ${fingerprint(blobOf(rsa.public))}, ` +
        'which match none of the `host-fingerprint` values (every key type the host has was tried), so nothing was run there',
    );
    // known_hosts names its key types, so the host is asked for them up front and never again.
    expect(hostKeyCheck(endpoint({ kind: 'known-hosts', lines: [line(ed)] }), targetRole, new RecordingLog()).retry).toBeUndefined();
  });

  it('logs a cert-authority line it ignores at debug level', () => {
    const log = new RecordingLog();
    const check = hostKeyCheck(endpoint({ kind: 'known-hosts', lines: [`@cert-authority web* ${line(ed).split(' ').slice(1).join(' ')}`] }), targetRole, log);
    expect(log.lines).toEqual(['debug: Ignoring line 1 of known-hosts for web1:22: @cert-authority (host certificates) is not supported.']);
    expect(check.check(blobOf(ed.public))).toContain('`known-hosts` has no line for web1');
  });
});
