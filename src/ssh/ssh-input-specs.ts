import type { InputSpec } from '../inputs/input-spec.js';

/** The SSH inputs every action that reaches a host declares (product.md, "Common SSH inputs"). */
export const sshInputSpecs: readonly InputSpec[] = [
  { name: 'host', required: true, description: 'The host(s) to reach over SSH: hostnames or IP addresses, separated by commas or newlines. Every host uses the same `port`, `user` and keys.' },
  { name: 'port', default: '22', description: 'The SSH port of the host(s).' },
  { name: 'user', required: true, description: 'The user to log in as (needs no root; put it in the `docker` group).' },
  { name: 'private-key', required: true, secret: true, description: 'Private key for `user`, in OpenSSH or PEM format (a secret).' },
  { name: 'passphrase', secret: true, description: 'Passphrase of `private-key`, if it is encrypted (a secret).' },
  {
    name: 'known-hosts',
    description:
      'The host\'s known_hosts lines: the output of `ssh-keyscan -p <port> <host>` run once from a trusted machine, stored in a secret or variable. This or `host-fingerprint` is required.',
  },
  { name: 'host-fingerprint', description: 'Instead of `known-hosts`: the SHA256 fingerprint(s) of the host\'s key(s) as `ssh-keygen -lf` prints them, e.g. `SHA256:abc...`; a key of any type the host has (ed25519, ECDSA, RSA) will do.' },
  { name: 'insecure-skip-host-key-check', default: 'false', description: 'Connect without checking the host key (logs a loud warning): anyone on the network path could impersonate the host. Only for throwaway hosts.' },
  { name: 'proxy-host', description: 'A jump host (bastion) to reach the host(s) through.' },
  { name: 'proxy-port', default: '22', description: 'The SSH port of `proxy-host`.' },
  { name: 'proxy-user', description: 'The user on `proxy-host`; defaults to `user`.' },
  { name: 'proxy-private-key', secret: true, description: 'Private key for `proxy-user`; defaults to `private-key` (a secret).' },
  { name: 'proxy-passphrase', secret: true, description: 'Passphrase of `proxy-private-key`; defaults to `passphrase` (a secret).' },
  { name: 'proxy-known-hosts', description: 'known_hosts lines for `proxy-host`; defaults to `known-hosts` / `host-fingerprint` (one secret may hold the lines of both hosts).' },
  { name: 'connect-timeout', default: '30s', description: 'How long to wait for each SSH connection (e.g. 10s, 1m).' },
  // 30m: long enough for any honest step of a bot deploy (an image pull on a slow link, a
  // migration), short enough that a command stuck on a lock or a prompt fails the job with a clear
  // message instead of burning the runner's 6-hour job limit.
  { name: 'command-timeout', default: '30m', description: 'Limit for each command run on a host; on expiry the command and everything it started are killed. 0 means none.' },
];

/**
 * The SSH inputs of an action that reaches a host only for some of its work: none is required up
 * front, and `host` heads a section saying when it is needed.
 */
export function optionalSshInputSpecs(section: string, hostNote: string): InputSpec[] {
  return sshInputSpecs.map((spec) => ({
    ...spec,
    required: false,
    ...(spec.name === 'host' ? { section, description: `${spec.description} ${hostNote}` } : {}),
  }));
}
