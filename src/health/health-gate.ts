import type { Log } from '../log/log.js';
import type { JobSummary } from '../log/job-summary.js';
import { connectSsh } from '../ssh/connect.js';
import type { ConnectOptions, SshSession } from '../ssh/types.js';
import { systemClock, type Clock } from './clock.js';
import { containerProbe } from './container-probe.js';
import { runGate, type GateResult } from './gate.js';
import { failureMessage, formatAttempt, summaryRows } from './gate-report.js';
import type { HealthGateConfig } from './health-gate-inputs.js';
import { httpProbe } from './http-probe.js';
import type { Probe } from './probe.js';

export interface HealthGateDeps {
  connect: (options: ConnectOptions, log: Log) => Promise<SshSession>;
  clock: Clock;
}

const defaultDeps: HealthGateDeps = { connect: connectSsh, clock: systemClock };

/** What the gate checks, on sessions someone else opened (the action's own, or a pipeline's host context). */
export type GateTargets = Omit<HealthGateConfig, 'ssh'>;

/** The gate's verdict: the attempts, the targets' labels, and when not healthy the one sentence why. */
export interface HealthGateResult {
  gate: GateResult;
  labels: string[];
  healthy: boolean;
  failure?: string;
}

/**
 * health-gate: connects to the host(s) only when a probe needs it (one connection each for the
 * whole run) and gates on them.
 */
export async function runHealthGate(
  config: HealthGateConfig,
  context: { log: Log; summary: JobSummary },
  deps: Partial<HealthGateDeps> = {},
): Promise<HealthGateResult> {
  const { connect, clock } = { ...defaultDeps, ...deps };
  const sessions: SshSession[] = [];
  try {
    for (const target of config.ssh) sessions.push(await connect(target, context.log));
    return await gateOnSessions(config, sessions, { ...context, clock });
  } finally {
    await Promise.allSettled(sessions.map((session) => session.close()));
  }
}

/** Runs the gate over open sessions, reporting every attempt on one line and the verdict in the summary. */
export async function gateOnSessions(
  config: GateTargets,
  sessions: SshSession[],
  { log, summary, clock = systemClock }: { log: Log; summary: JobSummary; clock?: Clock },
): Promise<HealthGateResult> {
  const probes = buildProbes(config, sessions);
  try {
    const labels = probes.map((probe) => probe.label);
    const gate = await log.group(`Health gate: ${labels.join(', ')}`, () =>
      runGate(probes, config.gate, { clock, onAttempt: (report) => log.info(formatAttempt(report, config.gate)) }),
    );
    summary.section('Health gate', summaryRows(labels, gate));
    return { gate, labels, healthy: gate.healthy, ...(gate.healthy ? {} : { failure: failureMessage(labels, gate, config.gate) }) };
  } finally {
    // A check cut at attempt-timeout is still being killed on the host: let that finish before the session closes.
    await Promise.allSettled(probes.map((probe) => probe.settle?.()));
  }
}

/** One probe per URL and container, on every host (labelled with the host when there are several). */
function buildProbes(config: GateTargets, sessions: SshSession[]): Probe[] {
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
