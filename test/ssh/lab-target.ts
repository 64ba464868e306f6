import { lab, labKnownHosts, readLabFile } from '../lab/lab.js';
import type { ConnectOptions, Endpoint } from '../../src/ssh/types.js';

/** The lab's sshd as a hop, reached with the ed25519 key and its known_hosts lines unless overridden. */
export function labEndpoint(overrides: Partial<Endpoint> = {}): Endpoint {
  return {
    host: lab.host,
    port: lab.sshPort,
    username: lab.user,
    privateKey: readLabFile(lab.keys.ed25519),
    hostKeys: { kind: 'known-hosts', lines: labKnownHosts().split('\n') },
    ...overrides,
  };
}

export function labTarget(overrides: Partial<ConnectOptions> = {}): ConnectOptions {
  return { ...labEndpoint(), connectTimeoutMs: 10_000, commandTimeoutMs: 0, ...overrides };
}

/** The public key blob of one of the lab sshd's host keys (field 2 of its .pub file). */
export function labHostKeyBlob(path: string): Buffer {
  return Buffer.from(readLabFile(path).trim().split(/\s+/)[1] ?? '', 'base64');
}
