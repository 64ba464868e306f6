import type { Duplex } from 'node:stream';
import ssh2, { type Client, type ServerHostKeyAlgorithm } from 'ssh2';
import type { Log } from '../log/log.js';
import { connectError } from './connect-error.js';
import { connectionStats } from './connection-stats.js';
import { jumpRole, targetRole, type EndpointRole } from './endpoint-role.js';
import { hostKeyCheck, type HostKeyCheck } from './host-key-check.js';
import { parsePrivateKey, type PrivateKey } from './private-key.js';
import { Session } from './session.js';
import { SshError } from './ssh-error.js';
import type { ConnectOptions, Endpoint, SshSession } from './types.js';

const DEFAULT_KEEPALIVE_MS = 15_000;
/** Missed keepalives before the connection counts as dead (OpenSSH's ServerAliveCountMax). */
const KEEPALIVE_COUNT_MAX = 3;

/** One hop with everything checked that can be checked without the network. */
interface Hop {
  endpoint: Endpoint;
  role: EndpointRole;
  key: PrivateKey;
  hostKeys: HostKeyCheck;
}

interface Timing {
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
}

/**
 * Opens the one connection an action run uses for a host (two with a jump host: the jump's, and the
 * target's tunnelled through it). Key and host-key inputs are checked before any packet is sent.
 */
export async function connectSsh(options: ConnectOptions, log: Log): Promise<SshSession> {
  const target = prepare(options, targetRole, log);
  const jump = options.jump ? prepare(options.jump, jumpRole, log) : undefined;
  const timing = { connectTimeoutMs: options.connectTimeoutMs, keepaliveIntervalMs: options.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_MS };
  if (!jump) return new Session(options, [await open(target, timing, log)], log);

  const jumpClient = await open(jump, timing, log);
  try {
    const tunnel = (): Promise<Duplex> => tunnelThrough(jumpClient, jump, options);
    const via = ` through jump host ${jump.endpoint.host}:${jump.endpoint.port}`;
    return new Session(options, [await open(target, timing, log, tunnel, via), jumpClient], log);
  } catch (error) {
    jumpClient.end();
    throw error;
  }
}

function prepare(endpoint: Endpoint, role: EndpointRole, log: Log): Hop {
  return {
    endpoint,
    role,
    key: parsePrivateKey(endpoint.privateKey, endpoint.passphrase, role),
    hostKeys: hostKeyCheck(endpoint, role, log),
  };
}

/** A refused host key: ssh2 reports it only as "Host denied", so it carries our own sentence. */
class HostKeyRejected extends SshError {}

/** The host has none of the host key types asked for (ssh2: "no matching host key format"). */
class NoCommonHostKeyType extends SshError {}

/**
 * Connects to one hop. A fingerprint does not say which key type it is for, and a host presents one
 * of its keys per handshake: when that key is refused, the handshake is repeated asking only for the
 * types not presented yet, until a key is trusted or the host has no other type (then the refusal
 * names every key it presented). Only the trusted handshake becomes a connection.
 */
async function open(hop: Hop, timing: Timing, log: Log, tunnel?: () => Promise<Duplex>, via = ''): Promise<Client> {
  const presented: Buffer[] = [];
  let algorithms = hop.hostKeys.serverHostKey;
  let rejected: HostKeyRejected | undefined;
  for (;;) {
    try {
      return await handshake(hop, timing, log, { presented, via, ...(algorithms ? { algorithms } : {}), ...(tunnel ? { sock: await tunnel() } : {}) });
    } catch (error) {
      if (error instanceof NoCommonHostKeyType && rejected) throw rejected;
      if (!(error instanceof HostKeyRejected)) throw error;
      rejected = error;
      algorithms = hop.hostKeys.retry?.(presented);
      if (!algorithms) throw error;
      log.debug(`${hop.role.title}${hop.endpoint.host}:${hop.endpoint.port} presented a host key no fingerprint names; asking it for another key type (${algorithms.join(', ')}).`);
    }
  }
}

interface HandshakeOptions {
  /** Host keys presented (and refused) by earlier handshakes; this one's key is added. */
  presented: Buffer[];
  via: string;
  algorithms?: ServerHostKeyAlgorithm[];
  sock?: Duplex;
}

function handshake(hop: Hop, timing: Timing, log: Log, options: HandshakeOptions): Promise<Client> {
  const { endpoint, role } = hop;
  const { presented, via, algorithms, sock } = options;
  const name = `${role.title}${endpoint.username}@${endpoint.host}:${endpoint.port}${via}`;
  const client = new ssh2.Client();
  let hostKeyRejection: string | undefined;
  let ready = false;
  return new Promise((resolve, reject) => {
    client.on('ready', () => {
      ready = true;
      connectionStats.opened += 1;
      log.debug(`Connected to ${name}.`);
      resolve(client);
    });
    client.on('error', (error: Error & { level?: string }) => {
      if (ready) {
        log.debug(`SSH connection to ${name}: ${error.message}`);
        return;
      }
      client.end();
      if (hostKeyRejection !== undefined) reject(new HostKeyRejected(hostKeyRejection));
      else {
        const failure = connectError(error, endpoint, role, timing.connectTimeoutMs, via);
        reject(/no matching host key format/i.test(error.message) ? new NoCommonHostKeyType(failure.message) : failure);
      }
    });
    client.on('close', () => {
      if (!ready) reject(new SshError(`Could not connect to ${name}: the connection closed during the SSH handshake; check that sshd listens there.`));
    });
    client.connect({
      host: endpoint.host,
      port: endpoint.port,
      username: endpoint.username,
      privateKey: hop.key.text,
      passphrase: endpoint.passphrase || undefined,
      ...(sock ? { sock } : {}),
      readyTimeout: timing.connectTimeoutMs,
      keepaliveInterval: timing.keepaliveIntervalMs,
      keepaliveCountMax: KEEPALIVE_COUNT_MAX,
      ...(algorithms ? { algorithms: { serverHostKey: algorithms } } : {}),
      hostVerifier: (key: Buffer) => {
        hostKeyRejection = hop.hostKeys.check(key, [...presented]);
        presented.push(key);
        return hostKeyRejection === undefined;
      },
    });
    // The handshake, channel opens, commands and SFTP requests are small request/reply exchanges:
    // Nagle's algorithm with delayed ACKs would add ~40 ms to each (measured: 230 ms per file write).
    client.setNoDelay(true);
  });
}

/** A TCP stream from the jump host to the target, for the target's SSH connection to run over. */
function tunnelThrough(jumpClient: Client, jump: Hop, target: Endpoint): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    jumpClient.forwardOut('127.0.0.1', 0, target.host, target.port, (error, stream) => {
      if (!error) return resolve(stream);
      reject(
        new SshError(
          `Jump host ${jump.endpoint.host}:${jump.endpoint.port} could not reach ${target.host}:${target.port} (${error.message}): check \`host\` and \`port\` as seen from the jump host, and that its sshd allows TCP forwarding.`,
        ),
      );
    });
  });
}
