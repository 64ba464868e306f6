import { InputError } from '../inputs/input-error.js';
import type { InputSpec } from '../inputs/input-spec.js';
import type { Inputs } from '../inputs/inputs.js';
import type { Log } from '../log/log.js';
import { jumpRole, targetRole, type EndpointRole } from './endpoint-role.js';
import { parseFingerprint } from './fingerprint.js';
import { parseKnownHosts } from './known-hosts.js';
import { parsePrivateKey } from './private-key.js';
import type { ConnectOptions, Endpoint, HostKeyPolicy } from './types.js';

const CONNECT_TIMEOUT = '30s';
/**
 * Long enough for any honest step of a bot deploy (an image pull on a slow link, a migration),
 * short enough that a command stuck on a lock or a prompt fails the job with a clear message
 * instead of burning the runner's 6-hour job limit. Set `command-timeout: 0` for none.
 */
const COMMAND_TIMEOUT = '30m';

/** The SSH inputs every action that reaches a host declares (product.md, "Common SSH inputs"). */
export const sshInputs: InputSpec[] = [
  { name: 'host', required: true, description: 'The host(s) to reach over SSH: hostnames or IP addresses, separated by commas or newlines. Every host uses the same `port`, `user` and keys.' },
  { name: 'port', default: '22', description: 'The SSH port of the host(s).' },
  { name: 'user', required: true, description: 'The user to log in as (needs no root; put it in the `docker` group).' },
  { name: 'private-key', required: true, description: 'Private key for `user`, in OpenSSH or PEM format (a secret).' },
  { name: 'passphrase', description: 'Passphrase of `private-key`, if it is encrypted (a secret).' },
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
  { name: 'proxy-private-key', description: 'Private key for `proxy-user`; defaults to `private-key` (a secret).' },
  { name: 'proxy-passphrase', description: 'Passphrase of `proxy-private-key`; defaults to `passphrase` (a secret).' },
  { name: 'proxy-known-hosts', description: 'known_hosts lines for `proxy-host`; defaults to `known-hosts` / `host-fingerprint` (one secret may hold the lines of both hosts).' },
  { name: 'connect-timeout', default: CONNECT_TIMEOUT, description: 'How long to wait for each SSH connection (e.g. 10s, 1m).' },
  { name: 'command-timeout', default: COMMAND_TIMEOUT, description: 'Limit for each command run on a host; on expiry the command and everything it started are killed. 0 means none.' },
];

/** One ConnectOptions per host in `host`, every input checked before anything connects. */
export function readSshTargets(inputs: Inputs, log: Log): ConnectOptions[] {
  const hosts = inputs.list('host').map((host) => checkHost(host, 'host'));
  if (hosts.length === 0) throw new InputError('Input `host` is required: the hostname or IP address of the droplet.');
  const insecure = inputs.bool('insecure-skip-host-key-check', false);
  const hostKeys = readHostKeys(inputs, targetRole.knownHosts, targetRole.fingerprint, insecure, log) ?? missingHostKeys(hosts, inputs);
  const endpoint = {
    port: readPort(inputs, 'port'),
    username: inputs.required('user', 'the user to log in as on the host'),
    ...readKey(inputs, targetRole, undefined, log),
    hostKeys,
  };
  const jump = readJump(inputs, endpoint, insecure, log);
  const connectTimeoutMs = inputs.durationMs('connect-timeout', CONNECT_TIMEOUT);
  if (connectTimeoutMs <= 0) throw new InputError('Input `connect-timeout` must be longer than 0, e.g. 30s.');
  const commandTimeoutMs = inputs.durationMs('command-timeout', COMMAND_TIMEOUT);
  return hosts.map((host) => ({ ...endpoint, host, ...(jump ? { jump } : {}), connectTimeoutMs, commandTimeoutMs }));
}

function readJump(inputs: Inputs, target: Omit<Endpoint, 'host'>, insecure: boolean, log: Log): Endpoint | undefined {
  const host = inputs.optional('proxy-host');
  if (host === '') {
    // The runner fills in action.yml defaults (proxy-port: 22), so only a value other than the default is stray.
    const stray = sshInputs
      .filter((spec) => spec.name.startsWith('proxy-'))
      .find((spec) => inputs.optional(spec.name) !== '' && inputs.optional(spec.name) !== (spec.default ?? ''))?.name;
    if (stray) throw new InputError(`Input \`${stray}\` only applies with \`proxy-host\`: set \`proxy-host\` to the jump host, or remove \`${stray}\`.`);
    return undefined;
  }
  return {
    host: checkHost(host, 'proxy-host'),
    port: readPort(inputs, 'proxy-port'),
    username: inputs.optional('proxy-user') || target.username,
    ...readKey(inputs, jumpRole, target, log),
    // The target's known-hosts or fingerprints also serve the jump host unless it has its own lines.
    hostKeys: readHostKeys(inputs, jumpRole.knownHosts, undefined, insecure, log) ?? target.hostKeys,
  };
}

