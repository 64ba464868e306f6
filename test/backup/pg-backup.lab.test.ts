import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lab } from '../lab/lab.js';
import { runDistAction, type ActionRun } from '../support/action-runner.js';
import { DatabaseStack } from '../support/database-stack.js';
import { FailingS3Proxy } from '../support/failing-s3-proxy.js';
import { LabBucket } from '../support/lab-bucket.js';
import { MotoWithAuth } from '../support/moto-with-auth.js';
import { labSshInputs, uniqueApp } from '../support/lab-host.js';

/**
 * pg-backup-to-spaces as the runner runs it (dist bundle), against a bot's compose database on the
 * lab host (over SSH) and the lab's S3 server.
 */
const app = uniqueApp('pgb');
const stack = new DatabaseStack(app);
let seeded: Record<string, string>;

beforeAll(() => {
  stack.up();
  stack.seed(1000);
  seeded = stack.checksums();
});
afterAll(() => stack.down());

/** Each test its own bucket, so listings only show what that test stored. */
async function bucketFor(name: string): Promise<LabBucket> {
  return new LabBucket(`${app}-${name}`.slice(0, 63)).create();
}

function inputs(bucket: LabBucket, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...labSshInputs(),
    app,
    'app-dir': `${lab.appRoot}/${app}`,
    database: stack.database,
    'db-user': stack.user,
    'spaces-endpoint': lab.s3.endpoint,
    'spaces-bucket': bucket.name,
    'spaces-prefix': 'backups',
    'spaces-access-key-id': lab.s3.accessKeyId,
    'spaces-secret-access-key': lab.s3.secretAccessKey,
    version: 'v1.0.0',
    ...extra,
  };
}

const run = (extra: Record<string, string>, bucket: LabBucket): Promise<ActionRun> => runDistAction('pg-backup-to-spaces', inputs(bucket, extra));
const folder = (): string => `backups/${app}/bot/`;
const failureLine = (result: ActionRun): string => {
  const line = result.log.split('\n').find((candidate) => candidate.startsWith('::error::')) ?? '';
  if (process.env.SHOW_FAILURES) console.log(line);
  return line;
};
const scratchDatabases = (): string[] => stack.databases().filter((name) => /_(restore|verify)_/.test(name));

test('a backup streams, verifies and restores over a dropped database: every row comes back', async () => {
  const bucket = await bucketFor('roundtrip');
  const backup = await run({}, bucket);
  expect(backup.code).toBe(0);
  const key = backup.outputs.key ?? '';
  expect(key).toMatch(new RegExp(`^${folder()}\\d{8}T\\d{6}Z-v1\\.0\\.0\\.dump\\.zst$`));
  expect(backup.outputs.verified).toBe('true');
  const object = await bucket.get(key);
  expect(backup.outputs.size).toBe(String(object.length));
  expect(backup.outputs.sha256).toBe(createHash('sha256').update(object).digest('hex'));
  const manifest = JSON.parse((await bucket.get(`${key}.manifest.json`)).toString()) as Record<string, unknown>;
  expect(manifest).toMatchObject({
    app,
    database: 'bot',
    format: 'custom',
    compression: 'zstd',
    sha256: backup.outputs.sha256,
    objectBytes: object.length,
    appVersion: 'v1.0.0',
    gitSha: '0123456789abcdef0123456789abcdef01234567',
    rowCounts: { 'public.users': 1000, 'public.messages': 3000, 'stats.daily counts': 100 },
    verified: { method: 'stream' },
  });
  expect(manifest.pgDumpVersion).toMatch(/^15\.\d+$/);
  expect(manifest.serverVersion).toMatch(/^15\.\d+/);
  expect(backup.summary).toContain('Verified');

  stack.sql('DROP DATABASE bot WITH (FORCE)', 'postgres');
  expect(stack.databases()).not.toContain('bot');
  const restore = await run({ mode: 'restore', confirm: 'bot' }, bucket);
  expect(restore.code).toBe(0);
  expect(restore.outputs.key).toBe(key);
  expect(stack.checksums()).toEqual(seeded);
  expect(scratchDatabases()).toEqual([]);
});

test('verify: restore restores into a scratch database, compares every row count, and drops it', async () => {
  const bucket = await bucketFor('verify');
  const backup = await run({ verify: 'restore', format: 'plain', compression: 'gzip' }, bucket);
  expect(backup.code).toBe(0);
  expect(backup.log).toContain('restoring it into a scratch database');
  const manifest = JSON.parse((await bucket.get(`${backup.outputs.key}.manifest.json`)).toString()) as { verified: { method: string }; format: string };
  expect(manifest).toMatchObject({ format: 'plain', verified: { method: 'restore' } });
  expect(scratchDatabases()).toEqual([]);
  expect(stack.checksums()).toEqual(seeded);
});

