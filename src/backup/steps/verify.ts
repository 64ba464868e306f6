import { messageOf } from '../../errors/message-of.js';
import { UserError } from '../../errors/user-error.js';
import type { Log } from '../../log/log.js';
import type { VerifyMethod } from '../backup-config.js';
import type { ObjectStore } from '../backup-store.js';
import type { BackupManifest } from '../manifest.js';
import { manifestKey } from '../object-keys.js';
import { READ_ARCHIVE_ARGS } from '../pg-commands.js';
import type { PgRunner } from '../pg-runner.js';
import { readBack } from './read-back.js';
import { dropDatabase, restoreIntoNewDatabase, rowCountsOf, scratchName } from './restore-into.js';

/**
 * Proves a stored backup restores, reading it back from the store: `stream` through pg_restore to
 * nowhere (every data block parsed), `restore` into a scratch database whose row counts must equal
 * the manifest's. A proven backup says so in its manifest.
 */
export async function verifyBackup(pg: PgRunner, store: ObjectStore, manifest: BackupManifest, identity: string | undefined, method: Exclude<VerifyMethod, 'none'>, log: Log): Promise<BackupManifest> {
  return log.group(`Verifying ${manifest.key} (${method})`, async () => {
    if (method === 'stream') {
      await readBack(pg, store, manifest, identity, manifest.format === 'custom' ? { tool: 'pg_restore', args: READ_ARCHIVE_ARGS, what: `Reading ${manifest.key} with pg_restore` } : undefined);
    } else {
      const scratch = scratchName(manifest.database, 'verify');
      await restoreIntoNewDatabase(pg, store, manifest, identity, scratch, manifest.database);
      try {
        compareRowCounts(manifest, await rowCountsOf(pg, scratch));
      } finally {
        // A failed drop must not hide why the verification failed; the next run under the lock drops it.
        await dropDatabase(pg, scratch).catch((error: unknown) => log.warning(`Could not drop the scratch database ${scratch} (${messageOf(error).replace(/\.$/, '')}).`));
      }
    }
    const verified: BackupManifest = { ...manifest, verified: { method, at: new Date().toISOString() } };
    await store.writeText(manifestKey(manifest.key), `${JSON.stringify(verified, null, 2)}\n`, 'application/json');
    log.info(`${manifest.key} restores: verified by ${method === 'stream' ? 'reading it back through pg_restore' : 'restoring it into a scratch database and counting every table'}.`);
    return verified;
  });
}

export function compareRowCounts(manifest: BackupManifest, restored: Record<string, number>): void {
  const tables = [...new Set([...Object.keys(manifest.rowCounts), ...Object.keys(restored)])].sort();
  const differences = tables.filter((table) => manifest.rowCounts[table] !== restored[table]);
  if (differences.length === 0) return;
  const shown = differences.slice(0, 5).map((table) => `${table} ${restored[table] ?? 'missing'} (manifest ${manifest.rowCounts[table] ?? 'missing'})`);
  throw new UserError(`${manifest.key} restored with different row counts: ${shown.join(', ')}${differences.length > 5 ? ` and ${differences.length - 5} more` : ''}.`);
}
