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
  /** undefined when the key is trusted; otherwise the sentence explaining why it is not. */
  check(keyBlob: Buffer): string | undefined;
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
  const reject = (keyBlob: Buffer, why: string): string =>
    `Host key verification failed for ${where}: it presented ${describe(keyBlob)}, ${why}, so nothing was run there; ` +
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
        check: (keyBlob) =>
          trusted.includes(fingerprint(keyBlob)) ? undefined : reject(keyBlob, `which matches none of the \`${role.fingerprint}\` values`),
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
            return reject(keyBlob, `which \`${role.knownHosts}\` marks @revoked`);
          }
          if (keys.trusted.length === 0) {
            return reject(keyBlob, `and \`${role.knownHosts}\` has no line for ${knownHostsName(endpoint.host, endpoint.port)} (a line for another name or port does not count)`);
          }
          return keys.trusted.some((entry) => entry.key.equals(keyBlob))
            ? undefined
            : reject(keyBlob, `which matches none of the keys \`${role.knownHosts}\` lists for it`);
        },
      };
    }
  }
}

function describe(keyBlob: Buffer): string {
  return `the ${keyTypeOf(keyBlob)} key ${fingerprint(keyBlob)}`;
}
