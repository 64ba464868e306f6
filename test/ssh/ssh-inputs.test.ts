import { sshInputSpecs } from '../../src/ssh/ssh-input-specs.js';
import { InputError } from '../../src/inputs/input-error.js';
import { Inputs } from '../../src/inputs/inputs.js';
import { RecordingLog } from '../../src/log/recording-log.js';
import { readSshTargets } from '../../src/ssh/ssh-inputs.js';
import type { ConnectOptions } from '../../src/ssh/types.js';
import { sshKeygen, type KeyPair } from './key-files.js';

describe('SSH inputs', () => {
  let key: KeyPair;
  let encrypted: KeyPair;
  let proxyKey: KeyPair;
  const fingerprint = 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8';
  const knownHosts = (): string => `web1 ${key.public.trim().split(/\s+/).slice(0, 2).join(' ')}`;

  beforeAll(() => {
    key = sshKeygen('-t', 'ed25519', '-N', '');
    encrypted = sshKeygen('-t', 'ed25519', '-N', 'pass phrase');
    proxyKey = sshKeygen('-t', 'ecdsa', '-N', '');
  });

  const read = (values: Record<string, string>, log = new RecordingLog()): ConnectOptions[] =>
    readSshTargets(new Inputs(sshInputSpecs, (name) => values[name] ?? ''), log);
  const base = (): Record<string, string> => ({ host: 'web1', user: 'deploy', 'private-key': key.private, 'known-hosts': knownHosts() });
  const error = (values: Record<string, string>): string => {
    try {
      read(values);
    } catch (caught) {
      if (caught instanceof InputError) return caught.message;
      throw caught;
    }
    throw new Error('expected an InputError');
  };

  it('reads one target per host with the documented defaults', () => {
    const targets = read({ ...base(), host: 'web1, web2\n10.0.0.7\n' });
    expect(targets.map((target) => target.host)).toEqual(['web1', 'web2', '10.0.0.7']);
    expect(targets[0]).toEqual({
      host: 'web1',
      port: 22,
      username: 'deploy',
      privateKey: key.private,
      hostKeys: { kind: 'known-hosts', lines: [knownHosts()] },
      connectTimeoutMs: 30_000,
      commandTimeoutMs: 30 * 60_000,
    });
    expect(read({ ...base(), port: '2222', 'connect-timeout': '5s', 'command-timeout': '0' })[0]).toMatchObject({ port: 2222, connectTimeoutMs: 5000, commandTimeoutMs: 0 });
  });

  it('masks the key and the passphrase', () => {
    const log = new RecordingLog();
    read({ ...base(), 'private-key': encrypted.private, passphrase: 'pass phrase\n' }, log);
    log.info(encrypted.private.split('\n')[1] ?? '');
    log.info('the passphrase is pass phrase');
    expect(log.lines).toEqual(['***', 'the passphrase is ***']);
  });

  it('refuses a host listed twice', () => {
    expect(error({ ...base(), host: 'web1, web2\nweb1' })).toBe('Input `host` names web1 twice: list each host once.');
  });

  it('requires host, user and private-key', () => {
    expect(error({ ...base(), host: ' ' })).toBe('Input `host` is required: the hostname or IP address of the droplet.');
    expect(error({ ...base(), user: '' })).toBe('Input `user` is required: the user to log in as on the host.');
    expect(error({ ...base(), 'private-key': '\n' })).toMatch(/^Input `private-key` is required: /);
  });

  it('checks the key before anything connects', () => {
    expect(error({ ...base(), 'private-key': key.public })).toMatch(/^Input `private-key` holds a public key/);
    expect(error({ ...base(), 'private-key': encrypted.private })).toBe('Input `private-key` is an encrypted key: set `passphrase` to its passphrase.');
  });

  it('refuses to run without a way to verify the host, and says how to get one', () => {
    const message = error({ ...base(), 'known-hosts': '', port: '2222' });
    expect(message).toContain('Set `known-hosts` to the host\'s public keys');
    expect(message).toContain('run `ssh-keyscan -p 2222 web1` ONCE from a machine you trust');
    expect(message).toContain('`host-fingerprint`');
  });

  it('takes fingerprints bare or as `ssh-keygen -l` lines', () => {
    const targets = read({ ...base(), 'known-hosts': '', 'host-fingerprint': `256 ${fingerprint} root@web1 (ED25519)\nnThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8=` });
    expect(targets[0]?.hostKeys).toEqual({ kind: 'fingerprints', fingerprints: [fingerprint, fingerprint] });
    expect(error({ ...base(), 'known-hosts': '', 'host-fingerprint': 'SHA256:abc' })).toMatch(/^Input `host-fingerprint` must hold SHA256 fingerprints/);
    expect(error({ ...base(), 'host-fingerprint': fingerprint })).toBe('Give either `known-hosts` or `host-fingerprint`, not both: one list of trusted keys is easier to keep right.');
  });

  it('checks known_hosts lines up front', () => {
    expect(error({ ...base(), 'known-hosts': 'web1 ssh-ed25519' })).toMatch(/^Line 1 of `known-hosts` is not a known_hosts line/);
  });

  it('skips host key checks only when asked, and then warns; keys given still win', () => {
    expect(read({ ...base(), 'known-hosts': '', 'insecure-skip-host-key-check': 'true' })[0]?.hostKeys).toEqual({ kind: 'insecure' });
    const log = new RecordingLog();
    expect(read({ ...base(), 'insecure-skip-host-key-check': 'true' }, log)[0]?.hostKeys.kind).toBe('known-hosts');
    expect(log.lines).toEqual(['warning: Ignoring insecure-skip-host-key-check: `known-hosts` is set, so host keys are checked.']);
  });

  it('refuses a port or user written into host', () => {
    expect(error({ ...base(), host: 'web1:2222' })).toBe('Input `host` must be a hostname or IP address, not "web1:2222": put the port in `port`.');
    expect(error({ ...base(), host: 'deploy@web1' })).toBe('Input `host` must be a hostname or IP address, not "deploy@web1": put the user name in `user`.');
    expect(error({ ...base(), port: '70000' })).toBe('Input `port` must be a TCP port (1-65535), not 70000.');
    expect(read({ ...base(), host: '2001:db8::7' })[0]?.host).toBe('2001:db8::7');
  });

  it('builds the jump host from proxy inputs, defaulting to the target\'s user, key and host keys', () => {
    const [target] = read({ ...base(), 'proxy-host': 'bastion' });
    expect(target?.jump).toEqual({ host: 'bastion', port: 22, username: 'deploy', privateKey: key.private, hostKeys: target?.hostKeys });
    const own = read({
      ...base(),
      'proxy-host': 'bastion',
      'proxy-port': '2200',
      'proxy-user': 'jump',
      'proxy-private-key': proxyKey.private,
      'proxy-known-hosts': `[bastion]:2200 ${proxyKey.public.trim().split(/\s+/).slice(0, 2).join(' ')}`,
    })[0]?.jump;
    expect(own).toMatchObject({ host: 'bastion', port: 2200, username: 'jump', privateKey: proxyKey.private, hostKeys: { kind: 'known-hosts' } });
    expect(error({ ...base(), 'proxy-user': 'jump' })).toBe('Input `proxy-user` only applies with `proxy-host`: set `proxy-host` to the jump host, or remove `proxy-user`.');
    expect(error({ ...base(), 'proxy-host': 'bastion', 'proxy-private-key': encrypted.private })).toBe(
      'Input `proxy-private-key` is an encrypted key: set `proxy-passphrase` to its passphrase.',
    );
  });

  it('describes every common SSH input of the product contract', () => {
    const names = sshInputSpecs.map((spec) => spec.name);
    expect(names).toEqual(expect.arrayContaining([
      'host', 'port', 'user', 'private-key', 'passphrase', 'known-hosts', 'host-fingerprint', 'insecure-skip-host-key-check',
      'proxy-host', 'proxy-port', 'proxy-user', 'proxy-private-key', 'proxy-known-hosts', 'connect-timeout', 'command-timeout',
    ]));
    expect(new Set(names).size).toBe(names.length);
    expect(sshInputSpecs.find((spec) => spec.name === 'command-timeout')?.default).toBe('30m');
    expect(sshInputSpecs.every((spec) => spec.description.length > 10)).toBe(true);
  });
});
