import type { ExecResult, SshSession } from '../ssh/types.js';
import { abortable } from './abortable.js';
import { oneLine } from '../log/one-line.js';
import { crashDetails, describeContainerTarget, inspectContainers, NO_CONTAINER_EXIT, type ContainerTarget } from '../host/container-commands.js';
import { judgeContainer, parseSnapshots, withCrashDetails, type ContainerSnapshot, type ContainerVerdict } from './container-state.js';
import { errorResult, type Probe, type ProbeResult } from './probe.js';

/**
 * Checks a container (or every container of a compose service) on the host with `docker inspect`.
 * It remembers what it saw last, so a restart between two attempts fails the second one. A restart
 * is a crash, fatal to the gate: the outcome then carries the exit code and the last log lines.
 * The command is bounded by the attempt's own timeout (not the connection's command-timeout), so a
 * hung `docker inspect` is killed on the host with its attempt instead of holding an SSH channel:
 * sshd allows only a few per connection (MaxSessions, 10 by default).
 */
export function containerProbe(session: SshSession, target: ContainerTarget, labelPrefix = ''): Probe {
  const line = inspectContainers(target);
  let previous = new Map<string, ContainerSnapshot>();
  const running = new Set<Promise<void>>();
  /** Runs a command on the host bounded by the attempt, tracked until it has ended there (see `settle`). */
  const run = (command: string, signal: AbortSignal, timeoutMs: number): Promise<ExecResult> => {
    // 0 would mean "no limit" to exec: a command always gets at least a millisecond.
    const exec = session.exec(command, { stream: false, timeoutMs: Math.max(1, Math.ceil(timeoutMs)) });
    const done = (): void => void running.delete(settled);
    const settled: Promise<void> = exec.then(done, done);
    running.add(settled);
    return abortable(exec, signal);
  };
  /** The crash verdict with its exit code and last log lines; without them when the host cannot say in time. */
  const explainCrash = async (verdict: ContainerVerdict, name: string, since: string, signal: AbortSignal, timeoutMs: number): Promise<ContainerVerdict> => {
    try {
      const details = await run(crashDetails(name, since), signal, timeoutMs);
      return details.code === 0 ? withCrashDetails(verdict, details.stdout) : verdict;
    } catch {
      return verdict;
    }
  };
  return {
    label: `${labelPrefix}${describeContainerTarget(target)}`,
    async check(signal: AbortSignal, timeoutMs: number): Promise<ProbeResult> {
      try {
        signal.throwIfAborted();
        const started = performance.now();
        const result = await run(line, signal, timeoutMs);
        if (result.timedOut) return { ok: false, status: 'timeout', reason: 'no answer within attempt-timeout' };
        if (result.code === NO_CONTAINER_EXIT && target.kind === 'compose') {
          return { ok: false, status: 'missing', reason: `no container has the labels of ${describeContainerTarget(target)}` };
        }
        if (result.code !== 0) {
          return { ok: false, status: 'missing', reason: `docker inspect failed: ${oneLine(result.stderr.trim()) || `exit code ${result.code}`}` };
        }
        const snapshots = parseSnapshots(result.stdout).map((snapshot) => ({ ...snapshot, name: snapshot.name.replace(/^\//, '') }));
        const before = previous;
        const verdicts = snapshots.map((snapshot) => ({ snapshot, verdict: judgeContainer(snapshot, before.get(snapshot.name)) }));
        previous = new Map(snapshots.map((snapshot) => [snapshot.name, snapshot]));
        const crashed = verdicts.find(({ verdict }) => verdict.fatal);
        if (crashed) {
          // Docker keeps no exit code once it has restarted the container: its die events since the previous look do.
          const since = before.get(crashed.snapshot.name)?.state.StartedAt ?? '10m';
          return await explainCrash(crashed.verdict, crashed.snapshot.name, since, signal, timeoutMs - (performance.now() - started));
        }
        const failed = verdicts.find(({ verdict }) => !verdict.ok) ?? verdicts[0];
        return failed?.verdict ?? { ok: false, status: 'missing', reason: 'docker inspect printed nothing' };
      } catch (error) {
        return errorResult(error, signal);
      }
    },
    async settle(): Promise<void> {
      await Promise.all(running);
    },
  };
}
