import { InputError } from '../inputs/input-error.js';
import type { InputSpec } from '../inputs/input-spec.js';
import type { Inputs } from '../inputs/inputs.js';
import type { Log } from '../log/log.js';
import { readSshTargets, sshInputs } from '../ssh/ssh-inputs.js';
import type { ConnectOptions } from '../ssh/types.js';
import type { ContainerTarget } from './container-commands.js';
import { healthCheckInputs, readHealthCheck, type HealthCheckConfig } from './health-check-inputs.js';

export interface HealthGateConfig extends HealthCheckConfig {
  urls: URL[];
  /** Request the URLs from the host, through the SSH connection. */
  viaSsh: boolean;
  container?: ContainerTarget;
  /** The hosts to connect to; empty when nothing needs SSH. */
  ssh: ConnectOptions[];
}

export const healthGateInputs: InputSpec[] = [
  {
    name: 'url',
    default: '',
    description:
      'URL(s) to check, separated by commas or newlines (http or https). With `via-ssh`, the host and port are as seen ' +
      'from the droplet, e.g. `http://127.0.0.1:8081/health`.',
  },
  {
    name: 'via-ssh',
    default: 'false',
    description: 'Request the URL(s) from the host through the SSH connection (a TCP tunnel), so /health needs no public port and the host needs no curl.',
  },
  {
    name: 'container',
    default: '',
    description:
      'Container mode, for bots without an HTTP port: a container name or ID on the host. It passes when its Docker ' +
      'healthcheck says healthy or, without one, when it is running and has not restarted since the previous attempt.',
  },
  { name: 'service', default: '', description: 'Container mode by compose labels: the compose service whose container(s) to check.' },
  { name: 'compose-project', default: '', description: 'The compose project of `service`; defaults to `app`.' },
  { name: 'app', default: '', description: 'The app name: the compose project of `service` when `compose-project` is not given.' },
  ...healthCheckInputs,
  // The gate reaches a host only for via-ssh and container mode, so no SSH input is required up front.
  ...sshInputs.map((spec) => ({
    ...spec,
    required: false,
    ...(spec.name === 'host' ? { description: `${spec.description} Only needed for \`via-ssh\` and container mode; every host is checked.` } : {}),
  })),
];

export function readHealthGateInputs(inputs: Inputs, log: Log): HealthGateConfig {
  const urls = inputs.list('url').map((text) => readUrl(text, log));
  const viaSsh = inputs.bool('via-ssh', false);
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
