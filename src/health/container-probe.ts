import type { SshSession } from '../ssh/types.js';
import { abortable } from './abortable.js';
import { describeContainerTarget, inspectContainers, NO_CONTAINER_EXIT, type ContainerTarget } from './container-commands.js';
import { judgeContainer, parseSnapshots, type ContainerSnapshot } from './container-state.js';
import { errorResult, type Probe, type ProbeResult } from './probe.js';

/**
 * Checks a container (or every container of a compose service) on the host with `docker inspect`.
 * It remembers what it saw last, so a restart between two attempts fails the second one.
 */
export function containerProbe(session: SshSession, target: ContainerTarget, labelPrefix = ''): Probe {
  const line = inspectContainers(target);
  let previous = new Map<string, ContainerSnapshot>();
  return {
    label: `${labelPrefix}${describeContainerTarget(target)}`,
    async check(signal: AbortSignal): Promise<ProbeResult> {
      try {
        const result = await abortable(session.exec(line, { stream: false }), signal);
        if (result.code === NO_CONTAINER_EXIT && target.kind === 'compose') {
          return { ok: false, status: 'missing', reason: `no container has the labels of ${describeContainerTarget(target)}` };
        }
        if (result.code !== 0) {
          return { ok: false, status: 'missing', reason: `docker inspect failed: ${result.stderr.trim() || `exit code ${result.code}`}` };
        }
        const snapshots = parseSnapshots(result.stdout).map((snapshot) => ({ ...snapshot, name: snapshot.name.replace(/^\//, '') }));
        const verdicts = snapshots.map((snapshot) => judgeContainer(snapshot, previous.get(snapshot.name)));
        previous = new Map(snapshots.map((snapshot) => [snapshot.name, snapshot]));
        const failed = verdicts.find((verdict) => !verdict.ok);
        return failed ?? verdicts[0] ?? { ok: false, status: 'missing', reason: 'docker inspect printed nothing' };
      } catch (error) {
        return errorResult(error, signal);
      }
    },
  };
}
