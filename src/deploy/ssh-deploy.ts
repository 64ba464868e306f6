import { formatDuration } from '../inputs/duration.js';
import { onEachHost, type PipelineEnv } from '../pipeline/host-pipeline.js';
import type { JobSummary } from '../log/job-summary.js';
import { deployAction, type DeployConfig } from './deploy-config.js';
import { deployHost, type HostDeployResult } from './deploy-host.js';
import { messageOf } from '../errors/message-of.js';

export interface SshDeployResult {
  /** One per host that was deployed, in order. */
  hosts: HostDeployResult[];
  /** The host where the deploy stopped (the rest of the fleet was not touched). */
  failure?: { host: string; error: unknown };
  durationMs: number;
}

/** ssh-deploy: deployHost on one host after the other, stopping at the first failure; the summary tells each host's story. */
export async function sshDeploy(config: DeployConfig, env: PipelineEnv, summary: JobSummary): Promise<SshDeployResult> {
  const started = Date.now();
  const { results, failure } = await onEachHost(config.targets, config, env, (ctx) => deployHost(ctx, config));
  summary.section('ssh-deploy', [
    ...results.flatMap((result) => hostRows(result, config)),
    ...(failure
      ? ([
          ['Host', failure.host],
          ['Action', deployAction(config)],
          ['Strategy', config.strategy],
          ['Result', `failed: ${messageOf(failure.error)}`],
        ] as Array<[string, string]>)
      : []),
  ]);
  return { hosts: results, ...(failure ? { failure } : {}), durationMs: Date.now() - started };
}

function hostRows(result: HostDeployResult, config: DeployConfig): Array<[string, string]> {
  return [
    ['Host', result.host],
    ['Action', result.action],
    ['Strategy', config.strategy],
    ['Release', result.release],
    ['Previous release', result.previous || '(none)'],
    ['Duration', formatDuration(result.durationMs)],
    ...(result.pruned.releases.length > 0 ? [['Pruned', result.pruned.releases.join(', ')] as [string, string]] : []),
    ['Result', 'success'],
  ];
}