/** The key of a hop, masked and parsed now so a bad secret fails before any connection. */
function readKey(inputs: Inputs, role: EndpointRole, fallback: Pick<Endpoint, 'privateKey' | 'passphrase'> | undefined, log: Log): Pick<Endpoint, 'privateKey' | 'passphrase'> {
  const own = inputs.raw(role.privateKey);
  // A pasted secret often carries a trailing newline that is not part of the passphrase.
  const ownPassphrase = inputs.raw(role.passphrase).replace(/[\r\n]+$/, '');
  for (const secret of [own, ownPassphrase]) if (secret.trim() !== '') log.mask(secret);
  const privateKey = own.trim() !== '' ? own : fallback?.privateKey;
  if (privateKey === undefined) {
    throw new InputError(`Input \`${role.privateKey}\` is required: the private key of \`user\`, from a secret (e.g. \`\${{ secrets.SSH_PRIVATE_KEY }}\`).`);
  }
  const passphrase = ownPassphrase !== '' ? ownPassphrase : fallback?.passphrase;
  parsePrivateKey(privateKey, passphrase, role);
  return { privateKey, ...(passphrase ? { passphrase } : {}) };
}

/** undefined when neither known_hosts lines nor fingerprints were given for this hop. */
function readHostKeys(inputs: Inputs, knownHostsInput: string, fingerprintInput: string | undefined, insecure: boolean, log: Log): HostKeyPolicy | undefined {
  const lines = inputs.optional(knownHostsInput);
  const fingerprints = fingerprintInput ? inputs.list(fingerprintInput) : [];
  if (lines !== '' && fingerprints.length > 0) {
    throw new InputError(`Give either \`${knownHostsInput}\` or \`${fingerprintInput}\`, not both: one list of trusted keys is easier to keep right.`);
  }
  let policy: HostKeyPolicy | undefined;
  if (lines !== '') {
    parseKnownHosts([lines], knownHostsInput);
    policy = { kind: 'known-hosts', lines: lines.split(/\r?\n/) };
  } else if (fingerprints.length > 0) {
    // Accept whole `ssh-keygen -l` lines ("256 SHA256:... host (ED25519)") as well as bare fingerprints.
    const picked = fingerprints.map((item) => /SHA256:\S+/i.exec(item)?.[0] ?? item);
    policy = { kind: 'fingerprints', fingerprints: picked.map((item) => parseFingerprint(item, fingerprintInput ?? knownHostsInput)) };
  }
  if (policy && insecure) log.warning(`Ignoring insecure-skip-host-key-check: \`${policy.kind === 'known-hosts' ? knownHostsInput : fingerprintInput}\` is set, so host keys are checked.`);
  return policy ?? (insecure ? { kind: 'insecure' } : undefined);
}

function missingHostKeys(hosts: string[], inputs: Inputs): never {
  const port = inputs.optional('port') || '22';
  throw new InputError(
    `Set \`known-hosts\` to the host's public keys so the connection can be verified: run \`ssh-keyscan -p ${port} ${hosts[0]}\` ONCE from a machine you trust ` +
      'and store its output in a secret or variable (or set `host-fingerprint` to the SHA256 fingerprint from `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the host); ' +
      'running ssh-keyscan inside the workflow would trust whoever answers.',
  );
}

function readPort(inputs: Inputs, name: string): number {
  const port = inputs.integer(name, 22, 1);
  if (port > 65535) throw new InputError(`Input \`${name}\` must be a TCP port (1-65535), not ${port}.`);
  return port;
}

/** Hostnames and IP addresses only: the port and user have their own inputs. */
function checkHost(host: string, name: string): string {
  const inputFor = (what: string): string => (name === 'host' ? what : `proxy-${what}`);
  if (host.includes('@')) throw new InputError(`Input \`${name}\` must be a hostname or IP address, not "${host}": put the user name in \`${inputFor('user')}\`.`);
  if (/^[^:]+:\d+$/.test(host)) throw new InputError(`Input \`${name}\` must be a hostname or IP address, not "${host}": put the port in \`${inputFor('port')}\`.`);
  if (!/^[A-Za-z0-9.:_-]+$/.test(host)) throw new InputError(`Input \`${name}\` must be a hostname or IP address, not "${host}".`);
  return host;
}
