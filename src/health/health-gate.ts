import type { Log } from '../log/log.js';
import type { JobSummary } from '../runner/job-summary.js';
import type { Outputs } from '../runner/run-action.js';
import { connectSsh } from '../ssh/connect.js';
import type { ConnectOptions, SshSession } from '../ssh/types.js';
import { systemClock, type Clock } from './clock.js';
import { containerProbe } from './container-probe.js';
import { runGate } from './gate.js';
import { failureMessage, formatAttempt, lastStatus, summaryRows } from './gate-report.js';
import { ActionFailure } from '../runner/action-failure.js';
import type { HealthGateConfig } from './health-gate-inputs.js';
import { httpProbe } from './http-probe.js';
import type { Probe } from './probe.js';

export interface HealthGateDeps {
  connect: (options: ConnectOptions, log: Log) => Promise<SshSession>;
  clock: Clock;
}

const defaultDeps: HealthGateDeps = { connect: connectSsh, clock: systemClock };

/**
 * Runs the gate: connects to the host(s) only when a probe needs it (one connection each for the
 * whole run), reports every attempt on one line, writes the summary, and throws an ActionFailure
 * carrying the outputs when the release is not healthy.
 */
export async function runHealthGate(
  config: HealthGateConfig,
  context: { log: Log; summary: JobSummary },
  deps: Partial<HealthGateDeps> = {},
): Promise<Outputs> {
  const { connect, clock } = { ...defaultDeps, ...deps };
  const { log, summary } = context;
  const sessions: SshSession[] = [];
  let probes: Probe[] = [];
  try {
    for (const target of config.ssh) sessions.push(await connect(target, log));
    probes = buildProbes(config, sessions);
    const labels = probes.map((probe) => probe.label);
    const result = await log.group(`Health gate: ${labels.join(', ')}`, () =>
      runGate(probes, config.gate, { clock, onAttempt: (report) => log.info(formatAttempt(report, config.gate)) }),
    );
    summary.section('Health gate', summaryRows(labels, result));
    const outputs: Outputs = {
      healthy: result.healthy,
      attempts: result.attempts,
      'elapsed-ms': Math.round(result.elapsedMs),
      'last-status': lastStatus(result),
    };
    if (!result.healthy) throw new ActionFailure(failureMessage(labels, result, config.gate), outputs);
    return outputs;
  } finally {
    // A check cut at attempt-timeout is still being killed on the host: let that finish before closing.
    await Promise.allSettled(probes.map((probe) => probe.settle?.()));
    await Promise.allSettled(sessions.map((session) => session.close()));
  }
}

/** One probe per URL and container, on every host (labelled with the host when there are several). */
function buildProbes(config: HealthGateConfig, sessions: SshSession[]): Probe[] {
  const prefix = (session: SshSession): string => (sessions.length > 1 ? `${session.host}: ` : '');
  const urlProbes = config.viaSsh
    ? sessions.flatMap((session) =>
        config.urls.map((url) =>
          httpProbe({ url, expect: config.expect, headers: config.headers, connect: (host, port) => session.forward(host, port), labelPrefix: prefix(session) }),
        ),
      )
    : config.urls.map((url) => httpProbe({ url, expect: config.expect, headers: config.headers }));
  const { container } = config;
  const containerProbes = container ? sessions.map((session) => containerProbe(session, container, prefix(session))) : [];
  return [...urlProbes, ...containerProbes];
}
