import type { BackupConfig, ComposeSource } from '../../src/backup/backup-config.js';
import { composeSource } from './pg-host.js';

/** pg-backup-to-spaces's validated inputs for database bot of app shop under prefix `backups`, on the scripted host. */
export function backupConfig(overrides: Partial<Omit<BackupConfig, 'source'>> = {}): BackupConfig & { source: ComposeSource } {
  return {
    mode: 'backup',
    app: 'shop',
    version: 'v1.0.0',
    gitSha: 'abc123',
    database: 'bot',
    source: composeSource,
    store: { endpoint: 'http://memory', region: 'us-east-1', bucket: 'memory', accessKeyId: 'unused', secretAccessKey: 'unused', partSizeBytes: 5 * 1024 * 1024, queueSize: 1 },
    location: { prefix: 'backups', app: 'shop', database: 'bot' },
    format: 'custom',
    compression: 'zstd',
    recipients: [],
    verify: 'none',
    dryRun: false,
    maxAgeMs: 26 * 3600_000,
    ...overrides,
  };
}
