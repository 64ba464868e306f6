import { formatDuration } from '../inputs/duration.js';
import type { ActionContext, Outputs } from '../runner/run-action.js';
import { connectSsh } from '../ssh/connect.js';
import { deployAction, type DeployConfig } from './deploy-config.js';
import { deployToHost, type HostDeployResult } from './deploy-host.js';

/**
 * ssh-deploy: one host after the other, one SSH connection each, stopping at the first failure so a
 * bad release never reaches the rest of the fleet.
 */
export async function sshDeploy(config: DeployConfig, { log, summary, run }: ActionContext): Promise<Outputs> {
  const started = Date.now();
  const results: HostDeployResult[] = [];
  try {
    for (const target of config.targets) {
      const session = await connectSsh(target, log);
      try {
        results.push(await deployToHost(session, config, run, log));
      } finally {
        await session.close();
      }
    }
  } catch (error) {
    const failedHost = config.targets[results.length]?.host ?? '';
    summary.section('ssh-deploy', [
      ...results.flatMap((result) => hostRows(result, config)),
      ['Host', failedHost],
      ['Action', deployAction(config)],
      ['Strategy', config.strategy],
      ['Result', `failed: ${error instanceof Error ? error.message : String(error)}`],
    ]);
    throw error;
  }
  summary.section('ssh-deploy', results.flatMap((result) => hostRows(result, config)));
  const first = results[0];
  return {
    release: first?.release ?? config.version,
    'previous-release': first?.previous ?? '',
    'release-dir': first?.releaseDir ?? '',
    'duration-ms': Date.now() - started,
  };
}

function hostRows(result: HostDeployResult, config: DeployConfig): Array<[string, string]> {
  return [
    ['Host', result.host],
    ['Action', result.action],
    ['Strategy', config.strategy],
    ['Release', result.release],
    ['Previous release', result.previous || '(none)'],
    ['Duration', formatDuration(result.durationMs)],
    ...(result.pruned.length > 0 ? [['Pruned', result.pruned.join(', ')] as [string, string]] : []),
    ['Result', 'success'],
  ];
}
