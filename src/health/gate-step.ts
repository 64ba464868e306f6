import type { JobSummary } from '../log/job-summary.js';
import type { HostContext } from '../pipeline/host-context.js';
import { gateOnSessions, type GateTargets, type HealthGateResult } from './health-gate.js';

/**
 * The gate as a step of a pipeline: in-process over the host context's SSH connection (tunnels for
 * via-ssh URLs, docker inspect for containers), no second connection.
 */
export function gate(ctx: HostContext, targets: GateTargets, summary: JobSummary): Promise<HealthGateResult> {
  return gateOnSessions(targets, [ctx.session], { log: ctx.log, summary });
}
