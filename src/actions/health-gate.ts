import type { ActionMetadata } from './action-metadata.js';
import { healthCheckInputSpecs } from './health-check-input-specs.js';
import { optionalSshInputSpecs } from '../ssh/ssh-input-specs.js';

export const healthGateAction: ActionMetadata = {
  folder: 'health-gate',
  name: 'bot-deploy health-gate',
  description:
    'Decide whether a release is healthy - poll HTTP health endpoints (from the runner, or from the host through SSH) or watch a container, until enough checks pass in a row, then optionally soak.',
  author: 'bot-deploy',
  branding: { icon: 'activity', color: 'green' },
  inputs: [
    {
      name: 'url',
      section: 'what to check',
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
      description:
        'Container mode, for bots without an HTTP port: a container name or ID on the host. It passes when its Docker ' +
        'healthcheck says healthy or, without one, when it is running; a restart seen while checking fails the gate at once.',
    },
    { name: 'service', description: 'Container mode by compose labels: the compose service whose container(s) to check.' },
    { name: 'compose-project', description: 'The compose project of `service`; defaults to `app`.' },
    { name: 'app', description: 'The app name: the compose project of `service` when `compose-project` is not given.' },
    ...healthCheckInputSpecs,
    // The gate reaches a host only for via-ssh and container mode, so no SSH input is required up front.
    ...optionalSshInputSpecs('SSH (only for via-ssh and container mode)', 'Only needed for `via-ssh` and container mode; every host is checked.'),
  ],
  outputs: [
    { name: 'healthy', description: 'true when the gate passed (and the soak, if any), false otherwise (the step then fails, with the outputs still set).' },
    { name: 'attempts', description: 'How many attempts were made, soak included.' },
    { name: 'elapsed-ms', description: 'Wall time of the gate in milliseconds.' },
    {
      name: 'last-status',
      description:
        'What the last attempt saw - an HTTP status (200, 503), timeout, a connection error code (ECONNREFUSED), or a container state (healthy, running, restarting, exited).',
    },
  ],
  runs: { using: 'node24', main: '../dist/health-gate/index.js' },
};
