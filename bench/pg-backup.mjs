// pg-backup-to-spaces against its ceiling and the usual backup script, measured side by side in one
// run on one generated bot database of BENCH_PG_GB GiB (default 1) in a compose stack on the lab
// host: time, throughput, the runner's peak RSS and disk writes, the stored size, and the restore
// time. Also where compression should run: in the database container (pg_dump -Z6) or on the
// runner (the action's zstd and gzip stages), against no compression at all. BENCH_PG_RUNS rounds
// (default 1) repeat the backups, for a median on a host that other work shares.
import { S3Client, CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { printTable } from './table.mjs';

const root = new URL('..', import.meta.url).pathname;
const labDir = join(root, '.lab');
const gib = Number(process.env.BENCH_PG_GB ?? 1);
const runs = Number(process.env.BENCH_PG_RUNS ?? 1);
const project = `bench-pgb-${Date.now().toString(36)}`;
const bucket = project;
const appDir = `/srv/bot-deploy-lab/${project}`;
const work = mkdtempSync(join(tmpdir(), `${project}-`));
const s3 = { endpoint: 'http://127.0.0.1:9000', accessKeyId: 'lab', secretAccessKey: 'lab-s3-secret', region: 'us-east-1' };
const MB = 1e6;

// ---- the host: shell, the database container, disk counters

const sh = (line, options = {}) => execFileSync('bash', ['-c', line], { encoding: 'utf8', maxBuffer: 64 * MB, ...options });
const shQuote = (value) => `'${String(value).replaceAll("'", "'\\''")}'`;
let container = '';

function psql(sql, database = 'bot') {
  return execFileSync('docker', ['exec', '-i', container, 'psql', '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-U', 'bot', '-d', database], { input: sql, encoding: 'utf8', stdio: 'pipe' }).trim();
}

/** The block devices holding /tmp (the script's temp file, moto's spool) and /var/lib/docker (the database). */
const devices = [...new Set(['/tmp', '/var/lib/docker'].map((path) => sh(`findmnt -no MAJ:MIN -T ${path}`).trim()))];

/** Sectors (512 bytes) written to those devices since boot, from /proc/diskstats. */
function sectorsWritten() {
  let sectors = 0;
  for (const line of readFileSync('/proc/diskstats', 'utf8').split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (devices.includes(`${fields[0]}:${fields[1]}`)) sectors += Number(fields[9]);
  }
  return sectors;
}

/** The lab S3 (moto) spools every object or part above 5 MiB to a temp file: its own writes explain part of the host's. */
const motoPid = Number(/pid=(\d+)/.exec(sh("ss -ltnpH 'sport = :9000'"))?.[1] ?? 0);
function motoWrites() {
  if (!motoPid) return NaN;
  const io = Object.fromEntries(readFileSync(`/proc/${motoPid}/io`, 'utf8').trim().split('\n').map((line) => line.split(': ')).map(([k, v]) => [k, Number(v)]));
  return io.write_bytes - io.cancelled_write_bytes;
}

/** GNU time's report of one wrapped process: peak RSS (KiB) and file system outputs (512-byte blocks it dirtied). */
function timeReport(file) {
  const [rssKiB, blocks] = readFileSync(file, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  return { rssBytes: rssKiB * 1024, writtenBytes: blocks * 512 };
}

/**
 * Runs `step` between two `sync`s: its wall time (the syncs are not timed), and what reached the
 * host's disk meanwhile, all writers together, with moto's own share.
 */
async function measured(step) {
  sh('sync');
  const sectors = sectorsWritten();
  const moto = motoWrites();
  const started = process.hrtime.bigint();
  const result = await step();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  sh('sync');
  return { ...result, seconds, hostWrites: (sectorsWritten() - sectors) * 512, motoWrites: motoWrites() - moto };
}

// ---- the compose stack

function composeFile() {
  const file = join(work, 'compose.yml');
  writeFileSync(
    file,
    [
      'services:',
      '  db:',
      '    image: 127.0.0.1:5000/sample/postgres:15',
      '    environment:',
      '      POSTGRES_USER: bot',
      '      POSTGRES_PASSWORD: bench-db-secret',
      '      POSTGRES_DB: bot',
      '    labels:',
      '      dev.bot-deploy.lab: "true"',
      `      dev.bot-deploy.app: ${project}`,
      '    volumes: [pgdata:/var/lib/postgresql/data]',
      'volumes:',
      '  pgdata:',
      '',
    ].join('\n'),
  );
  return file;
}

const compose = (...args) => execFileSync('docker', ['compose', '-p', project, '-f', join(work, 'compose.yml'), ...args], { stdio: 'pipe' });

function stackUp() {
  composeFile();
  compose('up', '-d', '--quiet-pull');
  container = sh(`docker ps -q --filter label=com.docker.compose.project=${project} --filter label=com.docker.compose.service=db`).trim();
  // The image's first start runs a socket-only server to create the database, then restarts: ready
  // means answering on TCP.
  for (let attempt = 0; attempt < 120; attempt += 1) {
    try {
      execFileSync('docker', ['exec', container, 'pg_isready', '-q', '-h', '127.0.0.1', '-U', 'bot'], { stdio: 'ignore' });
      psql('SELECT 1');
      return;
    } catch {
      execFileSync('sleep', ['0.5']);
    }
  }
  throw new Error('The benchmark database did not start.');
}

function stackDown() {
  spawnSync('docker', ['compose', '-p', project, '-f', join(work, 'compose.yml'), 'down', '-v', '--remove-orphans'], { stdio: 'ignore' });
  spawnSync('bash', ['-c', `docker ps -aq --filter label=dev.bot-deploy.app=${project} | xargs -r docker rm -fv; docker volume ls -q --filter label=com.docker.compose.project=${project} | xargs -r docker volume rm`], { stdio: 'ignore' });
}

// ---- the data: a bot's users, chats, messages (chat-like text, partly random) and raw updates (jsonb)

const PHRASES = [
  'hi', 'hello!', '/start', '/help', '/settings', 'thanks', 'thank you so much', 'ok', 'okay', 'yes', 'no', 'lol',
  'good morning everyone', 'good night', 'how are you?', 'what is the weather today?', 'remind me in 10 minutes',
  'send me the daily report', 'can you translate this to German please', 'the bot is not answering again',
  'I did not get the confirmation code', 'please cancel my subscription', 'where is my order #', 'see you tomorrow',
  'that is awesome 🎉', 'haha 😂', '👍', 'ping', 'pong', 'subscribe', 'unsubscribe', 'set language en', 'set language ru',
  'what can you do?', 'show my balance', 'top up 10 EUR', 'history', 'next page', 'previous page', 'back to menu',
];
const phraseArray = `ARRAY[${PHRASES.map((p) => `'${p.replaceAll("'", "''")}'`).join(',')}]::text[]`;

const SCHEMA = `
CREATE TABLE users (id bigint PRIMARY KEY, telegram_id bigint NOT NULL, username text, first_name text NOT NULL,
  language_code text, joined_at timestamptz NOT NULL, settings jsonb NOT NULL DEFAULT '{}');
CREATE TABLE chats (id bigint PRIMARY KEY, kind text NOT NULL, title text);
CREATE TABLE messages (id bigserial PRIMARY KEY, chat_id bigint NOT NULL, user_id bigint NOT NULL, sent_at timestamptz NOT NULL,
  body text NOT NULL, meta jsonb NOT NULL);
CREATE TABLE updates (id bigserial PRIMARY KEY, received_at timestamptz NOT NULL, payload jsonb NOT NULL);
`;

function seedUsersAndChats(users, chats) {
  psql(`
    INSERT INTO users SELECT g, 100000000 + g * 7, CASE WHEN g % 3 = 0 THEN NULL ELSE 'user_' || g END, 'User ' || g,
      (ARRAY['en','ru','de','es','pt','uk'])[1 + g % 6], timestamptz '2024-01-01' + g * interval '37 seconds',
      jsonb_build_object('notifications', g % 2 = 0, 'tz', 'Europe/Berlin', 'plan', (ARRAY['free','pro','team'])[1 + g % 3])
    FROM generate_series(1, ${users}) g;
    INSERT INTO chats SELECT g, CASE WHEN g % 10 = 0 THEN 'group' ELSE 'private' END, CASE WHEN g % 10 = 0 THEN 'Group chat ' || g END
    FROM generate_series(1, ${chats}) g;`);
}

/**
 * `rows` messages (half chat phrases, some with a number, half random base64; a fifth with a photo's random file_id) and a quarter as many raw updates. Messages with
 * ids from `from`; two sessions at a time, one per core.
 */
function seedMessages(from, rows, users, chats) {
  const half = Math.ceil(rows / 2);
  const batch = (start, count) => `
    INSERT INTO messages (id, chat_id, user_id, sent_at, body, meta)
    SELECT g, 1 + (g * 7919) % ${chats}, 1 + (g * 104729) % ${users}, timestamptz '2025-01-01' + g * interval '3 seconds',
      CASE WHEN g % 2 = 0
        THEN (${phraseArray})[(1 + (g * 31) % ${PHRASES.length})::int] || CASE WHEN g % 3 = 0 THEN ' ' || (${phraseArray})[(1 + (g * 17) % ${PHRASES.length})::int] ELSE '' END
          || CASE WHEN g % 5 = 0 THEN ' ' || (random() * 1e9)::bigint ELSE '' END
        ELSE repeat(encode(sha256(random()::text::bytea), 'base64'), (1 + g % 3)::int) END,
      jsonb_build_object('message_id', g, 'edited', g % 17 = 0, 'reply_to', CASE WHEN g % 4 = 0 THEN g - 1 END,
        'entities', CASE WHEN g % 5 = 0 THEN '[{"type":"bot_command","offset":0,"length":6}]'::jsonb ELSE '[]'::jsonb END,
        'photo_file_id', CASE WHEN g % 5 = 1 THEN 'AgACAgIAAxkBAAI' || translate(encode(sha256(random()::text::bytea) || sha256(g::text::bytea), 'base64'), '+/=', '-_') END)
    FROM generate_series(${start}::bigint, ${start + count - 1}) g;
    INSERT INTO updates (id, received_at, payload)
    SELECT g, timestamptz '2025-01-01' + g * interval '12 seconds', jsonb_build_object('update_id', 500000000 + g, 'message', jsonb_build_object(
      'message_id', g, 'date', 1735689600 + g * 12, 'text', (${phraseArray})[(1 + (g * 13) % ${PHRASES.length})::int],
      'from', jsonb_build_object('id', 100000000 + (g % ${users}) * 7, 'is_bot', false, 'first_name', 'User ' || g % ${users}, 'language_code', 'en'),
      'chat', jsonb_build_object('id', 1 + g % ${chats}, 'type', 'private')))
    FROM generate_series(${start}::bigint, ${start + Math.ceil(count / 4) - 1}) g;`;
  return Promise.all([batch(from, half), batch(from + half, rows - half)].map((sql) => new Promise((resolve, reject) => {
    const child = spawn('docker', ['exec', '-i', container, 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-U', 'bot', '-d', 'bot'], { stdio: ['pipe', 'ignore', 'inherit'] });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`seeding failed with ${code}`))));
    child.stdin.end(sql);
  })));
}

const databaseBytes = () => Number(psql("SELECT pg_database_size('bot')"));

async function generate(targetBytes) {
  const users = Math.round(200_000 * gib);
  const chats = Math.round(20_000 * gib);
  psql(SCHEMA);
  seedUsersAndChats(users, chats);
  // Measure what a message costs on a first slice, fill to ~92% unindexed, index, then top up in
  // small steps so the database ends just above the target.
  const base = databaseBytes();
  let next = 1;
  let rows = Math.round(250_000 * gib);
  await seedMessages(next, rows, users, chats);
  next += rows;
  const perMessage = (databaseBytes() - base) / rows;
  rows = Math.max(0, Math.floor((0.92 * targetBytes - databaseBytes()) / perMessage));
  await seedMessages(next, rows, users, chats);
  next += rows;
  log(`  ${next - 1} messages (${perMessage.toFixed(0)} bytes each): ${mb(databaseBytes())} MB; indexing`);
  // A parallel index build or vacuum shares memory through /dev/shm, which Docker caps at 64 MiB.
  const serial = 'SET max_parallel_maintenance_workers = 0;';
  psql(`${serial} CREATE INDEX messages_chat_sent ON messages (chat_id, sent_at); CREATE INDEX users_telegram ON users (telegram_id);`);
  for (let size = databaseBytes(); size < targetBytes; size = databaseBytes()) {
    rows = Math.max(20_000, Math.ceil((targetBytes - size) / (perMessage + 40)));
    await seedMessages(next, rows, users, chats);
    next += rows;
    log(`  +${rows} messages`);
  }
  log(`  ${mb(databaseBytes())} MB; VACUUM (FREEZE, ANALYZE)`);
  // Frozen, with hint bits set and everything on disk: a later read writes nothing, so each row's
  // disk writes are its own.
  psql(`${serial} VACUUM (FREEZE, ANALYZE); CHECKPOINT;`);
}

// ---- the bucket

const client = new S3Client({
  region: s3.region,
  endpoint: s3.endpoint,
  forcePathStyle: true,
  credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});

async function deleteObjects(prefix = '') {
  for (;;) {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    const keys = (page.Contents ?? []).map((object) => ({ Key: object.Key }));
    if (keys.length === 0) return;
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
  }
}

// ---- the subjects

/** The defaults action.yml declares: the runner passes them for inputs left out. */
const defaults = Object.fromEntries(
  Object.entries(YAML.parse(readFileSync(join(root, 'pg-backup-to-spaces/action.yml'), 'utf8')).inputs).flatMap(([name, spec]) => (spec.default === undefined ? [] : [[name, String(spec.default)]])),
);
const knownHosts = ['ssh_host_ed25519_key.pub', 'ssh_host_rsa_key.pub']
  .map((file) => `[127.0.0.1]:2222 ${readFileSync(join(labDir, 'sshd', file), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ')}`)
  .join('\n');

/**
 * The bundle as the runner runs it (INPUT_* variables over action.yml's defaults, GITHUB_OUTPUT),
 * under GNU time for its peak RSS and the blocks it dirtied. `stream` is the time from its
 * "Dumping database" line to its "Stored" line: the dump itself, without connecting and counting rows.
 */
async function runAction(extra) {
  const dir = mkdtempSync(join(work, 'run-'));
  const inputs = {
    ...defaults,
    host: '127.0.0.1', port: '2222', user: 'deploy', 'private-key': readFileSync(join(labDir, 'keys/id_ed25519'), 'utf8'), 'known-hosts': knownHosts,
    app: project, 'app-dir': appDir, database: 'bot', 'db-user': 'bot',
    'spaces-endpoint': s3.endpoint, 'spaces-bucket': bucket, 'spaces-prefix': 'backups', 'spaces-access-key-id': s3.accessKeyId, 'spaces-secret-access-key': s3.secretAccessKey,
    version: 'bench',
    ...extra,
  };
  const env = {
    PATH: process.env.PATH, HOME: process.env.HOME ?? dir, GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: root, RUNNER_TEMP: dir,
    GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STEP_SUMMARY: join(dir, 'summary'), GITHUB_STATE: join(dir, 'state'), GITHUB_ENV: join(dir, 'env'),
    GITHUB_REPOSITORY: 'acme/sample-bot', GITHUB_RUN_ID: '1', GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  };
  for (const file of ['output', 'summary', 'state', 'env']) writeFileSync(join(dir, file), '');
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const child = spawn('/usr/bin/time', ['-f', '%M %O', '-o', join(dir, 'time'), process.execPath, join(root, 'dist/pg-backup-to-spaces/index.js')], { cwd: root, env });
  let log = '';
  const marks = {};
  const started = process.hrtime.bigint();
  const onData = (chunk) => {
    const now = Number(process.hrtime.bigint() - started) / 1e9;
    const text = chunk.toString();
    log += text;
    if (marks.dumping === undefined && text.includes('Dumping database')) marks.dumping = now;
    if (marks.stored === undefined && /^Stored /m.test(text)) marks.stored = now;
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`pg-backup-to-spaces ${JSON.stringify(extra)} failed (${code}):\n${log.split('\n').filter((l) => !l.startsWith('::add-mask::')).slice(-30).join('\n')}`);
  const outputs = Object.fromEntries([...readFileSync(join(dir, 'output'), 'utf8').matchAll(/^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)].map((m) => [m[1], m[3]]));
  return { ...timeReport(join(dir, 'time')), outputs, stream: marks.stored !== undefined && marks.dumping !== undefined ? marks.stored - marks.dumping : undefined, objectBytes: Number(outputs.size) };
}

/** pg_dump inside the container to nowhere (or counted by wc -c): what the database can give at all. */
function inContainerDump(args, count) {
  const line = `pg_dump -U bot ${args} -d bot ${count ? '| wc -c' : '> /dev/null'}`;
  const out = execFileSync('docker', ['exec', container, 'sh', '-c', line], { encoding: 'utf8' }).trim();
  return count ? Number(out) : undefined;
}

/**
 * The pieces of the action's path, each alone, to see where its time goes: pg_dump's bytes carried
 * by `docker exec` to the host, by OpenSSH from the lab host, and through Node's zstd and gzip streams
 * with the action's settings. Each ends in `wc -c`; a wrong byte count means a broken pipe.
 */
const NODE_COMPRESS = `import { constants, createGzip, createZstdCompress } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
const stage = process.argv[1] === 'zstd' ? createZstdCompress({ params: { [constants.ZSTD_c_compressionLevel]: 3, [constants.ZSTD_c_checksumFlag]: 1 } }) : createGzip();
await pipeline(process.stdin, stage, process.stdout);`;
function pathPiece(consumer) {
  const dump = `docker exec ${container} pg_dump -U bot -Fc -Z0 -d bot`;
  const ssh = `ssh -p 2222 -i ${join(labDir, 'keys/id_ed25519')} -o UserKnownHostsFile=${join(work, 'known_hosts')} -o BatchMode=yes deploy@127.0.0.1`;
  const line = {
    'docker-exec': `${dump} | wc -c`,
    openssh: `${ssh} ${shQuote(dump)} | wc -c`,
    'node-zstd': `${dump} | ${shQuote(process.execPath)} --input-type=module -e ${shQuote(NODE_COMPRESS)} zstd | wc -c`,
    'node-gzip': `${dump} | ${shQuote(process.execPath)} --input-type=module -e ${shQuote(NODE_COMPRESS)} gzip | wc -c`,
  }[consumer];
  return { objectBytes: Number(sh(`set -o pipefail; ${line}`)) };
}

const awsEnv = { ...process.env, AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey, AWS_DEFAULT_REGION: s3.region, AWS_PAGER: '' };
const scriptKey = 'script/backup.sql.gz';

/**
 * The script found in bot repositories: `pg_dump -U bot bot | gzip > backup.sql.gz` (plain SQL, via
 * docker exec on the host), then `aws s3 cp` of the file, then rm. Each process under GNU time.
 */
function usualScript() {
  const file = join(work, 'backup.sql.gz');
  const t = (name) => `/usr/bin/time -f '%M %O' -o ${join(work, `${name}.time`)}`;
  sh(
    `set -euo pipefail
     ${t('docker')} docker exec ${container} pg_dump -U bot bot | ${t('gzip')} gzip > ${file}
     stat -c %s ${file} > ${join(work, 'tempsize')}
     ${t('aws')} aws s3 cp ${file} s3://${bucket}/${scriptKey} --endpoint-url ${s3.endpoint} --only-show-errors
     rm ${file}`,
    { env: awsEnv },
  );
  const processes = Object.fromEntries(['docker', 'gzip', 'aws'].map((name) => [name, timeReport(join(work, `${name}.time`))]));
  return {
    processes,
    rssBytes: Math.max(...Object.values(processes).map((p) => p.rssBytes)),
    writtenBytes: Object.values(processes).reduce((sum, p) => sum + p.writtenBytes, 0),
    tempBytes: Number(readFileSync(join(work, 'tempsize'), 'utf8')),
  };
}

/** Its restore: `aws s3 cp` to stdout | gunzip | psql, into a new database, in one transaction. */
function usualScriptRestore() {
  psql('CREATE DATABASE script_restore', 'postgres');
  sh(`set -euo pipefail
      aws s3 cp s3://${bucket}/${scriptKey} - --endpoint-url ${s3.endpoint} --only-show-errors | gunzip | docker exec -i ${container} psql -X -q -v ON_ERROR_STOP=1 --single-transaction -o /dev/null -U bot -d script_restore`, { env: awsEnv });
  return {};
}

const ensureAwsCli = () => {
  if (spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0) return;
  console.error('Installing the AWS CLI (Debian package awscli)...');
  sh('apt-get install -y -qq awscli >/dev/null || (apt-get update -qq && apt-get install -y -qq awscli >/dev/null)');
};

/** Rows per table in a database, for checking that a restore brought every row back. */
const rowCounts = (database) =>
  psql("SELECT string_agg(format('%s=%s', relname, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I', relname), false, true, '')))[1]), ',' ORDER BY relname) FROM pg_stat_user_tables", database);

// ---- the run

const log = (text) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${text}`);
const mb = (bytes) => (bytes / MB).toFixed(1);
const results = {};
let rawBytes = NaN;
let databaseSize = NaN;
let generationSeconds = NaN;
let identity = '';

ensureAwsCli();
try {
  log(`Starting compose project ${project}`);
  stackUp();
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  log(`Generating ${gib} GiB of bot data`);
  const generated = process.hrtime.bigint();
  await generate(gib * 2 ** 30);
  generationSeconds = Number(process.hrtime.bigint() - generated) / 1e9;
  databaseSize = databaseBytes();
  log(`Database bot: ${mb(databaseSize)} MB in ${generationSeconds.toFixed(0)} s`);
  // Also warms the page cache for every row alike.
  rawBytes = inContainerDump('-Fc -Z0', true);
  const originalCounts = rowCounts('bot');
  writeFileSync(join(work, 'known_hosts'), `${knownHosts}\n`);
  identity = await generateIdentity();
  const recipient = await identityToRecipient(identity);

  const backups = [
    ['ceiling', () => inContainerDump('-Fc -Z0', false)],
    ['in-container-z6', () => ({ objectBytes: inContainerDump('-Fc -Z6', true) })],
    ['script', usualScript],
    ['zstd', () => runAction({ verify: 'none' })],
    ['zstd-stream', () => runAction({})],
    ['age', () => runAction({ verify: 'none', 'encrypt-recipients': recipient })],
    ['age-stream', () => runAction({ 'encrypt-recipients': recipient, 'decrypt-identity': identity })],
    ['gzip', () => runAction({ verify: 'none', compression: 'gzip' })],
    ['none', () => runAction({ verify: 'none', compression: 'none' })],
    ['docker-exec', () => pathPiece('docker-exec')],
    ['openssh', () => pathPiece('openssh')],
    ['node-zstd', () => pathPiece('node-zstd')],
    ['node-gzip', () => pathPiece('node-gzip')],
  ];
  // Rounds start at a different row each, so drift (moto's memory, other work on the host) spreads
  // over the rows; each row reports its median-time sample.
  const samples = Object.fromEntries(backups.map(([name]) => [name, []]));
  const kept = {};
  for (let round = 0; round < runs; round += 1) {
    for (let i = 0; i < backups.length; i += 1) {
      const [name, step] = backups[(i + round * 4) % backups.length];
      log(`Backup: ${name}${runs > 1 ? ` (round ${round + 1} of ${runs})` : ''}`);
      const sample = await measured(step);
      sample.load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
      samples[name].push(sample);
      log(`  ${sample.seconds.toFixed(1)} s (load ${sample.load})`);
      // Only the newest objects the restores below read stay in moto's memory.
      const key = sample.outputs?.key;
      if (key === undefined) continue;
      if (name === 'zstd' || name === 'age') {
        if (kept[name]) await deleteObjects(kept[name]);
        kept[name] = key;
      } else await deleteObjects(key);
    }
  }
  for (const [name, list] of Object.entries(samples)) {
    const sorted = [...list].sort((a, b) => a.seconds - b.seconds);
    results[name] = { ...sorted[Math.floor((sorted.length - 1) / 2)], all: sorted.map((sample) => sample.seconds) };
  }
  // The restores come last: the action's replace `bot` with a copy that has the same rows, but
  // freshly written pages, which would make every later dump pay for hint bits.
  const restores = [
    ['script', usualScriptRestore, 'script_restore'],
    ['zstd', () => runAction({ mode: 'restore', confirm: 'bot', 'restore-key': kept.zstd }), 'bot'],
    ['age', () => runAction({ mode: 'restore', confirm: 'bot', 'restore-key': kept.age, 'decrypt-identity': identity }), 'bot'],
  ];
  for (const [name, step, database] of restores) {
    log(`Restore: ${name}`);
    try {
      results[name].restore = await measured(step);
      results[name].restoreMatches = rowCounts(database) === originalCounts;
    } catch (error) {
      // A failed restore is a finding to print, not a reason to lose the other rows.
      results[name].restoreError = String(error.message).split('\n').filter((l) => l.includes('rror')).slice(0, 2).join(' ') || String(error.message).slice(0, 300);
      console.error(error.message);
    }
  }
  psql('DROP DATABASE IF EXISTS script_restore', 'postgres');
} finally {
  await deleteObjects().catch((error) => console.error(`Could not empty bucket ${bucket}: ${error}`));
  await client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
  stackDown();
  spawnSync('bash', ['-c', `rm -rf ${shQuote(appDir)}`], { stdio: 'ignore' });
  rmSync(work, { recursive: true, force: true });
}

// ---- the tables

const r = results;
const throughput = (row) => rawBytes / MB / row.seconds;
const rss = (row) => (row.rssBytes === undefined ? 'n/a' : `${mb(row.rssBytes)}`);
const restoreCell = (row) => (row.restoreError ? 'FAILED (below)' : row.restore ? `${row.restore.seconds.toFixed(1)}${row.restoreMatches ? '' : ' (rows differ!)'}` : '—');
const timeCell = (row) => (row.all.length > 1 ? `${row.seconds.toFixed(1)} (${row.all[0].toFixed(1)}–${row.all.at(-1).toFixed(1)})` : row.seconds.toFixed(1));
const line = (label, row, extra = {}) => [
  label,
  timeCell(row),
  throughput(row).toFixed(1),
  extra.rss ?? rss(row),
  row.writtenBytes === undefined ? 'n/a' : mb(row.writtenBytes),
  `${mb(row.hostWrites)} (moto ${mb(row.motoWrites)})`,
  row.objectBytes === undefined || Number.isNaN(row.objectBytes) ? '—' : mb(row.objectBytes),
  restoreCell(row),
  row.load,
];
const header = ['subject', runs > 1 ? `time s, median (min–max of ${runs})` : 'time s', 'MB/s of raw dump', 'peak RSS MB', 'runner writes MB', 'host disk writes MB', 'stored MB', 'restore s', 'load1'];
const scriptRss = Object.entries(r.script.processes).map(([name, p]) => `${name} ${mb(p.rssBytes)}`).join(', ');

printTable(
  `pg-backup-to-spaces on a ${mb(databaseSize)} MB bot database (pg_database_size; raw pg_dump -Fc -Z0 ${mb(rawBytes)} MB; generated in ${generationSeconds.toFixed(0)} s), same run, ${new Date().toISOString().slice(0, 10)}`,
  header,
  [
    line('(1) ceiling: pg_dump -Fc -Z0 > /dev/null in the db container', r.ceiling, { rss: 'n/a' }),
    line(`(2) script: docker exec pg_dump | gzip > file; aws s3 cp; rm (temp file ${mb(r.script.tempBytes)} MB)`, r.script, { rss: `${mb(r.script.rssBytes)} (${scriptRss})` }),
    line('(3) pg-backup-to-spaces, zstd, verify: none', r.zstd),
    line('(3s) pg-backup-to-spaces, zstd, verify: stream (default)', r['zstd-stream']),
    line('(4) pg-backup-to-spaces, zstd + age, verify: none', r.age),
    line('(4s) pg-backup-to-spaces, zstd + age, verify: stream', r['age-stream']),
  ],
);

printTable(
  'Where compression runs: in the database container (pg_dump -Z6, its own gzip) or on the runner (the action, verify: none)',
  header,
  [
    line('pg_dump -Fc -Z6 | wc -c in the db container', r['in-container-z6'], { rss: 'n/a' }),
    line('pg-backup-to-spaces, compression: zstd (level 3)', r.zstd),
    line('pg-backup-to-spaces, compression: gzip', r.gzip),
    line('pg-backup-to-spaces, compression: none', r.none),
  ],
);

printTable(
  "Where the action's time goes: pieces of its path alone (pg_dump -Fc -Z0 in the db container, bytes counted by wc -c on the host)",
  ['piece', header[1], 'MB/s of raw dump', 'bytes out MB', 'load1'],
  [
    ['docker exec pg_dump | wc -c (the container to the host)', r['docker-exec']],
    ['ssh deploy@lab docker exec pg_dump | wc -c (OpenSSH, as the action reaches it)', r.openssh],
    ["docker exec pg_dump | node zlib zstd level 3 + checksum (the action's stage) | wc -c", r['node-zstd']],
    ['docker exec pg_dump | node zlib gzip (default level 6) | wc -c', r['node-gzip']],
  ].map(([label, row]) => [label, timeCell(row), throughput(row).toFixed(1), mb(row.objectBytes), row.load]),
);

const actionRows = ['zstd', 'zstd-stream', 'age', 'age-stream', 'gzip', 'none'];
const streamNote = actionRows.map((name) => `${name} ${r[name].stream?.toFixed(1) ?? '?'} of ${r[name].seconds.toFixed(1)} s`).join(', ');
console.log(`
Throughput is the raw dump (pg_dump -Fc -Z0, ${mb(rawBytes)} MB) over each row's time, so rows compare. MB = 10^6 bytes.
Peak RSS: the node process running the bundle (GNU time); for the script each process's (gzip, aws CLI, the docker CLI that carries the dump); n/a for pg_dump inside the container.
Runner writes: bytes the runner's processes dirtied on a file system (GNU time's file system outputs × 512), temp files included even when deleted before they reach the disk; the action's include its GITHUB_OUTPUT and summary files.
Host disk writes: /proc/diskstats sectors written to ${devices.join(', ')} (the device of /tmp and /var/lib/docker) between a sync before and after the row, every process on the host included; moto, the lab's S3, spools objects and parts over 5 MiB to temp files (its write_bytes minus cancelled_write_bytes is shown).
Verify stream costs ${(r['zstd-stream'].seconds - r.zstd.seconds).toFixed(1)} s (zstd) and ${(r['age-stream'].seconds - r.age.seconds).toFixed(1)} s (zstd + age) over verify: none.
From the action's "Dumping database" line to its "Stored" line (the dump streaming to the store, without starting, connecting, locking, counting rows or verifying): ${streamNote}.
load1: the host's 1-minute load average when the row ended (2 cores here): the bench's own processes count; well above 3 means other work shared the CPU.
Restore: (2) aws s3 cp - | gunzip | psql --single-transaction into a new database; (3)/(4) mode: restore with confirm: bot (a new database, pg_restore --single-transaction, row counts against the manifest, then renamed over bot). Row counts of every table compared with the generated database after each restore.`);

for (const name of ['script', 'zstd', 'age']) if (r[name].restoreError) console.log(`Restore of ${name} failed: ${r[name].restoreError}`);

const goals = [
  [`(3) throughput >= 0.8x the ceiling's (${throughput(r.zstd).toFixed(1)} vs ${(0.8 * throughput(r.ceiling)).toFixed(1)} MB/s)`, throughput(r.zstd) >= 0.8 * throughput(r.ceiling)],
  [`(3) peak RSS < 400 MB (${mb(r.zstd.rssBytes)} MB)`, r.zstd.rssBytes < 400 * MB],
  [`(3) no temp file on the runner's disk (dirtied ${mb(r.zstd.writtenBytes)} MB, < 1 MB allowed for GITHUB_OUTPUT and the summary)`, r.zstd.writtenBytes < 1 * MB],
  [`(3) faster than (2) (${r.zstd.seconds.toFixed(1)} vs ${r.script.seconds.toFixed(1)} s)`, r.zstd.seconds < r.script.seconds],
  [`(4) within 10% of (3) (${r.age.seconds.toFixed(1)} vs ${r.zstd.seconds.toFixed(1)} s, ${((r.age.seconds / r.zstd.seconds - 1) * 100).toFixed(1)}%)`, r.age.seconds <= 1.1 * r.zstd.seconds],
];
console.log('\nGoals:\n');
for (const [goal, met] of goals) console.log(`- ${met ? 'PASS' : 'FAIL'} ${goal}`);
