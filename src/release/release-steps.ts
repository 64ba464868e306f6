import type { BackupConfig } from '../backup/backup-config.js';
import { composeDatabaseOn } from '../backup/database-session.js';
import { pgBackup } from '../backup/pg-backup.js';
import type { BlueGreenConfig } from '../blue-green/blue-green-config.js';
import { switchHost, type BlueGreenHostResult } from '../blue-green/blue-green-switch.js';
import { deployHost } from '../deploy/deploy-host.js';
import type { DeployConfig, RegistryLogin } from '../deploy/deploy-config.js';
import { hostRelease } from '../deploy/host-release.js';
import { pullMissingImages } from '../deploy/steps/pull-missing-image.js';
import { rollbackTarget } from '../deploy/steps/rollback-target.js';
import { gate } from '../health/gate-step.js';
import type { GateTargets, HealthGateResult } from '../health/health-gate.js';
import type { JobSummary } from '../log/job-summary.js';
import type { HostContext } from '../pipeline/host-context.js';
import type { PipelineEnv } from '../pipeline/host-pipeline.js';

/** The parts the pipeline is made of, each over the host context it is given. */
export interface ReleaseSteps {
  /** Backs the database up; returns the backup's key. */
  backup(ctx: HostContext, config: BackupConfig, env: PipelineEnv, summary: JobSummary): Promise<string>;
  stage(ctx: HostContext, config: DeployConfig): Promise<void>;
  /** A rollback's target (`version`, or the previous release), its images pulled if they are gone; returns the target. */
  rollbackTo(ctx: HostContext, version: string, registry: RegistryLogin | undefined): Promise<string>;
  switch(ctx: HostContext, config: BlueGreenConfig, summary: JobSummary): Promise<BlueGreenHostResult>;
  soak(ctx: HostContext, targets: GateTargets, summary: JobSummary): Promise<HealthGateResult>;
}

export const releaseSteps: ReleaseSteps = {
  async backup(ctx, config, env, summary) {
    // The stack's own database is reached over this host's connection, under the lock already held.
    const database = config.source?.kind === 'compose' ? composeDatabaseOn(ctx, config.source) : undefined;
    const result = await pgBackup(config, env, summary, database);
    return result.mode === 'backup' ? result.manifest.key : '';
  },
  async stage(ctx, config) {
    await deployHost(ctx, config);
  },
  async rollbackTo(ctx, version, registry) {
    const target = await rollbackTarget(ctx, version);
    await pullMissingImages(ctx, await hostRelease(ctx, target), registry);
    return target;
  },
  switch: switchHost,
  soak: gate,
};