test('an encrypted backup is unreadable without its identity; a wrong identity restores nothing, the right one everything', async () => {
  const bucket = await bucketFor('age');
  const identity = await generateIdentity();
  const recipient = await identityToRecipient(identity);
  const backup = await run({ 'encrypt-recipients': recipient, 'decrypt-identity': identity }, bucket);
  expect(backup.code).toBe(0);
  expect(backup.outputs.key).toMatch(/\.dump\.zst\.age$/);
  expect(backup.log).not.toContain(identity);
  const object = await bucket.get(backup.outputs.key ?? '');
  expect(object.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
  expect(object.includes(Buffer.from('quoted'))).toBe(false);

  stack.sql("INSERT INTO users VALUES (424242, 'after the backup')");
  const changed = stack.checksums();
  const wrong = await run({ mode: 'restore', confirm: 'bot', 'decrypt-identity': await generateIdentity() }, bucket);
  expect(wrong.code).toBe(1);
  expect(failureLine(wrong)).toMatch(/Could not decrypt .*decrypt-identity/);
  expect(stack.checksums()).toEqual(changed);
  expect(scratchDatabases()).toEqual([]);

  const missing = await run({ mode: 'restore', confirm: 'bot' }, bucket);
  expect(failureLine(missing)).toMatch(/is encrypted \(age\): give its identity/);

  const right = await run({ mode: 'restore', confirm: 'bot', 'decrypt-identity': identity }, bucket);
  expect(right.code).toBe(0);
  expect(stack.checksums()).toEqual(seeded);
});

test('a damaged object fails its restore before the database is touched', async () => {
  const bucket = await bucketFor('damaged');
  const backup = await run({ verify: 'none', compression: 'none' }, bucket);
  expect(backup.code).toBe(0);
  const key = backup.outputs.key ?? '';
  const object = await bucket.get(key);
  // One flipped byte deep in the data: the archive may still parse; the SHA-256 must catch it.
  const at = Math.floor(object.length * 0.7);
  object.writeUInt8((object.readUInt8(at) ^ 0x20) & 0xff, at);
  await bucket.put(key, object);
  stack.sql("INSERT INTO users VALUES (434343, 'written after the backup')");
  const before = stack.checksums();
  const restore = await run({ mode: 'restore', confirm: 'bot' }, bucket);
  expect(restore.code).toBe(1);
  expect(failureLine(restore)).toMatch(/does not match its manifest .*damaged; nothing was restored/);
  expect(stack.checksums()).toEqual(before);
  expect(scratchDatabases()).toEqual([]);
  stack.sql('DELETE FROM users WHERE id = 434343');
});

test('restore needs confirm set to the database name and touches nothing without it', async () => {
  const bucket = await bucketFor('confirm');
  const result = await run({ mode: 'restore', confirm: 'production' }, bucket);
  expect(result.code).toBe(1);
  expect(failureLine(result)).toContain('set input `confirm` to "bot"');
  expect(result.log).not.toContain('Connected to');
});

test('pg_dump dying mid-stream stores nothing: the upload is aborted and no part is left', async () => {
  const bucket = await bucketFor('dumpdies');
  stack.grow(48);
  try {
    let terminated = '';
    const killer = (async () => {
      for (let attempt = 0; attempt < 200 && terminated === ''; attempt += 1) {
        terminated = stack.sql("SELECT string_agg(pg_terminate_backend(pid)::text, ',') FROM pg_stat_activity WHERE application_name = 'pg_dump' AND state = 'active'", 'postgres');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const result = await run({ compression: 'none', verify: 'none', 'part-size-mib': '5' }, bucket);
    await killer;
    expect(terminated).toContain('true');
    expect(result.code).toBe(1);
    expect(failureLine(result)).toMatch(/pg_dump of bot .* failed with exit code \d+: .*; no backup was stored\./);
    expect(await bucket.keys()).toEqual([]);
    expect(await bucket.pendingUploads()).toEqual([]);
  } finally {
    stack.sql('DROP TABLE bulk');
  }
});

test('a store failing mid-upload aborts the multipart upload: nothing is listed, no part is left', async () => {
  const bucket = await bucketFor('storefails');
  stack.grow(24);
  const proxy = new FailingS3Proxy(new URL(lab.s3.endpoint), 2);
  const endpoint = await proxy.start();
  try {
    const result = await run({ compression: 'none', verify: 'none', 'part-size-mib': '5', 'spaces-endpoint': endpoint }, bucket);
    expect(result.code).toBe(1);
    expect(failureLine(result)).toMatch(/^::error::The store at http:\/\/127\.0\.0\.1:\d+ failed on ".*\.dump" with HTTP 500 \(InternalError: .*\), also when retried: it is having trouble; re-run the job later\.$/);
    expect(proxy.seen).toContain('PUT part 1');
    expect(proxy.seen).toContain('DELETE upload');
    expect(await bucket.keys()).toEqual([]);
    expect(await bucket.pendingUploads()).toEqual([]);
    // The database is the same as before, and the deploy lock was given back.
    const again = await run({ verify: 'none' }, bucket);
    expect(again.code).toBe(0);
  } finally {
    await proxy.stop();
    stack.sql('DROP TABLE bulk');
  }
});

test('a backup killed mid-upload: the post step gives the lock back, pg_dump ends, and the next backup aborts the dead upload', async () => {
  const bucket = await bucketFor('killed');
  stack.grow(48);
  try {
    const main = await runDistAction('pg-backup-to-spaces', inputs(bucket, { compression: 'none', verify: 'none', 'part-size-mib': '5' }), {
      killAt: { line: /^Uploaded /, signal: 'SIGKILL' },
    });
    expect(main.code).not.toBe(0);
    expect(existsSync(`${lab.appRoot}/${app}/.lock`)).toBe(true);
    const post = await runDistAction('pg-backup-to-spaces', inputs(bucket), { postOf: main });
    expect(post.code).toBe(0);
    expect(existsSync(`${lab.appRoot}/${app}/.lock`)).toBe(false);
    // Its SSH session is gone, so the dump's output has nowhere to go and pg_dump stops.
    let dumping = '1';
    for (let attempt = 0; attempt < 50 && dumping !== '0'; attempt += 1) {
      dumping = stack.sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pg_dump'", 'postgres');
      if (dumping !== '0') await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(dumping).toBe('0');
    expect(await bucket.keys()).toEqual([]);
    const dead = await bucket.pendingUploads();
    expect(dead).toHaveLength(1);

    const next = await run({ verify: 'none', 'lock-timeout': '5s' }, bucket);
    expect(next.code).toBe(0);
    expect(next.log).toContain(`Aborted the unfinished upload of ${dead[0]}`);
    expect(await bucket.pendingUploads()).toEqual([]);
    expect(await bucket.keys()).toHaveLength(2);
  } finally {
    stack.sql('DROP TABLE bulk');
  }
});

test('list, check and prune: a table of backups, freshness, and grandfather-father-son retention that never deletes the newest', async () => {
  const bucket = await bucketFor('retention');
  for (const version of ['v1', 'v2', 'v3']) expect((await run({ version, verify: 'none' }, bucket)).code).toBe(0);
  // An incomplete backup from last year: its dump arrived, its manifest never did.
  await bucket.put(`${folder()}20251130T000000Z-v0.dump.zst`, 'partial');
  const list = await run({ mode: 'list' }, bucket);
  expect(list.code).toBe(0);
  expect(list.log).toMatch(/backup\s+size\s+age\s+release\s+state/);
  expect(list.log).toMatch(/-v3\.dump\.zst\s+\S+ \S+\s+\S+\s+v3\s+not verified/);
  expect(list.log).toMatch(/20251130T000000Z-v0\.dump\.zst\s+7 B\s+\S+\s+incomplete/);
  expect(list.outputs.key).toMatch(/-v3\.dump\.zst$/);

  expect((await run({ mode: 'check', 'max-age': '1h' }, bucket)).code).toBe(0);
  await new Promise((resolve) => setTimeout(resolve, 2100));
  const stale = await run({ mode: 'check', 'max-age': '1s' }, bucket);
  expect(stale.code).toBe(1);
  expect(failureLine(stale)).toMatch(/older than max-age 1\.0s: backups have stopped/);

  const dry = await run({ mode: 'prune', keep: 'last=1', 'dry-run': 'true' }, bucket);
  expect(dry.code).toBe(0);
  expect(dry.outputs.deleted).toBe('3');
  expect((await bucket.keys()).length).toBe(7);
  const prune = await run({ mode: 'prune', keep: 'last=1' }, bucket);
  expect(prune.code).toBe(0);
  expect(prune.outputs.deleted).toBe('3');
  const left = await bucket.keys();
  expect(left).toHaveLength(2);
  expect(left.every((key) => /-v3\.dump\.zst(\.manifest\.json)?$/.test(key))).toBe(true);
});

test('"latest" is the newest backup past 1,000 objects', async () => {
  const bucket = await bucketFor('thousand');
  const old = Array.from({ length: 1005 }, (_, i) => `${folder()}2025${String(1 + Math.floor(i / 28) % 12).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}0000Z-old${i}.dump.zst`);
  for (let at = 0; at < old.length; at += 50) await Promise.all(old.slice(at, at + 50).flatMap((key) => [bucket.put(key, 'x'), bucket.put(`${key}.manifest.json`, '{}')]));
  const backup = await run({ verify: 'none' }, bucket);
  expect(backup.code).toBe(0);
  const check = await run({ mode: 'check', 'max-age': '1h' }, bucket);
  expect(check.code).toBe(0);
  expect(check.outputs.key).toBe(backup.outputs.key);
});

test('a managed database by URL: the runner\'s pg_dump, the password never in the log', async () => {
  const bucket = await bucketFor('url');
  const database = app.replace(/-/g, '_');
  const admin = `postgres://postgres:${lab.postgres.password}@127.0.0.1:${lab.postgres.port}`;
  // The lab's own PostgreSQL on the host plays the managed database.
  const psql = (sqlText: string, db = 'postgres'): void => {
    execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', `${admin}/${db}`], { input: sqlText });
  };
  psql(`CREATE DATABASE ${database}`);
  try {
    psql("CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes SELECT g, 'note ' || g FROM generate_series(1, 250) g;", database);
    const url = `${admin}/${database}?sslmode=disable`;
    const backup = await runDistAction('pg-backup-to-spaces', { ...inputs(bucket, { source: 'url', 'database-url': url, verify: 'restore' }), database: '' });
    expect(backup.code).toBe(0);
    expect(backup.log).not.toContain(lab.postgres.password);
    expect(backup.masks).toContain(lab.postgres.password);
    const manifest = JSON.parse((await bucket.get(`${backup.outputs.key}.manifest.json`)).toString()) as { rowCounts: Record<string, number>; database: string };
    expect(manifest).toMatchObject({ database, rowCounts: { 'public.notes': 250 } });
  } finally {
    psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
});

test('bad input fails in one sentence and touches nothing: missing bucket, prune without prefix, encryption without identity to verify', async () => {
  const bucket = new LabBucket(`${app}-missing`);
  const missing = await run({}, bucket);
  expect(missing.code).toBe(1);
  expect(failureLine(missing)).toContain(bucket.name);
  expect(missing.log).not.toContain('Dumping database');

  const existing = await bucketFor('badinput');
  const prune = await run({ mode: 'prune', keep: 'last=3', 'spaces-prefix': '' }, existing);
  expect(failureLine(prune)).toContain('`spaces-prefix` must be set');
  const verify = await run({ 'encrypt-recipients': await identityToRecipient(await generateIdentity()) }, existing);
  expect(failureLine(verify)).toContain('needs `decrypt-identity`');
  expect(await existing.keys()).toEqual([]);
  expect(stack.checksums()).toEqual(seeded);
});

test('wrong Spaces credentials fail in one sentence before the database is touched, and the secret is never printed', async () => {
  const moto = await MotoWithAuth.start();
  try {
    const writer = await moto.createUser('writer', true);
    const client = { name: 'auth-bucket' };
    const owner = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: writer });
    await owner.send(new CreateBucketCommand({ Bucket: client.name }));
    owner.destroy();
    await moto.enforceAuth();
    const base = { 'spaces-endpoint': moto.endpoint, 'spaces-bucket': client.name };
    const wrongSecret = `${writer.secretAccessKey.slice(0, -4)}XXXX`;
    const result = await runDistAction('pg-backup-to-spaces', inputs(new LabBucket(client.name), { ...base, 'spaces-access-key-id': writer.accessKeyId, 'spaces-secret-access-key': wrongSecret }));
    expect(result.code).toBe(1);
    expect(failureLine(result)).toContain('check that the spaces-secret-access-key input is the secret of the key in spaces-access-key-id');
    expect(result.log).not.toContain(wrongSecret);
    expect(result.log).not.toContain('Dumping database');
    const right = await runDistAction('pg-backup-to-spaces', inputs(new LabBucket(client.name), { ...base, 'spaces-access-key-id': writer.accessKeyId, 'spaces-secret-access-key': writer.secretAccessKey, verify: 'none' }));
    expect(right.code).toBe(0);
  } finally {
    await moto.stop();
  }
});
