import type { Log } from '../../log/log.js';
import type { BackupConfig } from '../backup-config.js';
import type { ObjectStore } from '../backup-store.js';
import { readCatalog } from '../catalog.js';
import { describeKeepRules, type KeepRules } from '../keep-rules.js';
import { manifestKey } from '../object-keys.js';
import { planRetention, type RetentionPlan } from '../retention.js';

export interface PruneResult {
  plan: RetentionPlan;
  /** Dump keys actually deleted (none on a dry run). */
  removed: string[];
  dryRun: boolean;
}

/**
 * Applies `keep` to the backups under the prefix, printing the plan first. Deletes go one object at a
 * time (stores that reject DeleteObjects' CRC32 still work), the manifest before its dump: a run
 * cut short leaves a dump without manifest, which the next prune removes, never a manifest that
 * vouches for nothing.
 */
export async function pruneBackups(config: Pick<BackupConfig, 'location' | 'dryRun'>, keep: KeepRules, store: ObjectStore, log: Log): Promise<PruneResult> {
  return log.group(`Retention (${describeKeepRules(keep)})${config.dryRun ? ', dry run' : ''}`, async () => {
    // readBackupConfig refuses this; deleting at the bucket's root must stay impossible whatever calls us.
    if (config.location.prefix === '') throw new Error('Retention was asked to run without a prefix.');
    const plan = planRetention(await readCatalog(store, config.location), keep, new Date());
    for (const kept of plan.keep) log.info(`keep    ${kept.key} (${kept.reasons.join(', ')})`);
    for (const gone of plan.remove) log.info(`${config.dryRun ? 'would delete' : 'delete'}  ${gone.key} (${gone.why})`);
    const removed: string[] = [];
    if (!config.dryRun) {
      for (const gone of plan.remove) {
        await store.remove(manifestKey(gone.key));
        await store.remove(gone.key);
        removed.push(gone.key);
      }
    }
    log.info(`${plan.keep.length} kept, ${config.dryRun ? `${plan.remove.length} would be deleted` : `${removed.length} deleted`}.`);
    return { plan, removed, dryRun: config.dryRun };
  });
}
