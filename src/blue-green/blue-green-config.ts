import { validateApp, validateAppDir, validateVersion } from '../deploy/names.js';
import { readHealthCheck, type HealthCheckConfig } from '../health/health-check-inputs.js';
import { InputError } from '../inputs/input-error.js';
import type { Inputs } from '../inputs/inputs.js';
import type { Log } from '../log/log.js';
import { readLockInputs, type LockInputs } from '../pipeline/lock-inputs.js';
import { readSshTargets } from '../ssh/ssh-inputs.js';
import type { ConnectOptions } from '../ssh/types.js';
import type { BotApi } from '../telegram/bot-api.js';
import type { Color } from './colors.js';

export const MODES = ['webhook', 'polling'] as const;
export type Mode = (typeof MODES)[number];

/** blue-green-switch's inputs, validated before anything connects. */
export interface BlueGreenConfig extends LockInputs {
  targets: ConnectOptions[];
  app: string;
  appDir: string;
  /** '' only for a rollback to the previous release. */
  version: string;
  /** The services that run per color: `service` first. */
  colorServices: string[];
  mode: Mode;
  ports: Record<Color, number>;
  nginx: { upstreamFile: string; testCommand: string; reloadCommand: string; checkUrl?: URL };
  health: HealthCheckConfig & { path: string; versionField: string };
  drainMs: number;
  keepWarm: boolean;
  rollback: boolean;
  /** Telegram's view of the bot, when `telegram-token` is given. */
  telegram?: BotApi;
}

export function readBlueGreenConfig(inputs: Inputs, log: Log): BlueGreenConfig {
  const rollback = inputs.bool('rollback');
  const version = inputs.optional('version');
  if (!rollback || version !== '') validateVersion(version === '' ? inputs.required('version') : version);
  const app = validateApp(inputs.required('app'));
  const mode = inputs.oneOf('mode', MODES);
  const service = inputs.required('service');
  const colorServices = [...new Set([service, ...inputs.list('color-services')])];
  const ports = { blue: port(inputs, 'blue-port'), green: port(inputs, 'green-port') };
  if (ports.blue === ports.green) throw new InputError('Inputs `blue-port` and `green-port` must differ: both colors run at once during a webhook switch.');
  const upstreamFile = inputs.optional('nginx-upstream-file');
  if (mode === 'webhook' && !upstreamFile.startsWith('/')) {
    throw new InputError('Input `nginx-upstream-file` is required in webhook mode: the absolute path of the nginx file (included by nginx, writable by the deploy user) that names the active color.');
  }
  const checkText = inputs.optional('nginx-check-url');
  const checkUrl = checkText ? readUrl(checkText) : undefined;
  const healthPath = inputs.optional('health-path');
  if (!healthPath.startsWith('/')) throw new InputError(`Input \`health-path\` must start with a slash, not "${healthPath}".`);
  return {
    targets: readSshTargets(inputs, log),
    app,
    appDir: validateAppDir(inputs.optional('app-dir') || `/opt/${app}`),
    version,
    colorServices,
    mode,
    ports,
    nginx: {
      upstreamFile,
      testCommand: inputs.optional('nginx-test-command'),
      reloadCommand: inputs.optional('nginx-reload-command'),
      ...(checkUrl ? { checkUrl } : {}),
    },
    health: { ...readHealthCheck(inputs, log), path: healthPath, versionField: inputs.optional('health-version-field') },
    drainMs: inputs.durationMs('drain-timeout'),
    ...readTelegram(inputs, log),
    keepWarm: inputs.bool('keep-warm'),
    rollback,
    ...readLockInputs(inputs),
  };
}

function readTelegram(inputs: Inputs, log: Log): { telegram?: BotApi } {
  const token = inputs.raw('telegram-token').trim();
  if (!token) return {};
  log.mask(token);
  const root = inputs.optional('telegram-api-root');
  try {
    const url = new URL(root);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http');
  } catch {
    throw new InputError(`Input \`telegram-api-root\` must be an http(s) URL such as https://api.telegram.org, not "${root}".`);
  }
  return { telegram: { root, token } };
}

function port(inputs: Inputs, name: string): number {
  const value = inputs.integer(name, 1);
  if (value > 65535) throw new InputError(`Input \`${name}\` must be a TCP port (1-65535), not ${value}.`);
  return value;
}

function readUrl(text: string): URL {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:') return url;
  } catch {
    // One sentence below covers both.
  }
  throw new InputError(`Input \`nginx-check-url\` must be an http URL as seen from the host, such as http://127.0.0.1/health, not "${text}".`);
}
