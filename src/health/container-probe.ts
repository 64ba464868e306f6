import type { SshSession } from '../ssh/types.js';
import { abortable } from './abortable.js';
import { describeContainerTarget, inspectContainers, NO_CONTAINER_EXIT, type ContainerTarget } from './container-commands.js';
import { judgeContainer, parseSnapshots, type ContainerSnapshot } from './container-state.js';
import { errorResult, type Probe, type ProbeResult } from './probe.js';

/**
 * Checks a container (or every container of a compose service) on the host with `docker inspect`.
 * It remembers what it saw last, so a restart between two attempts fails the second one.
 * The command is bounded by the attempt's own timeout (not the connection's command-timeout), so a
 * hung `docker inspect` is killed on the host with its attempt instead of holding an SSH channel:
 * sshd allows only a few per connection (MaxSessions, 10 by default).
 */
export function containerProbe(session: SshSession, target: ContainerTarget, labelPrefix = ''): Probe {
  const line = inspectContainers(target);
  let previous = new Map<string, ContainerSnapshot>();
  const running = new Set<Promise<void>>();
  return {
    label: `${labelPrefix}${describeContainerTarget(target)}`,
    async check(signal: AbortSignal, timeoutMs: number): Promise<ProbeResult> {
      try {
        signal.throwIfAborted();
        // 0 would mean "no limit" to exec: an attempt always gets at least a millisecond.
        const exec = session.exec(line, { stream: false, timeoutMs: Math.max(1, Math.ceil(timeoutMs)) });
        const done = (): void => void running.delete(settled);
        const settled: Promise<void> = exec.then(done, done);
        running.add(settled);
        const result = await abortable(exec, signal);
        if (result.timedOut) return { ok: false, status: 'timeout', reason: 'no answer within attempt-timeout' };
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
    async settle(): Promise<void> {
      await Promise.all(running);
    },
  };
}
