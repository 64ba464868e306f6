import { InputError } from '../../src/inputs/input-error.js';
import { keysForHost, knownHostsName, parseKnownHosts } from '../../src/ssh/known-hosts.js';
import { blobOf, knownHostsThrough, sshKeygen, type KeyPair } from './key-files.js';

describe('known_hosts', () => {
  let ed: KeyPair;
  let rsa: KeyPair;
  let other: KeyPair;
  const keyOf = (pair: KeyPair): string => pair.public.trim().split(/\s+/).slice(0, 2).join(' ');

  beforeAll(() => {
    ed = sshKeygen('-t', 'ed25519', '-N', '');
    rsa = sshKeygen('-t', 'rsa', '-b', '2048', '-N', '');
    other = sshKeygen('-t', 'ed25519', '-N', '');
  });

  const trustedFor = (text: string, host: string, port: number): Buffer[] =>
    keysForHost(parseKnownHosts([text], 'known-hosts'), host, port).trusted.map((entry) => entry.key);

  it('names hosts as OpenSSH does: bare on port 22, [host]:port otherwise, lower case', () => {
    expect(knownHostsName('Example.COM', 22)).toBe('example.com');
    expect(knownHostsName('10.0.0.5', 2222)).toBe('[10.0.0.5]:2222');
  });

  it('matches plain names, [host]:port names and comma lists, skipping comments and blank lines', () => {
    const text = [
      '# droplet keys, from ssh-keyscan',
      '',
      `web1.example.com,203.0.113.7 ${keyOf(ed)}`,
      `[203.0.113.7]:2222 ${keyOf(rsa)} comment words`,
      `   db.example.com ${keyOf(other)}   `,
    ].join('\r\n');
    expect(trustedFor(text, 'WEB1.example.com', 22)).toEqual([blobOf(ed.public)]);
    expect(trustedFor(text, '203.0.113.7', 22)).toEqual([blobOf(ed.public)]);
    expect(trustedFor(text, '203.0.113.7', 2222)).toEqual([blobOf(rsa.public)]);
    expect(trustedFor(text, 'db.example.com', 22)).toEqual([blobOf(other.public)]);
    expect(trustedFor(text, 'web1.example.com', 2222)).toEqual([]);
    expect(trustedFor(text, 'web2.example.com', 22)).toEqual([]);
  });

  it('supports wildcards and negated patterns', () => {
    const text = `*.example.com,!evil.example.com ${keyOf(ed)}`;
    expect(trustedFor(text, 'web1.example.com', 22)).toHaveLength(1);
    expect(trustedFor(text, 'evil.example.com', 22)).toHaveLength(0);
    expect(trustedFor(text, 'example.org', 22)).toHaveLength(0);
    expect(trustedFor(`web?.example.com ${keyOf(ed)}`, 'web7.example.com', 22)).toHaveLength(1);
    expect(trustedFor(`web?.example.com ${keyOf(ed)}`, 'web17.example.com', 22)).toHaveLength(0);
  });

  it('matches hashed names as `ssh-keygen -H` writes them, on port 22 and others', () => {
    const hashed = knownHostsThrough(`web1.example.com ${keyOf(ed)}\n[203.0.113.7]:2222 ${keyOf(rsa)}\n`, '-H');
    expect(hashed).not.toContain('example.com');
    expect(hashed.split('\n').filter((line) => line.startsWith('|1|'))).toHaveLength(2);
    expect(trustedFor(hashed, 'web1.example.com', 22)).toEqual([blobOf(ed.public)]);
    expect(trustedFor(hashed, '203.0.113.7', 2222)).toEqual([blobOf(rsa.public)]);
    expect(trustedFor(hashed, '203.0.113.7', 22)).toEqual([]);
    expect(trustedFor(hashed, 'web2.example.com', 22)).toEqual([]);
  });

  it('separates @revoked and @cert-authority lines from trusted keys', () => {
    const text = [`host1 ${keyOf(ed)}`, `@revoked host1 ${keyOf(other)}`, `@cert-authority *.example.com ${keyOf(rsa)}`].join('\n');
    const keys = keysForHost(parseKnownHosts([text], 'known-hosts'), 'host1', 22);
    expect(keys.trusted.map((entry) => entry.key)).toEqual([blobOf(ed.public)]);
    expect(keys.revoked.map((entry) => entry.key)).toEqual([blobOf(other.public)]);
    expect(keysForHost(parseKnownHosts([text], 'known-hosts'), 'a.example.com', 22).certAuthorities.map((entry) => entry.line)).toEqual([3]);
  });

  it('refuses lines that are not known_hosts lines, naming the line', () => {
    const parse = (text: string): (() => unknown) => () => parseKnownHosts([text], 'known-hosts');
    expect(parse(`host1 ${keyOf(ed)}\nssh-ed25519 AAAA`)).toThrow(new InputError('Line 2 of `known-hosts` is not a known_hosts line (expected `host key-type base64-key`, as `ssh-keyscan` prints).'));
    // The key type written must be the one inside the key blob.
    expect(parse(`host1 ssh-rsa ${keyOf(ed).split(' ')[1]}`)).toThrow('Line 1 of `known-hosts` is not a known_hosts line');
    expect(parse(`@trusted host1 ${keyOf(ed)}`)).toThrow('Line 1 of `known-hosts` starts with the unknown marker @trusted: only @revoked and @cert-authority exist.');
  });
});
