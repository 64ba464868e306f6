import { basename } from 'node:path';
import { envSecrets } from '../inputs/env-secrets.js';
import { InputError } from '../inputs/input-error.js';
import type { Inputs } from '../inputs/inputs.js';
import type { WorkspaceFiles } from '../inputs/workspace-files.js';
import type { Log } from '../log/log.js';
import { readSshTargets } from '../ssh/ssh-inputs.js';
import type { ConnectOptions } from '../ssh/types.js';
import { validateApp, validateAppDir, validateImage, validateVersion } from './names.js';
import { composeServices, dotenvVariables, type ComposeService } from './release-files.js';
import { readLockInputs, type LockInputs } from '../pipeline/lock-inputs.js';
import { STRATEGIES, type StrategyName } from './strategies/strategy-factory.js';


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
export interface DeployConfig extends LockInputs {
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
  strategy: StrategyName;
  keepReleases: number;
  rollback: boolean;
}

/** What a run does: stage (strategy none), deploy, or roll back. */
export type DeployAction = 'deploy' | 'stage' | 'rollback';

export function deployAction(config: Pick<DeployConfig, 'rollback' | 'strategy'>): DeployAction {
  return config.rollback ? 'rollback' : config.strategy === 'none' ? 'stage' : 'deploy';
}

const DEFAULT_COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

export function readDeployConfig(inputs: Inputs, log: Log, workspace: WorkspaceFiles): DeployConfig {
  const rollback = inputs.bool('rollback');
  const version = inputs.optional('version');
  if (!rollback || version !== '') validateVersion(version === '' ? inputs.required('version') : version);
  const app = validateApp(inputs.required('app'));
  const appDir = validateAppDir(inputs.optional('app-dir') || `/opt/${app}`);
  const env = inputs.raw('env');
  for (const secret of envSecrets(dotenvVariables(env), inputs.list('secret-env-keys'))) log.mask(secret);
  const registry = readRegistry(inputs, log);
  const preDeploy = inputs.optional('pre-deploy');
  const service = inputs.optional('service');
  if (preDeploy && !service) throw new InputError('Input `pre-deploy` needs `service`: the compose service whose image runs the command.');
  const composeFiles = rollback ? [] : readComposeFiles(inputs.list('compose-file'), workspace);
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
    strategy: inputs.oneOf('strategy', STRATEGIES),
    keepReleases: inputs.integer('keep-releases', 1),
    rollback,
    ...readLockInputs(inputs),
    ...(registry ? { registry } : {}),
  };
  return config;
}

/** The registry login a deploy pulls with (and a rollback, when an image is gone from the host). */
export function readRegistry(inputs: Inputs, log: Log): RegistryLogin | undefined {
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

function readComposeFiles(listed: string[], repository: WorkspaceFiles): ComposeSource[] {
  const paths = listed.length > 0 ? listed : [DEFAULT_COMPOSE_FILES.find((name) => repository.has(name)) ?? 'compose.yml'];
  const files = paths.map((path) => ({ name: basename(path), text: repository.read(path, 'compose-file') }));
  const names = files.map((file) => file.name);
  const clash = names.find((name, index) => names.indexOf(name) !== index || name === '.env' || name === 'release.json');
  if (clash) throw new InputError(`Compose files must have distinct names other than .env and release.json; "${clash}" is not.`);
  return files;
}

