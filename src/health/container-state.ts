import { oneLine } from '../log/one-line.js';

/** What `docker inspect` tells about one container, as printed by the inspect command. */
export interface ContainerSnapshot {
  name: string;
  restartCount: number;
  state: {
    Status: string;
    Running: boolean;
    Restarting: boolean;
    ExitCode: number;
    StartedAt: string;
    Health?: { Status: string; Log?: Array<{ ExitCode: number; Output: string }> | null };
  };
}

export interface ContainerVerdict {
  ok: boolean;
  status: string;
  reason?: string;
  /** It crashed: waiting longer cannot make it healthy. */
  fatal?: boolean;
}

/** Parses the inspect output: one JSON object per line. */
export function parseSnapshots(stdout: string): ContainerSnapshot[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ContainerSnapshot);
}

/**
 * Whether a container is up. With a Docker healthcheck its verdict decides; without one the
 * container must be running and must not have restarted since the previous look — a bot in a
 * restart loop is "running" between crashes, so a single look would be fooled. A restart, seen
 * either way, is a crash: fatal, the gate need not wait for the deadline.
 */
/**
 * A fatal verdict completed with what the crash left behind (`crashDetails` output): the exit code
 * (a restarting container's State still holds it; a restarted one's reads 0 again) and the last log lines.
 */
export function withCrashDetails(verdict: ContainerVerdict, details: string): ContainerVerdict {
  const [first = '', ...logs] = details.replace(/\n$/, '').split('\n');
  const code = verdict.status === 'restarted' ? `, exit code ${/^exit=(\d+)$/.exec(first)?.[1] ?? 'unknown'}` : '';
  const tail = logs.join('\n').trim();
  return { ...verdict, reason: `${verdict.reason ?? verdict.status}${code}; ${tail ? `last log lines: ${oneLine(tail)}` : 'it logged nothing'}` };
}

export function judgeContainer(now: ContainerSnapshot, before: ContainerSnapshot | undefined): ContainerVerdict {
  const { state } = now;
  if (state.Restarting) {
    return { ok: false, status: 'restarting', reason: `${now.name} is restarting (exit code ${state.ExitCode}, ${now.restartCount} restarts)`, fatal: true };
  }
  if (!state.Running) return { ok: false, status: state.Status, reason: `${now.name} is ${state.Status} (exit code ${state.ExitCode})` };
  if (before && (before.restartCount !== now.restartCount || before.state.StartedAt !== state.StartedAt)) {
    return { ok: false, status: 'restarted', reason: `${now.name} restarted since the previous attempt (${now.restartCount} restarts)`, fatal: true };
  }
  if (state.Health) {
    if (state.Health.Status === 'healthy') return { ok: true, status: 'healthy' };
    const output = state.Health.Log?.at(-1)?.Output.trim();
    const last = output === undefined ? undefined : oneLine(output);
    return { ok: false, status: state.Health.Status, reason: `healthcheck is ${state.Health.Status}${last ? `: ${last}` : ''}` };
  }
  return { ok: true, status: 'running' };
}
