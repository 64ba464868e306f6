import type { Clock } from './clock.js';
import type { Probe, ProbeResult } from './probe.js';

export interface GateSettings {
  /** Start-to-start time between attempts. */
  intervalMs: number;
  attemptTimeoutMs: number;
  /** How long the gate waits for `successThreshold` consecutive passes. */
  deadlineMs: number;
  successThreshold: number;
  /** After passing, keep checking this long; 0 skips the soak, any other length makes at least one soak attempt. */
  soakMs: number;
  /** The share of soak attempts allowed to fail (0 = none). */
  maxFailureRatio: number;
}

export interface TargetOutcome extends ProbeResult {
  label: string;
  ms: number;
}

export interface AttemptReport {
  /** 1-based, counted over the whole run (soak included). */
  number: number;
  phase: 'wait' | 'soak';
  /** Every target passed. */
  ok: boolean;
  /** Consecutive passing attempts so far (wait phase). */
  streak: number;
  outcomes: TargetOutcome[];
  /** From the gate's start to this attempt's end. */
  elapsedMs: number;
}

export interface GateResult {
  healthy: boolean;
  /**
   * Why the gate failed: no streak before the deadline, too many failures while soaking, or a fatal
   * outcome (a crash seen while checking) that decided it at once.
   */
  failure?: 'deadline' | 'soak' | 'fatal';
  attempts: number;
  elapsedMs: number;
  /** When the streak was reached, from the gate's start. */
  passedAtMs?: number;
  soak?: { attempts: number; failures: number };
  last?: AttemptReport;
  /** The latest attempt that failed: it says what was wrong. */
  lastFailure?: AttemptReport;
}

export interface GateHooks {
  clock: Clock;
  onAttempt?: (report: AttemptReport) => void;
}

/**
 * Probes every target each `intervalMs` (start-to-start, so slow answers do not stretch the period)
 * until `successThreshold` consecutive attempts pass for all of them, or the deadline leaves no
 * room for another attempt; then soaks when asked. A fatal outcome ends it at once, in either phase.
 */
export async function runGate(probes: Probe[], settings: GateSettings, hooks: GateHooks): Promise<GateResult> {
  const { clock } = hooks;
  const start = clock.now();
  const deadline = start + settings.deadlineMs;
  let next = start;
  let attempts = 0;
  let streak = 0;
  let last: AttemptReport | undefined;
  let lastFailure: AttemptReport | undefined;
  let slowestMs = 0;

  const attempt = async (phase: AttemptReport['phase'], timeoutMs: number): Promise<AttemptReport> => {
    await clock.sleep(next - clock.now());
    const started = clock.now();
    const outcomes = await probeAll(probes, timeoutMs, clock);
    slowestMs = Math.max(slowestMs, clock.now() - started);
    const ok = outcomes.every((outcome) => outcome.ok);
    attempts += 1;
    if (phase === 'wait') streak = ok ? streak + 1 : 0;
    last = { number: attempts, phase, ok, streak, outcomes, elapsedMs: clock.now() - start };
    if (!ok) lastFailure = last;
    hooks.onAttempt?.(last);
    // An attempt that overran its slot makes the next one start at once, not one interval later.
    next = Math.max(next + settings.intervalMs, clock.now());
    return last;
  };
  const result = (extra: Partial<GateResult> & Pick<GateResult, 'healthy'>): GateResult => ({
    attempts,
    elapsedMs: clock.now() - start,
    ...(last ? { last } : {}),
    ...(lastFailure ? { lastFailure } : {}),
    ...extra,
  });

  const fatal = (report: AttemptReport): boolean => report.outcomes.some((outcome) => outcome.fatal);

  while (streak < settings.successThreshold) {
    const left = deadline - next;
    // An attempt with less time left than the slowest one took cannot finish: cut at the deadline, it
    // would only report `timeout` and hide what failed until then.
    if (left <= 0 || left < slowestMs) return result({ healthy: false, failure: 'deadline' });
    if (fatal(await attempt('wait', Math.min(settings.attemptTimeoutMs, left)))) return result({ healthy: false, failure: 'fatal' });
  }
  const passedAt = clock.now();
  const passedAtMs = passedAt - start;
  if (settings.soakMs <= 0) return result({ healthy: true, passedAtMs });

  const soakEnd = passedAt + settings.soakMs;
  const soak = { attempts: 0, failures: 0 };
  // A soak shorter than the interval (the inputs refuse one) still checks once: asked for, it never passes unchecked.
  while (soak.attempts === 0 || next <= soakEnd) {
    const report = await attempt('soak', settings.attemptTimeoutMs);
    soak.attempts += 1;
    if (!report.ok) soak.failures += 1;
    if (fatal(report)) return result({ healthy: false, failure: 'fatal', passedAtMs, soak });
    // Once the ratio is exceeded even if every attempt still to come passes, the soak is decided.
    const remaining = next <= soakEnd ? Math.floor((soakEnd - next) / settings.intervalMs) + 1 : 0;
    if (soak.failures / (soak.attempts + remaining) > settings.maxFailureRatio) break;
  }
  const healthy = soak.failures / soak.attempts <= settings.maxFailureRatio;
  return result({ healthy, passedAtMs, soak, ...(healthy ? {} : { failure: 'soak' as const }) });
}

/** One attempt: every target at once, all bounded by the same timeout. */
async function probeAll(probes: Probe[], timeoutMs: number, clock: Clock): Promise<TargetOutcome[]> {
  const timeout = new AbortController();
  const settled = new AbortController();
  void clock.sleep(timeoutMs, settled.signal).then(() => {
    if (!settled.signal.aborted) timeout.abort(new Error('attempt-timeout'));
  });
  try {
    return await Promise.all(
      probes.map(async (probe) => {
        const started = clock.now();
        const outcome = await probe.check(timeout.signal, timeoutMs);
        return { ...outcome, label: probe.label, ms: clock.now() - started };
      }),
    );
  } finally {
    settled.abort();
  }
}
