import { generateIdentity, identityToRecipient } from 'age-encryption';
import { pgBackupToSpacesAction } from '../../src/actions/pg-backup-to-spaces.js';
import { readBackupConfig } from '../../src/backup/backup-config.js';
import { Inputs } from '../../src/inputs/inputs.js';
import { RecordingLog } from '../../src/log/recording-log.js';
import { sshKeygen } from '../ssh/key-files.js';

const key = sshKeygen('-t', 'ed25519', '-N', '');
const ssh = { host: 'web1', user: 'deploy', 'private-key': key.private, 'host-fingerprint': 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' };
const bucket = { 'spaces-region': 'fra1', 'spaces-bucket': 'backups', 'spaces-prefix': 'db', 'spaces-access-key-id': 'DO00ACCESSKEY', 'spaces-secret-access-key': 'SpacesSecretKey/123' };
const databaseUrl = 'postgres://doadmin:Manag3dPassw0rd@db.example.com:25060/bot?sslmode=require';
/** A compose database on web1, the default source. */
const compose = { app: 'shop', database: 'bot', ...ssh, ...bucket };
/** A managed database by URL: no SSH inputs at all. */
const managed = { app: 'shop', source: 'url', 'database-url': databaseUrl, ...bucket };

function read(values: Record<string, string>, log = new RecordingLog()): ReturnType<typeof readBackupConfig> {
  return readBackupConfig(new Inputs(pgBackupToSpacesAction.inputs, (name: string) => values[name] ?? ''), log, 'abc123');
}

const recipient = await identityToRecipient(await generateIdentity());
const identity = await generateIdentity();

describe('readBackupConfig', () => {
  test('a compose database: the defaults of the inputs, the one host, the deploy lock', () => {
    expect(read(compose)).toEqual({
      mode: 'backup',
      app: 'shop',
      version: 'manual',
      gitSha: 'abc123',
      database: 'bot',
      source: {
        kind: 'compose',
        target: expect.objectContaining({ host: 'web1', port: 22, username: 'deploy' }),
        appDir: '/opt/shop',
        project: 'shop',
        service: 'db',
        user: 'postgres',
        lockTimeoutMs: 600_000,
        lockStaleMs: 120_000,
      },
      store: {
        endpoint: 'https://fra1.digitaloceanspaces.com',
        region: 'fra1',
        bucket: 'backups',
        accessKeyId: 'DO00ACCESSKEY',
        secretAccessKey: 'SpacesSecretKey/123',
        partSizeBytes: 16 * 1024 * 1024,
        queueSize: 4,
      },
      location: { prefix: 'db', app: 'shop', database: 'bot' },
      format: 'custom',
      compression: 'zstd',
      recipients: [],
      verify: 'stream',
      dryRun: false,
      maxAgeMs: 26 * 3600_000,
    });
  });

  test('a managed database by URL needs no SSH inputs and takes its database from the URL', () => {
    const config = read(managed);
    expect(config.database).toBe('bot');
    expect(config.source).toEqual({ kind: 'url', url: expect.objectContaining({ host: 'db.example.com', port: 25060, user: 'doadmin', database: 'bot' }) });
    expect(read({ ...managed, database: 'other' }).database).toBe('other');
  });

  test.each(['list', 'check', 'prune'])('%s reads the bucket alone: no source, no SSH inputs needed', (mode) => {
    const config = read({ app: 'shop', database: 'bot', ...bucket, mode, keep: 'last=3' });
    expect(config.mode).toBe(mode);
    expect(config.source).toBeUndefined();
  });

  test('an endpoint is used as given (no trailing slash), with the signing region us-east-1 unless one is given', () => {
    expect(read({ ...compose, 'spaces-region': '', 'spaces-endpoint': 'http://127.0.0.1:9000/' }).store).toMatchObject({ endpoint: 'http://127.0.0.1:9000', region: 'us-east-1' });
    expect(read({ ...compose, 'spaces-region': 'nyc3', 'spaces-endpoint': 'https://nyc3.digitaloceanspaces.com' }).store).toMatchObject({ endpoint: 'https://nyc3.digitaloceanspaces.com', region: 'nyc3' });
  });

  test('slashes around the prefix are dropped', () => {
    expect(read({ ...compose, 'spaces-prefix': '/db/nightly/' }).location.prefix).toBe('db/nightly');
  });

  test('encryption, retention, restore and their inputs', () => {
    const config = read({ ...compose, mode: 'restore', confirm: 'bot', 'encrypt-recipients': `${recipient}\n`, 'decrypt-identity': `${identity}\n`, keep: 'last=10,daily=7', 'restore-key': 'db/shop/bot/x', version: 'v1.2.3' });
    expect(config).toMatchObject({
      mode: 'restore',
      version: 'v1.2.3',
      recipients: [recipient],
      identity,
      keep: { last: 10, daily: 7, weekly: 0, monthly: 0, yearly: 0 },
      restoreKey: 'db/shop/bot/x',
    });
  });

  test('every secret is masked in the log: the URL and its password, the Spaces secret, the identity', () => {
    const log = new RecordingLog();
    read({ ...managed, 'decrypt-identity': identity }, log);
    log.info(`url ${databaseUrl} password Manag3dPassw0rd secret SpacesSecretKey/123 identity ${identity}`);
    expect(log.lines.at(-1)).toBe('url *** password *** secret *** identity ***');
  });

  test.each<[string, Record<string, string>, string]>([
    ['restore without confirm', { ...compose, mode: 'restore' }, 'Restore replaces database bot: set input `confirm` to "bot" to say so.'],
    ['restore confirming another database', { ...compose, mode: 'restore', confirm: 'bots' }, 'Restore replaces database bot: set input `confirm` to "bot" to say so.'],
    ['prune without keep', { ...compose, mode: 'prune' }, 'Input `keep` is required in prune mode, e.g. last=10,daily=7,weekly=4,monthly=6.'],
    ['keep without a prefix', { ...compose, keep: 'last=3', 'spaces-prefix': '' }, 'Input `spaces-prefix` must be set to use `keep`: retention deletes objects, and only ever under an explicit prefix.'],
    ['prune with a prefix of slashes', { ...compose, mode: 'prune', keep: 'last=3', 'spaces-prefix': '//' }, 'Input `spaces-prefix` must be set to use `keep`: retention deletes objects, and only ever under an explicit prefix.'],
    ['a recipient that is no age key', { ...compose, 'encrypt-recipients': 'age1abc', verify: 'none' }, 'Input `encrypt-recipients` has "age1abc", which is not an age public key (age1...).'],
    ['an SSH key as recipient', { ...compose, 'encrypt-recipients': key.public.trim(), verify: 'none' }, 'which is not an age public key (age1...).'],
    ['an identity that is not one', { ...compose, 'decrypt-identity': 'AGE-PUBLIC-KEY-1xyz' }, 'Input `decrypt-identity` must be an age identity line (AGE-SECRET-KEY-1...).'],
    [
      'encryption with verify but no identity',
      { ...compose, 'encrypt-recipients': 'RECIPIENT' },
      'Input `verify` reads the encrypted backup back, which needs `decrypt-identity`: give the identity of one of `encrypt-recipients`, or set verify: none.',
    ],
    ['no bucket', { ...compose, 'spaces-bucket': '' }, 'Input `spaces-bucket` is required: the Spaces bucket (or S3 bucket) backups go to.'],
    ['no access key', { ...compose, 'spaces-access-key-id': '' }, 'Inputs `spaces-access-key-id` and `spaces-secret-access-key` are required: a Spaces access key with read and write access to the bucket.'],
    ['no secret key', { ...compose, 'spaces-secret-access-key': '  ' }, 'Inputs `spaces-access-key-id` and `spaces-secret-access-key` are required'],
    ['neither endpoint nor region', { ...compose, 'spaces-region': '' }, 'Input `spaces-endpoint` or `spaces-region` is required, e.g. spaces-region: fra1.'],
    ['an endpoint with a path', { ...compose, 'spaces-endpoint': 'https://fra1.digitaloceanspaces.com/backups' }, 'Input `spaces-endpoint` "https://fra1.digitaloceanspaces.com/backups" must be an http(s) URL with no path'],
    ['a compose source on two hosts', { ...compose, host: 'web1,web2' }, 'Input `host` must name one host with `source: compose`: the droplet whose stack runs the database.'],
    ['a compose source without host', { ...compose, host: '' }, 'Input `host` is required'],
    ['a compose source without database', { ...compose, database: '' }, 'Input `database` is required: the name of the database to back up.'],
    ['a database name this action does not handle', { ...compose, database: 'bot;drop' }, 'Input `database` "bot;drop" is not a database name this action handles: letters, digits, _, $ and -, at most 63.'],
    ['a url source without URL', { ...managed, 'database-url': '' }, 'Input `database-url` is required with `source: url`: postgres://user:password@host:port/database.'],
    ['a url of another scheme', { ...managed, 'database-url': 'mysql://u:p@db/bot' }, 'Input `database-url` must start with postgres:// or postgresql://, not mysql://.'],
    ['a url with an unsupported parameter', { ...managed, 'database-url': `${databaseUrl}&sslpassword=x` }, 'Input `database-url` has the parameter sslpassword, which is not supported'],
    ['a url without database', { ...managed, 'database-url': 'postgres://u:p@db.example.com/' }, 'Input `database-url` must name a host, a user and a database'],
    ['an unknown mode', { ...compose, mode: 'dump' }, 'Input `mode` must be one of backup, restore, list, prune, check, not "dump".'],
    ['an unknown verify method', { ...compose, verify: 'full' }, 'Input `verify` must be one of none, stream, restore, not "full".'],
    ['a part size below S3\'s minimum', { ...compose, 'part-size-mib': '4' }, 'Input `part-size-mib` must be a whole number of at least 5, not "4".'],
  ])('refuses %s in one sentence', (_case, values, message) => {
    const withRecipient = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, value === 'RECIPIENT' ? recipient : value]));
    expect(() => read(withRecipient)).toThrow(message);
  });

  test('encryption without identity is fine when nothing reads the backup back', () => {
    expect(read({ ...compose, 'encrypt-recipients': recipient, verify: 'none' }).recipients).toEqual([recipient]);
  });
});
