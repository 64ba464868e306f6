import { validateApp, validateAppDir, validateVersion } from '../deploy/names.js';
import { InputError } from '../inputs/input-error.js';
import type { Inputs } from '../inputs/inputs.js';
import type { Log } from '../log/log.js';
import { readLockInputs, type LockInputs } from '../pipeline/lock-inputs.js';
import { readSshTargets } from '../ssh/ssh-inputs.js';
import type { ConnectOptions } from '../ssh/types.js';
import type { StoreConfig } from './backup-store.js';
import { parseDatabaseUrl, type DatabaseUrl } from './database-url.js';
import { checkRecipients } from './age-keys.js';
import { parseKeepRules, type KeepRules } from './keep-rules.js';
import type { Compression, DumpFormat } from './manifest.js';
import type { BackupLocation } from './object-keys.js';

export const MODES = ['backup', 'restore', 'list', 'prune', 'check'] as const;
export type BackupMode = (typeof MODES)[number];
export const VERIFY_METHODS = ['none', 'stream', 'restore'] as const;
export type VerifyMethod = (typeof VERIFY_METHODS)[number];
const FORMATS = ['custom', 'plain'] as const satisfies readonly DumpFormat[];
const COMPRESSIONS = ['zstd', 'gzip', 'none'] as const satisfies readonly Compression[];

/** The database's container on a droplet, reached over SSH under the app's deploy lock. */
export interface ComposeSource extends LockInputs {
  kind: 'compose';
  target: ConnectOptions;
  appDir: string;
  project: string;
  service: string;
  user: string;
}

export type DatabaseSource = ComposeSource | { kind: 'url'; url: DatabaseUrl };

/** pg-backup-to-spaces's inputs, validated before anything connects. */
export interface BackupConfig {
  mode: BackupMode;
  app: string;
  /** The release the backup belongs to, in its key; 'manual' when none is given. */
  version: string;
  gitSha: string;
  database: string;
  /** Only the modes that touch the database have one. */
  source?: DatabaseSource;
  store: StoreConfig;
  location: BackupLocation;
  format: DumpFormat;
  compression: Compression;
  recipients: string[];
  identity?: string;
  verify: VerifyMethod;
  /** Retention: applied after a good backup, or alone in `prune` mode. */
  keep?: KeepRules;
  dryRun: boolean;
  /** `restore` (and `verify` runs on demand): an exact key, or the newest good backup when undefined. */
  restoreKey?: string;
  maxAgeMs: number;
}

const DATABASE = /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/;
const MiB = 1024 * 1024;

export function readBackupConfig(inputs: Inputs, log: Log, gitSha: string): BackupConfig {
  const mode = inputs.oneOf('mode', MODES);
  const app = validateApp(inputs.required('app'));
  const versionText = inputs.optional('version');
  const version = versionText === '' ? 'manual' : validateVersion(versionText);
  const sourceKind = inputs.oneOf('source', ['compose', 'url'] as const);
  const url = sourceKind === 'url' ? readUrl(inputs, log) : undefined;
  const database = readDatabase(inputs, url);
  // Only a dump and a restore reach the database; list, check and prune read the bucket alone.
  const needsDatabase = mode === 'backup' || mode === 'restore';
  const recipients = inputs.list('encrypt-recipients');
  checkRecipients(recipients);
  const identity = inputs.raw('decrypt-identity').trim();
  if (identity !== '') {
    log.mask(identity);
    if (!identity.startsWith('AGE-SECRET-KEY-')) throw new InputError('Input `decrypt-identity` must be an age identity line (AGE-SECRET-KEY-1...).');
  }
  const verify = inputs.oneOf('verify', VERIFY_METHODS);
  if (mode === 'backup' && recipients.length > 0 && verify !== 'none' && identity === '') {
    throw new InputError('Input `verify` reads the encrypted backup back, which needs `decrypt-identity`: give the identity of one of `encrypt-recipients`, or set verify: none.');
  }
  const keepText = inputs.optional('keep');
  if (mode === 'prune' && keepText === '') throw new InputError('Input `keep` is required in prune mode, e.g. last=10,daily=7,weekly=4,monthly=6.');
  const store = readStore(inputs, log);
  const location = { prefix: inputs.optional('spaces-prefix').replace(/^\/+|\/+$/g, ''), app, database };
  if ((mode === 'prune' || keepText !== '') && location.prefix === '') {
    throw new InputError('Input `spaces-prefix` must be set to use `keep`: retention deletes objects, and only ever under an explicit prefix.');
  }
  const restoreKey = inputs.optional('restore-key');
  const confirm = inputs.optional('confirm');
  if (mode === 'restore' && confirm !== database) {
    throw new InputError(`Restore replaces database ${database}: set input \`confirm\` to "${database}" to say so.`);
  }
  return {
    mode,
    app,
    version,
    gitSha,
    database,
    ...(needsDatabase ? { source: readSource(sourceKind, url, app, inputs, log) } : {}),
    store,
    location,
    format: inputs.oneOf('format', FORMATS),
    compression: inputs.oneOf('compression', COMPRESSIONS),
    recipients,
    ...(identity === '' ? {} : { identity }),
    verify,
    ...(keepText === '' ? {} : { keep: parseKeepRules(keepText) }),
    dryRun: inputs.bool('dry-run'),
    ...(restoreKey === '' ? {} : { restoreKey }),
    maxAgeMs: inputs.durationMs('max-age'),
  };
}

