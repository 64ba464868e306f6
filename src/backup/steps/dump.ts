import { PassThrough, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UserError } from '../../errors/user-error.js';
import { formatDuration } from '../../inputs/duration.js';
import type { Log } from '../../log/log.js';
import { formatBytes } from '../format-bytes.js';
import { pgReason } from '../pg-reason.js';
import type { ObjectStore } from '../backup-store.js';
import type { BackupManifest, Compression, DumpFormat } from '../manifest.js';
import { manifestKey } from '../object-keys.js';
import { dumpArgs } from '../pg-commands.js';
import type { PgRunner } from '../pg-runner.js';
import { openSnapshot, toolVersion } from '../snapshot.js';
import { encryptTo } from '../streams/age-stages.js';
import { compressor } from '../streams/compression.js';
import { Digest } from '../streams/digest.js';
import { ExitGate } from '../streams/exit-gate.js';

export interface DumpPlan {
  key: string;
  app: string;
  database: string;
  format: DumpFormat;
  compression: Compression;
  recipients: string[];
  version: string;
  gitSha: string;
}

/**
 * Streams pg_dump into the store: dump → compression → encryption → SHA-256 → multipart upload,
 * nothing on any disk. The object only appears when pg_dump exited 0 and every stage finished;
 * anything else aborts the upload and stops pg_dump. The manifest is written last: a dump without
 * one is an incomplete backup that nothing trusts.
 */
export async function dumpToStore(pg: PgRunner, store: ObjectStore, plan: DumpPlan, log: Log): Promise<BackupManifest> {
  const startedAt = new Date();
  const pgDumpVersion = await toolVersion(pg, 'pg_dump');
  const snapshot = await openSnapshot(pg, plan.database);
  log.info(`Dumping database ${plan.database} (${pg.where}, PostgreSQL ${snapshot.serverVersion}, pg_dump ${pgDumpVersion}) to ${plan.key}`);
  const stop = new AbortController();
  const dumpBytes = new Digest();
  const objectBytes = new Digest();
  const dumped = new PassThrough();
  const body = new PassThrough();
  try {
    // Every stage exists before pg_dump starts, so nothing can fail between its start and the handling that stops it.
    const compress = compressor(plan.compression);
    const encrypt = plan.recipients.length > 0 ? [encryptTo(plan.recipients)] : [];
    const dump = pg.run('pg_dump', dumpArgs(plan.format, plan.database, snapshot.id), { stdout: dumped, signal: stop.signal });
    const verdict = dump.then((result) => {
      if (result.code !== 0) throw dumpFailure(plan.database, pg.where, result.code, result.stderr, snapshot.serverVersion, pgDumpVersion);
    });
    // Asked at the end of the stream, when every byte pg_dump wrote has been counted.
    const complete = async (): Promise<void> => {
      await verdict;
      if (dumpBytes.bytes === 0) throw new UserError(`pg_dump of ${plan.database} wrote nothing; no backup was stored.`);
    };
    const stages: Duplex[] = [dumpBytes, compress, ...encrypt, objectBytes, new ExitGate(complete)];
    const flow = pipeline([dumped, ...stages, body]);
    const upload = store.upload(plan.key, body, 'application/octet-stream', stop.signal, progressLine(log, dumpBytes));
    try {
      // A store that gives up destroys `body`, which fails the flow; then pg_dump is stopped below.
      await Promise.all([flow, upload, verdict]);
    } catch (error) {
      stop.abort();
      await Promise.allSettled([flow, upload, dump]);
      throw error;
    }
  } finally {
    await snapshot.close().catch(() => undefined);
  }
  const manifest: BackupManifest = {
    manifestVersion: 1,
    app: plan.app,
    database: plan.database,
    key: plan.key,
    format: plan.format,
    compression: plan.compression,
    encryptRecipients: plan.recipients,
    sha256: objectBytes.sha256,
    dumpBytes: dumpBytes.bytes,
    objectBytes: objectBytes.bytes,
    pgDumpVersion,
    serverVersion: snapshot.serverVersion,
    appVersion: plan.version,
    gitSha: plan.gitSha,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    rowCounts: snapshot.rowCounts,
  };
  try {
    await store.writeText(manifestKey(plan.key), `${JSON.stringify(manifest, null, 2)}\n`, 'application/json');
  } catch (error) {
    // A dump without its manifest is never trusted; take it away rather than leave it to prune.
    await store.remove(plan.key).catch(() => undefined);
    throw error;
  }
  return manifest;
}

/** pg_dump's own reason, and the fix when it is the classic one: a client older than the server. */
function dumpFailure(database: string, where: string, code: number, stderr: string, serverVersion: string, pgDumpVersion: string): UserError {
  if (/server version mismatch/.test(stderr)) {
    return new UserError(`pg_dump ${pgDumpVersion} is older than the server (PostgreSQL ${serverVersion}) at ${where}: install postgresql-client-${serverVersion.split('.')[0]} on the runner; no backup was stored.`);
  }
  return new UserError(`pg_dump of ${database} (${where}) failed with exit code ${code}: ${pgReason(stderr, 'no output')}; no backup was stored.`);
}

/** How often a long upload says how far it got. */
const PROGRESS_EVERY_MS = 10_000;

/** Logs the first stored part at once (the upload is under way), then at most every 10 s. */
function progressLine(log: Log, dumped: Digest): (storedBytes: number) => void {
  const started = Date.now();
  let last: number | undefined;
  return (storedBytes) => {
    const now = Date.now();
    if (last !== undefined && now - last < PROGRESS_EVERY_MS) return;
    last = now;
    log.info(`Uploaded ${formatBytes(storedBytes)} (dump ${formatBytes(dumped.bytes)} so far) in ${formatDuration(now - started)}`);
  };
}
