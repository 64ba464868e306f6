import { InputError } from '../inputs/input-error.js';
import type { Inputs } from '../inputs/inputs.js';
import type { Log } from '../log/log.js';
import { readSshTargets } from '../ssh/ssh-inputs.js';
import type { ConnectOptions } from '../ssh/types.js';
import type { ContainerTarget } from '../host/container-commands.js';
import { readHealthCheck, type HealthCheckConfig } from './health-check-inputs.js';

export interface HealthGateConfig extends HealthCheckConfig {
  urls: URL[];
  /** Request the URLs from the host, through the SSH connection. */
  viaSsh: boolean;
  container?: ContainerTarget;
  /** The hosts to connect to; empty when nothing needs SSH. */
  ssh: ConnectOptions[];
}

export function readHealthGateInputs(inputs: Inputs, log: Log): HealthGateConfig {
  const urls = inputs.list('url').map((text) => readUrl(text, log));
  const viaSsh = inputs.bool('via-ssh');
  const container = readContainerTarget(inputs);
  if (urls.length === 0 && !container) {
    throw new InputError('Give `url` (an HTTP health endpoint) or, for a bot without one, `container` or `service` (container mode).');
  }
  if (viaSsh && urls.length === 0) throw new InputError('Input `via-ssh` needs `url`: the address to request from the host.');
  const check = readHealthCheck(inputs, log);
  const ssh = viaSsh || container ? readSshTargets(inputs, log) : [];
  return { ...check, urls, viaSsh, ssh, ...(container ? { container } : {}) };
}

function readUrl(text: string, log: Log): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(`Input \`url\` must hold absolute URLs such as http://127.0.0.1:8080/health, not "${text}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(`Input \`url\` must use http or https, not "${url.protocol.replace(':', '')}" in "${text}".`);
  }
  if (url.password) log.mask(url.password);
  return url;
}

function readContainerTarget(inputs: Inputs): ContainerTarget | undefined {
  const name = inputs.optional('container');
  const service = inputs.optional('service');
  if (name && service) throw new InputError('Give either `container` or `service` (with `app` or `compose-project`), not both.');
  if (name) return { kind: 'container', name };
  if (!service) return undefined;
  const project = inputs.optional('compose-project') || inputs.optional('app');
  if (!project) throw new InputError('Input `service` needs `compose-project` or `app`: the compose project it belongs to.');
  return { kind: 'compose', project, service };
}
