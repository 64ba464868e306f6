import { sshInputSpecs } from './ssh-input-specs.js';
import { InputError } from '../inputs/input-error.js';
import type { Inputs } from '../inputs/inputs.js';
import type { Log } from '../log/log.js';
import { jumpRole, targetRole, type EndpointRole } from './endpoint-role.js';
import { parseFingerprint } from './fingerprint.js';
import { parseKnownHosts } from './known-hosts.js';
import { parsePrivateKey } from './private-key.js';
import type { ConnectOptions, Endpoint, HostKeyPolicy } from './types.js';

/** One ConnectOptions per host in `host`, every input checked before anything connects. */
export function readSshTargets(inputs: Inputs, log: Log): ConnectOptions[] {
  const hosts = inputs.list('host').map((host) => checkHost(host, 'host'));
  if (hosts.length === 0) throw new InputError('Input `host` is required: the hostname or IP address of the droplet.');
  // The same host twice would deploy to it twice, and the root action would hold its lock twice over.
  const twice = hosts.find((host, index) => hosts.indexOf(host) !== index);
  if (twice) throw new InputError(`Input \`host\` names ${twice} twice: list each host once.`);
  const insecure = inputs.bool('insecure-skip-host-key-check');
  const hostKeys = readHostKeys(inputs, targetRole.knownHosts, targetRole.fingerprint, insecure, log) ?? missingHostKeys(hosts, inputs);
  const endpoint = {
    port: readPort(inputs, 'port'),
    username: inputs.required('user', 'the user to log in as on the host'),
    ...readKey(inputs, targetRole, undefined, log),
    hostKeys,
  };
  const jump = readJump(inputs, endpoint, insecure, log);
  const connectTimeoutMs = inputs.durationMs('connect-timeout');
  if (connectTimeoutMs <= 0) throw new InputError('Input `connect-timeout` must be longer than 0, e.g. 30s.');
  const commandTimeoutMs = inputs.durationMs('command-timeout');
  return hosts.map((host) => ({ ...endpoint, host, ...(jump ? { jump } : {}), connectTimeoutMs, commandTimeoutMs }));
}

function readJump(inputs: Inputs, target: Omit<Endpoint, 'host'>, insecure: boolean, log: Log): Endpoint | undefined {
  const host = inputs.optional('proxy-host');
  if (host === '') {
    const stray = sshInputSpecs.find((spec) => spec.name.startsWith('proxy-') && inputs.given(spec.name))?.name;
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
  const port = inputs.optional('port');
  throw new InputError(
    `Set \`known-hosts\` to the host's public keys so the connection can be verified: run \`ssh-keyscan -p ${port} ${hosts[0]}\` ONCE from a machine you trust ` +
      'and store its output in a secret or variable (or set `host-fingerprint` to the SHA256 fingerprint from `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the host); ' +
      'running ssh-keyscan inside the workflow would trust whoever answers.',
  );
}

function readPort(inputs: Inputs, name: string): number {
  const port = inputs.integer(name, 1);
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
