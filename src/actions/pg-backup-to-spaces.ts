import type { ActionMetadata } from './action-metadata.js';
import { lockInputSpecs } from '../pipeline/lock-inputs.js';
import { optionalSshInputSpecs } from '../ssh/ssh-input-specs.js';

export const pgBackupToSpacesAction: ActionMetadata = {
  folder: 'pg-backup-to-spaces',
  name: 'bot-deploy pg-backup-to-spaces',
  description:
    'Stream a PostgreSQL dump to DigitalOcean Spaces (any S3-compatible store) - compressed, optionally age-encrypted, with a manifest, verified by reading it back - and list, check, prune (grandfather-father-son) and restore those backups.',
  author: 'bot-deploy',
  branding: { icon: 'database', color: 'blue' },
  inputs: [
    { name: 'mode', default: 'backup', section: 'what to do', description: 'backup, restore (the newest good backup or `restore-key`, with `confirm`), list (a table of the backups), check (fail when the newest good backup is older than `max-age`) or prune (apply `keep`).' },
    { name: 'app', required: true, description: 'App name: the compose project of the database (unless `compose-project` says otherwise) and part of every key, `<prefix>/<app>/<database>/<UTC time>-<version>.dump...`.' },
    { name: 'version', description: 'The release this backup belongs to, in its key and manifest (e.g. the tag being deployed). Empty: manual.' },
    { name: 'source', default: 'compose', section: 'the database', description: 'compose: pg_dump runs inside the database container of the app\'s stack, over SSH (client and server versions match). url: the runner\'s own pg_dump against `database-url` (a managed database).' },
    { name: 'compose-service', default: 'db', description: 'The database\'s compose service (source: compose).' },
    { name: 'compose-project', description: 'The database\'s compose project; defaults to `app` (where ssh-deploy and blue-green-switch run the shared services).' },
    { name: 'database', description: 'The database to back up or restore; with source: url, defaults to the URL\'s.' },
    { name: 'db-user', default: 'postgres', description: 'The role pg_dump and pg_restore log in as inside the container, over its local socket (source: compose).' },
    { name: 'database-url', secret: true, description: 'postgres://user:password@host:port/database (source: url). Its parts reach pg_dump as PG* variables, never on a command line.' },
    { name: 'app-dir', description: 'The app folder on the host, whose deploy lock a dump or restore holds (source: compose). Defaults to /opt/<app>.' },
    { name: 'spaces-endpoint', section: 'the bucket', description: 'The S3 endpoint, e.g. https://fra1.digitaloceanspaces.com. Defaults to the one of `spaces-region`.' },
    { name: 'spaces-region', description: 'A Spaces region such as fra1 (the endpoint is then https://<region>.digitaloceanspaces.com), or the signing region of another store.' },
    { name: 'spaces-bucket', required: true, description: 'The bucket backups go to.' },
    { name: 'spaces-prefix', description: 'A folder in the bucket for the backups. Retention (`keep`, prune mode) only runs when it is set.' },
    { name: 'spaces-access-key-id', secret: true, description: 'The Spaces access key.' },
    { name: 'spaces-secret-access-key', secret: true, description: 'The Spaces secret key.' },
    { name: 'part-size-mib', default: '16', description: 'Multipart upload part size in MiB (at least 5). Memory use is about part size × upload-concurrency.' },
    { name: 'upload-concurrency', default: '4', description: 'How many parts upload at once.' },
    { name: 'format', default: 'custom', section: 'the dump', description: 'custom (pg_dump -Fc, restored with pg_restore) or plain (SQL, restored with psql).' },
    { name: 'compression', default: 'zstd', description: 'zstd, gzip or none, applied on the runner while the dump streams through.' },
    { name: 'encrypt-recipients', description: 'age public keys (age1..., separated by commas or newlines): the dump is encrypted to them before it leaves the runner, so a leaked Spaces key does not leak the data.' },
    { name: 'decrypt-identity', secret: true, description: 'The age identity (AGE-SECRET-KEY-1...) that reads encrypted backups back: needed to verify, and to restore, an encrypted backup.' },
    { name: 'verify', default: 'stream', section: 'after the backup', description: 'none; stream (read the stored object back and check it end to end - a custom dump through pg_restore, which parses every data block; a plain one by its checksums and size); restore (restore it into a scratch database, compare every table\'s row count with the manifest, drop it).' },
    { name: 'keep', description: 'Retention after a good backup (and in prune mode): last=N,daily=N,weekly=N,monthly=N,yearly=N (grandfather-father-son, UTC). The newest good backup is never deleted. Needs `spaces-prefix`.' },
    { name: 'dry-run', default: 'false', description: 'Prune: print what would be deleted and delete nothing.' },
    { name: 'restore-key', section: 'restore and check', description: 'Restore: the key of the backup to restore; empty restores the newest good backup.' },
    { name: 'confirm', description: 'Restore: must equal the database name. The restored copy replaces the database only once it restored completely and matched its manifest\'s SHA-256.' },
    { name: 'max-age', default: '26h', description: 'Check: fail when the newest good backup is older than this.' },
    ...lockInputSpecs,
    // Only source: compose reaches a host.
    ...optionalSshInputSpecs('SSH (source: compose)', 'Only for source: compose; one host.'),
  ],
  outputs: [
    { name: 'key', description: 'The backup stored (backup), restored (restore), or the newest good one (list, check, prune).' },
    { name: 'size', description: 'Its size in bytes, as stored.' },
    { name: 'sha256', description: 'Its SHA-256, as stored (backup, restore).' },
    { name: 'duration-ms', description: 'Wall time of the step in milliseconds.' },
    { name: 'verified', description: 'backup: true when the stored backup was read back and proven to restore.' },
    { name: 'deleted', description: 'How many backups retention deleted (or would delete on a dry run).' },
  ],
  // The post step releases the deploy lock a cancelled dump or restore held (source: compose).
  runs: { using: 'node24', main: '../dist/pg-backup-to-spaces/index.js', post: '../dist/pg-backup-to-spaces/index.js', postIf: 'always()' },
};
