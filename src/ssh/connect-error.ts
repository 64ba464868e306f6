import { formatDuration } from '../inputs/duration.js';
import type { EndpointRole } from './endpoint-role.js';
import { SshError } from './ssh-error.js';
import type { Endpoint } from './types.js';

/** What ssh2 and net attach to connection errors. */
interface ConnectionErrorDetails {
  code?: string | number;
  level?: string;
}

/** Turns a failed connection attempt into one sentence naming the hop and the inputs to check. */
export function connectError(error: Error & ConnectionErrorDetails, endpoint: Endpoint, role: EndpointRole, timeoutMs: number, via = ''): SshError {
  const who = `${role.title}${endpoint.username}@${endpoint.host}:${endpoint.port}${via}`;
  const hostInputs = role.title === '' ? '`host` and `port`' : '`proxy-host` and `proxy-port`';
  const couldNot = `Could not connect to ${who}`;
  if (error.level === 'client-authentication') {
    return new SshError(
      `${who} refused the key: check \`${role.privateKey}\` and that its public key is in ${endpoint.username}'s ~/.ssh/authorized_keys on the host.`,
    );
  }
  if (error.level === 'client-timeout' || error.code === 'ETIMEDOUT') {
    return new SshError(
      `${couldNot}: no SSH handshake within ${formatDuration(timeoutMs)}. Check ${hostInputs} and that a firewall lets the runner in, or raise \`connect-timeout\`.`,
    );
  }
  switch (error.code) {
    case 'ECONNREFUSED':
      return new SshError(`${couldNot}: connection refused. Check ${hostInputs}, and that sshd is running there.`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new SshError(`${couldNot}: the name ${endpoint.host} does not resolve. Check ${hostInputs}.`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new SshError(`${couldNot}: no route to the host. Check ${hostInputs} and the network between the runner and the host.`);
    case 'ECONNRESET':
      return new SshError(`${couldNot}: the connection was reset during the handshake. Check ${hostInputs} and that sshd (not another service) listens there.`);
  }
  return new SshError(`${couldNot}: ${error.message.replace(/\.$/, '')}.`);
}
