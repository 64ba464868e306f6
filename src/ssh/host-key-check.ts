import type { ServerHostKeyAlgorithm } from 'ssh2';
import type { Log } from '../log/log.js';
import type { EndpointRole } from './endpoint-role.js';
import { fingerprint, keyTypeOf, parseFingerprint } from './fingerprint.js';
import { keysForHost, knownHostsName, parseKnownHosts } from './known-hosts.js';
import type { Endpoint } from './types.js';

/** Decides whether a host key is trusted; built before connecting so bad input fails first. */
export interface HostKeyCheck {
  /**
   * ssh2's `algorithms.serverHostKey`: the algorithms of the keys known for this host first, so a
   * host whose known key is RSA presents that key instead of an ed25519 key nobody recorded.
   */
  serverHostKey?: ServerHostKeyAlgorithm[];
  /**
   * undefined when the key is trusted; otherwise the sentence explaining why it is not. `earlier`:
   * the keys the host presented in earlier handshakes of this connection attempt (see `retry`).
   */
  check(keyBlob: Buffer, earlier?: Buffer[]): string | undefined;
  /**
   * Fingerprints do not say which key type they belong to, and a host presents only one of its keys
   * per handshake: after `presented` were all refused, the host key algorithms to offer in one more
   * handshake (the types already presented left out), or undefined when no type is left to ask for.
   */
  retry?(presented: Buffer[]): ServerHostKeyAlgorithm[] | undefined;
}

/** ssh2's host key algorithms, in its default preference order. */
const ALGORITHMS: ServerHostKeyAlgorithm[] = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

/** The negotiable algorithms for a known_hosts key type: an `ssh-rsa` key signs with SHA-2 today. */
function algorithmsFor(keyType: string): ServerHostKeyAlgorithm[] {
  if (keyType === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return ALGORITHMS.filter((name) => name === keyType);
}

export function hostKeyCheck(endpoint: Endpoint, role: EndpointRole, log: Log): HostKeyCheck {
  const where = `${role.title}${endpoint.host}:${endpoint.port}`;
  const reject = (keyBlobs: Buffer[], why: string): string =>
    `Host key verification failed for ${where}: it presented ${describeAll(keyBlobs)}, ${why}, so nothing was run there; ` +
    `if the host was rebuilt, confirm its new key from a trusted machine (ssh-keyscan -p ${endpoint.port} ${endpoint.host} | ssh-keygen -lf -) ` +
    `and update \`${role.knownHosts}\` or \`${role.fingerprint}\`, otherwise treat this as a possible interception.`;
  const policy = endpoint.hostKeys;

  switch (policy.kind) {
    case 'insecure':
      return {
        check(keyBlob) {
          log.warning(
            `INSECURE: host key checking is off (insecure-skip-host-key-check), accepting ${describe(keyBlob)} from ${where} unverified; ` +
              `anyone on the network path could impersonate this host and receive your secrets: set \`${role.knownHosts}\` or \`${role.fingerprint}\` instead.`,
          );
          return undefined;
        },
      };
    case 'fingerprints': {
      const trusted = policy.fingerprints.map((text) => parseFingerprint(text, role.fingerprint));
      return {
        check(keyBlob, earlier = []) {
          if (trusted.includes(fingerprint(keyBlob))) return undefined;
          const keys = [...earlier, keyBlob];
          // Only thrown once `retry` has nothing left: every key type the host has was asked for.
          return reject(keys, `which ${keys.length === 1 ? 'matches' : 'match'} none of the \`${role.fingerprint}\` values (every key type the host has was tried)`);
        },
        retry(presented) {
          const last = presented[presented.length - 1];
          const asked = new Set(presented.slice(0, -1).flatMap((blob) => algorithmsFor(keyTypeOf(blob))));
          const lastTypes = last ? algorithmsFor(keyTypeOf(last)) : [];
          // A key type we cannot name, or one asked away already, means steering makes no progress: stop.
          if (lastTypes.length === 0 || lastTypes.every((name) => asked.has(name))) return undefined;
          for (const name of lastTypes) asked.add(name);
          const left = ALGORITHMS.filter((name) => !asked.has(name));
          return left.length > 0 ? left : undefined;
        },
      };
    }
    case 'known-hosts': {
      const keys = keysForHost(parseKnownHosts(policy.lines, role.knownHosts), endpoint.host, endpoint.port);
      for (const entry of keys.certAuthorities) {
        log.debug(`Ignoring line ${entry.line} of ${role.knownHosts} for ${where}: @cert-authority (host certificates) is not supported.`);
      }
      const preferred = [...new Set(keys.trusted.flatMap((entry) => algorithmsFor(entry.keyType)))];
      return {
        ...(preferred.length > 0 ? { serverHostKey: [...preferred, ...ALGORITHMS.filter((name) => !preferred.includes(name))] } : {}),
        check(keyBlob) {
          if (keys.revoked.some((entry) => entry.key.equals(keyBlob))) {
            return reject([keyBlob], `which \`${role.knownHosts}\` marks @revoked`);
          }
          if (keys.trusted.length === 0) {
            return reject([keyBlob], `and \`${role.knownHosts}\` has no line for ${knownHostsName(endpoint.host, endpoint.port)} (a line for another name or port does not count)`);
          }
          return keys.trusted.some((entry) => entry.key.equals(keyBlob))
            ? undefined
            : reject([keyBlob], `which matches none of the keys \`${role.knownHosts}\` lists for it`);
        },
      };
    }
  }
}

function describe(keyBlob: Buffer): string {
  return `the ${keyTypeOf(keyBlob)} key ${fingerprint(keyBlob)}`;
}

/** `the ssh-ed25519 key SHA256:...`, or several: `..., ... and the ssh-rsa key SHA256:...`. */
function describeAll(keyBlobs: Buffer[]): string {
  const described = keyBlobs.map(describe);
  return described.length <= 1 ? (described[0] ?? 'no key') : `${described.slice(0, -1).join(', ')} and ${described[described.length - 1]}`;
}
