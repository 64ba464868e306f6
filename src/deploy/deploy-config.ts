import { basename } from 'node:path';
import { InputError } from '../inputs/input-error.js';
import type { InputSpec } from '../inputs/input-spec.js';
import type { Inputs } from '../inputs/inputs.js';
import { WorkspaceFiles } from '../inputs/workspace-files.js';
import type { Log } from '../log/log.js';
import { readSshTargets, sshInputs } from '../ssh/ssh-inputs.js';
import type { ConnectOptions } from '../ssh/types.js';
import { validateApp, validateAppDir, validateImage, validateVersion } from './names.js';
import { composeServices, dotenvValues, type ComposeService } from './release-files.js';
import { DEFAULT_LOCK_TIMING } from './deploy-lock.js';

export const STRATEGIES = ['recreate', 'stop-first', 'none'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface ComposeSource {
  /** The file's name in the release folder. */
  name: string;
  text: string;
}

export interface RegistryLogin {
  server: string;
  username: string;
  password: string;
}

/** ssh-deploy's inputs, validated before anything connects. */
export interface DeployConfig {
  targets: ConnectOptions[];
  app: string;
  appDir: string;
  /** '' only for a rollback to the previous release. */
  version: string;
  image: string;
  composeFiles: ComposeSource[];
  /** The compose files' services, parsed before anything connects (a broken file harms nothing). */
  services: ComposeService[];
  env: string;
  registry?: RegistryLogin;
  preDeploy: string;
  service: string;
  strategy: Strategy;
  keepReleases: number;
  rollback: boolean;
  lockTimeoutMs: number;
  lockStaleMs: number;
}

/** ssh-deploy's inputs as action.yml declares them (a test keeps the two equal). */
export const sshDeployInputs: InputSpec[] = [
  { name: 'app', required: true, description: 'App name (lowercase letters, digits, dashes, underscores). Names the compose project and the default app-dir /opt/<app>.' },
  { name: 'app-dir', description: 'Folder on the host holding releases/, current, deploys.log, state.json and .lock. The deploy user must be able to write it. Defaults to /opt/<app>.' },
  { name: 'version', description: 'The release to deploy (a tag or SHA, ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$), checked before anything connects. With rollback, the release to re-activate (default the previous one).' },
  { name: 'image', description: 'Image repository without a tag (e.g. ghcr.io/acme/bot). Compose files get IMAGE=<image>:<version>.' },
  { name: 'compose-file', description: 'Compose file(s) in the repository, separated by commas or newlines. Defaults to the first of compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml that exists.' },
  { name: 'env', description: 'Dotenv text (a secret) written as the release\'s .env with mode 0600 over SFTP; every value of 4 or more characters is masked. APP, VERSION and IMAGE are appended.' },
  { name: 'registry', description: 'Registry host to log in to (defaults to the host part of image).' },
  { name: 'registry-username', description: 'Registry user; with registry-password the host runs docker login (the password goes over stdin).' },
  { name: 'registry-password', description: 'Registry password or token (a secret), sent to docker login on stdin.' },
  { name: 'pre-deploy', description: 'One-off command (run with sh -c) in a new container of `service` before the switch, e.g. migrations. A failure stops the deploy with the running release untouched.' },
  { name: 'service', description: 'The bot\'s compose service (used by pre-deploy, and by stop-first to stop only the bot and not its database).' },
  { name: 'strategy', default: 'recreate', description: 'recreate (docker compose up -d), stop-first (the old bot is fully stopped before the new one starts — never two pollers) or none (stage only, for blue-green-switch).' },
  { name: 'keep-releases', default: '5', description: 'How many release folders to keep; older ones are removed with their images. The active and previous releases are always kept.' },
  { name: 'rollback', default: 'false', description: 'true re-activates the previous release (or `version`) already on the host, without uploading or pulling.' },
  { name: 'lock-timeout', default: '10m', description: 'How long to wait for another deploy of the same app on the host to finish (e.g. 10m) before failing with the holder\'s name.' },
  { name: 'lock-stale-after', default: '2m', description: 'A lock its holder has not refreshed for this long (holders refresh every 15s) belongs to a deploy that died and is taken over.' },
  ...sshInputs,
];

/** What a run does: stage (strategy none), deploy, or roll back. */
export type DeployAction = 'deploy' | 'stage' | 'rollback';

export function deployAction(config: Pick<DeployConfig, 'rollback' | 'strategy'>): DeployAction {
  return config.rollback ? 'rollback' : config.strategy === 'none' ? 'stage' : 'deploy';
}

const DEFAULT_COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

export function readDeployConfig(inputs: Inputs, log: Log, workspace: string): DeployConfig {
  const rollback = inputs.bool('rollback', false);
  const version = inputs.optional('version');
  if (!rollback || version !== '') validateVersion(version === '' ? inputs.required('version') : version);
  const app = validateApp(inputs.required('app'));
  const appDir = validateAppDir(inputs.optional('app-dir') || `/opt/${app}`);
  const env = inputs.raw('env');
  // Masking a value like `1` or `yes` would star out every occurrence in the whole log, and such
  // values protect nothing; anything longer is masked.
  for (const value of dotenvValues(env)) if (value.length >= 4) log.mask(value);
  const registry = readRegistry(inputs, log);
  const preDeploy = inputs.optional('pre-deploy');
  const service = inputs.optional('service');
  if (preDeploy && !service) throw new InputError('Input `pre-deploy` needs `service`: the compose service whose image runs the command.');
  const composeFiles = rollback ? [] : readComposeFiles(inputs.list('compose-file'), workspace);
  const lockStaleMs = inputs.durationMs('lock-stale-after', `${DEFAULT_LOCK_TIMING.staleMs}ms`);
  if (lockStaleMs < 3 * DEFAULT_LOCK_TIMING.heartbeatMs) {
    throw new InputError(
      `Input \`lock-stale-after\` must be at least ${(3 * DEFAULT_LOCK_TIMING.heartbeatMs) / 1000}s: holders refresh the lock every ${DEFAULT_LOCK_TIMING.heartbeatMs / 1000}s, and a shorter limit would take a live deploy's lock.`,
    );
  }
  const config: DeployConfig = {
    targets: readSshTargets(inputs, log),
    app,
    appDir,
    version,
    image: validateImage(inputs.optional('image')),
    composeFiles,
    services: composeFiles.length > 0 ? composeServices(composeFiles) : [],
    env,
    preDeploy,
    service,
    strategy: inputs.oneOf('strategy', STRATEGIES, 'recreate'),
    keepReleases: inputs.integer('keep-releases', 5, 1),
    rollback,
    lockTimeoutMs: inputs.durationMs('lock-timeout', '10m'),
    lockStaleMs,
    ...(registry ? { registry } : {}),
  };
  return config;
}

function readRegistry(inputs: Inputs, log: Log): RegistryLogin | undefined {
  const username = inputs.optional('registry-username');
  const password = inputs.raw('registry-password');
  if (password) log.mask(password);
  if (!username && !password) return undefined;
  if (!username || !password) {
    throw new InputError('Inputs `registry-username` and `registry-password` go together: give both to log in to the registry, or neither.');
  }
  const server = inputs.optional('registry') || registryOf(inputs.optional('image'));
  if (!server) throw new InputError('Input `registry` is required with registry credentials when `image` names no registry host.');
  return { server, username, password };
}

/** `ghcr.io/acme/bot` → `ghcr.io`; Docker Hub names (`acme/bot`) have no registry host. */
function registryOf(image: string): string {
  const first = image.split('/')[0] ?? '';
  return image.includes('/') && /[.:]|^localhost$/.test(first) ? first : '';
}

function readComposeFiles(listed: string[], workspace: string): ComposeSource[] {
  const repository = new WorkspaceFiles(workspace);
  const paths = listed.length > 0 ? listed : [DEFAULT_COMPOSE_FILES.find((name) => repository.has(name)) ?? 'compose.yml'];
  const files = paths.map((path) => ({ name: basename(path), text: repository.read(path, 'compose-file') }));
  const names = files.map((file) => file.name);
  const clash = names.find((name, index) => names.indexOf(name) !== index || name === '.env' || name === 'release.json');
  if (clash) throw new InputError(`Compose files must have distinct names other than .env and release.json; "${clash}" is not.`);
  return files;
}

