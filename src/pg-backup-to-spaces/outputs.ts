import type { PgBackupResult } from '../backup/pg-backup.js';
import { formatDuration } from '../inputs/duration.js';
import { ActionFailure } from '../runner/action-failure.js';
import type { Outputs } from '../runner/run-action.js';

/** pg-backup-to-spaces's outputs (product.md); a stale or missing backup fails `check` with them set. */
export function pgBackupOutputs(result: PgBackupResult): Outputs {
  const outputs: Outputs = { key: '', size: 0, sha256: '', 'duration-ms': result.durationMs, verified: false, deleted: 0 };
  switch (result.mode) {
    case 'backup':
    case 'restore':
      Object.assign(outputs, { key: result.manifest.key, size: result.manifest.objectBytes, sha256: result.manifest.sha256 });
      if (result.mode === 'backup') Object.assign(outputs, { verified: result.manifest.verified !== undefined, deleted: result.prune?.removed.length ?? 0 });
      return outputs;
    case 'list': {
      const newest = result.backups.find((backup) => backup.good);
      if (newest) Object.assign(outputs, { key: newest.key, size: newest.bytes, sha256: newest.manifest?.sha256 ?? '' });
      return outputs;
    }
    case 'prune':
      Object.assign(outputs, { key: result.plan.keep.find((kept) => kept.reasons.includes('newest good'))?.key ?? '', deleted: result.dryRun ? result.plan.remove.length : result.removed.length });
      return outputs;
    case 'check':
      if (result.newest) Object.assign(outputs, { key: result.newest.key, size: result.newest.bytes });
      if (!result.newest) throw new ActionFailure('There is no complete backup at all: check that the backup workflow runs and succeeds.', outputs);
      if (!result.fresh) {
        throw new ActionFailure(`The newest good backup, ${result.newest.key}, is ${formatDuration(result.ageMs ?? 0)} old, older than max-age ${formatDuration(result.maxAgeMs)}: backups have stopped; check the backup workflow.`, outputs);
      }
      return outputs;
  }
}
