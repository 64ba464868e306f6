import { formatDuration } from '../inputs/duration.js';
import type { JobSummary } from '../log/job-summary.js';
import type { Log } from '../log/log.js';
import type { PipelineEnv } from '../pipeline/host-pipeline.js';
import type { BackupConfig, DatabaseSource } from './backup-config.js';
import { BackupStore } from './backup-store.js';
import type { DatabaseAccess } from './database-session.js';
import { formatBytes } from './format-bytes.js';
import { backupMode, type BackupModeResult } from './modes/backup-mode.js';
import { checkMode, type CheckModeResult } from './modes/check-mode.js';
import { listMode, type ListModeResult } from './modes/list-mode.js';
import { pruneBackups, type PruneResult } from './modes/prune-mode.js';
import { restoreMode, type RestoreModeResult } from './modes/restore-mode.js';
import { backupFolder } from './object-keys.js';

type ModeResult = BackupModeResult | RestoreModeResult | ListModeResult | CheckModeResult | ({ mode: 'prune' } & PruneResult);
export type PgBackupResult = ModeResult & { durationMs: number };

/**
 * pg-backup-to-spaces: one mode against one bucket folder (and, to dump or restore, one database:
 * its own connection, or `database` when a pipeline already holds the host).
 */
export async function pgBackup(config: BackupConfig, env: PipelineEnv, summary: JobSummary, database?: DatabaseAccess): Promise<PgBackupResult> {
  const started = Date.now();
  const store = new BackupStore(config.store);
  try {
    const result = await runMode(config, store, env, database);
    const done: PgBackupResult = Object.assign(result, { durationMs: Date.now() - started });
    report(done, config, env.log, summary);
    return done;
  } finally {
    store.close();
  }
}

async function runMode(config: BackupConfig, store: BackupStore, env: PipelineEnv, database: DatabaseAccess | undefined): Promise<ModeResult> {
  switch (config.mode) {
    case 'backup':
      return backupMode(withSource(config), store, env, database);
    case 'restore':
      return restoreMode(withSource(config), store, env, database);
    case 'list':
      return listMode(config, store, env.log);
    case 'check':
      return checkMode(config, store, new Date());
    case 'prune':
      // readBackupConfig requires `keep` in prune mode.
      if (!config.keep) throw new Error('Prune mode runs without keep rules.');
      return { mode: 'prune', ...(await pruneBackups(config, config.keep, store, env.log)) };
  }
}

function withSource(config: BackupConfig): BackupConfig & { source: DatabaseSource } {
  // readBackupConfig gives backup and restore a source; the others never ask.
  if (!config.source) throw new Error(`Mode ${config.mode} runs without a database source.`);
  return { ...config, source: config.source };
}

/** The newest backups the job summary lists; the log lists them all. */
const SUMMARY_BACKUPS = 30;

function report(result: PgBackupResult, config: BackupConfig, log: Log, summary: JobSummary): void {
  const where = `${config.store.bucket}/${backupFolder(config.location)}`;
  const rows: Array<[string, string]> = [['Mode', config.mode], ['Where', where]];
  if (result.mode === 'backup' || result.mode === 'restore') {
    const { manifest } = result;
    rows.push(
      ['Backup', manifest.key],
      ['Size', `${formatBytes(manifest.objectBytes)} (dump ${formatBytes(manifest.dumpBytes)}, ${manifest.compression}${manifest.encryptRecipients.length > 0 ? ', age-encrypted' : ''})`],
      ['SHA-256', manifest.sha256],
      ['Release', manifest.appVersion],
      ['Tables', String(Object.keys(manifest.rowCounts).length)],
    );
    if (result.mode === 'backup') rows.push(['Verified', manifest.verified ? `yes (${manifest.verified.method})` : 'no (verify: none)']);
    if (result.mode === 'backup' && result.prune) rows.push(['Retention', `${result.prune.plan.keep.length} kept, ${result.prune.removed.length} deleted`]);
  } else if (result.mode === 'list') {
    const now = Date.now();
    const lines = result.backups.map((b) => [b.key.slice(b.key.lastIndexOf('/') + 1), formatBytes(b.bytes), formatDuration(now - b.time.getTime()), b.manifest?.appVersion ?? '', !b.good ? 'incomplete' : b.manifest?.verified ? `verified (${b.manifest.verified.method})` : 'not verified']);
    log.info(table(['backup', 'size', 'age', 'release', 'state'], lines));
    const shown = lines.slice(0, SUMMARY_BACKUPS).map(([name, size, age, release, state]): [string, string] => [name ?? '', `${size}, ${age} old, release ${release || '?'}, ${state}`]);
    rows.push(['Backups', String(result.backups.length)], ...shown);
    if (lines.length > SUMMARY_BACKUPS) rows.push(['…', `${lines.length - SUMMARY_BACKUPS} older backups are in the log`]);
  } else if (result.mode === 'check') {
    rows.push(['Newest good backup', result.newest ? `${result.newest.key} (${formatDuration(result.ageMs ?? 0)} old)` : '(none)'], ['Max age', formatDuration(result.maxAgeMs)], ['Fresh', result.fresh ? 'yes' : 'no']);
  } else {
    rows.push(['Kept', String(result.plan.keep.length)], [result.dryRun ? 'Would delete' : 'Deleted', String(result.dryRun ? result.plan.remove.length : result.removed.length)]);
  }
  rows.push(['Duration', formatDuration(result.durationMs)]);
  summary.section('pg-backup-to-spaces', rows);
}

/** Columns padded to their widest cell, for the log. */
function table(header: string[], lines: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)));
  return [header, ...lines].map((line) => line.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n');
}