function readUrl(inputs: Inputs, log: Log): DatabaseUrl {
  const text = inputs.raw('database-url').trim();
  if (text === '') throw new InputError('Input `database-url` is required with `source: url`: postgres://user:password@host:port/database.');
  log.mask(text);
  const url = parseDatabaseUrl(text);
  if (url.password !== '') log.mask(url.password);
  return url;
}

function readDatabase(inputs: Inputs, url: DatabaseUrl | undefined): string {
  const database = inputs.optional('database') || url?.database || '';
  if (database === '') throw new InputError('Input `database` is required: the name of the database to back up.');
  if (!DATABASE.test(database)) throw new InputError(`Input \`database\` "${database}" is not a database name this action handles: letters, digits, _, $ and -, at most 63.`);
  return database;
}

function readSource(kind: 'compose' | 'url', url: DatabaseUrl | undefined, app: string, inputs: Inputs, log: Log): DatabaseSource {
  if (kind === 'url' && url) return { kind, url };
  const targets = readSshTargets(inputs, log);
  if (targets.length !== 1) throw new InputError('Input `host` must name one host with `source: compose`: the droplet whose stack runs the database.');
  return {
    kind: 'compose',
    target: targets[0] as ConnectOptions,
    appDir: validateAppDir(inputs.optional('app-dir') || `/opt/${app}`),
    project: inputs.optional('compose-project') || app,
    service: inputs.required('compose-service'),
    user: inputs.required('db-user'),
    ...readLockInputs(inputs),
  };
}

function readStore(inputs: Inputs, log: Log): StoreConfig {
  const bucket = inputs.required('spaces-bucket', 'the Spaces bucket (or S3 bucket) backups go to');
  const region = inputs.optional('spaces-region');
  const endpointText = inputs.optional('spaces-endpoint');
  if (endpointText === '' && region === '') throw new InputError('Input `spaces-endpoint` or `spaces-region` is required, e.g. spaces-region: fra1.');
  const endpoint = endpointText === '' ? `https://${region}.digitaloceanspaces.com` : endpointText;
  if (!/^https?:\/\/[^/\s]+\/?$/.test(endpoint)) throw new InputError(`Input \`spaces-endpoint\` "${endpoint}" must be an http(s) URL with no path, e.g. https://fra1.digitaloceanspaces.com.`);
  const accessKeyId = inputs.raw('spaces-access-key-id').trim();
  const secretAccessKey = inputs.raw('spaces-secret-access-key').trim();
  if (accessKeyId === '' || secretAccessKey === '') {
    throw new InputError('Inputs `spaces-access-key-id` and `spaces-secret-access-key` are required: a Spaces access key with read and write access to the bucket.');
  }
  log.mask(accessKeyId);
  log.mask(secretAccessKey);
  const partMiB = inputs.integer('part-size-mib', 5);
  return {
    endpoint: endpoint.replace(/\/$/, ''),
    // Spaces ignores the signing region beyond its format; us-east-1 is what its docs use for other tools.
    region: region || 'us-east-1',
    bucket,
    accessKeyId,
    secretAccessKey,
    partSizeBytes: partMiB * MiB,
    queueSize: inputs.integer('upload-concurrency', 1),
  };
}
