import { runGate, type AttemptReport, type GateSettings } from '../../src/health/gate.js';
import type { Probe, ProbeResult } from '../../src/health/probe.js';
import { FakeClock } from './fake-clock.js';

const settings: GateSettings = {
  intervalMs: 1000,
  attemptTimeoutMs: 5000,
  deadlineMs: 30_000,
  successThreshold: 3,
  soakMs: 0,
  maxFailureRatio: 0,
};

const pass: ProbeResult = { ok: true, status: '200' };
const fail: ProbeResult = { ok: false, status: '503', reason: 'expected status 200', body: 'down' };

/** A probe whose answer depends on the attempt number or the time, taking `latencyMs` of virtual time. */
function scriptedProbe(clock: FakeClock, answer: (attempt: number, now: number) => ProbeResult, latencyMs = 0): Probe & { starts: number[] } {
  const starts: number[] = [];
  return {
    label: 'app',
    starts,
    async check(signal) {
      starts.push(clock.now());
      const result = answer(starts.length, clock.now());
      await clock.sleep(latencyMs, signal);
      return signal.aborted ? { ok: false, status: 'timeout' } : result;
    },
  };
}

async function gate(probes: Probe[], clock: FakeClock, overrides: Partial<GateSettings> = {}) {
  const reports: AttemptReport[] = [];
  const result = await clock.run(runGate(probes, { ...settings, ...overrides }, { clock, onAttempt: (report) => reports.push(report) }));
  return { result, reports };
}

test('passes after success-threshold consecutive passes, one attempt per interval start-to-start', async () => {
  const clock = new FakeClock();
  const probe = scriptedProbe(clock, () => pass, 300);
  const { result, reports } = await gate([probe], clock);
  expect(result).toMatchObject({ healthy: true, attempts: 3, passedAtMs: 2300 });
  // 300 ms answers do not push the schedule: starts stay on the 1 s grid.
  expect(probe.starts).toEqual([0, 1000, 2000]);
  expect(reports.map((report) => report.streak)).toEqual([1, 2, 3]);
});

test('a failure resets the streak', async () => {
  const clock = new FakeClock();
  const answers = [pass, pass, fail, pass, pass, pass];
  const { result, reports } = await gate([scriptedProbe(clock, (n) => answers[n - 1] ?? fail)], clock);
  expect(result).toMatchObject({ healthy: true, attempts: 6 });
  expect(reports.map((report) => report.streak)).toEqual([1, 2, 0, 1, 2, 3]);
});

test('every target must pass in the same attempt', async () => {
  const clock = new FakeClock();
  const steady = scriptedProbe(clock, () => pass);
  const flapping = scriptedProbe(clock, (n) => (n % 2 === 0 ? pass : fail));
  const { result } = await gate([steady, flapping], clock, { deadlineMs: 10_000 });
  expect(result).toMatchObject({ healthy: false, failure: 'deadline', attempts: 10 });
});

test('fails at the deadline with the last failure kept', async () => {
  const clock = new FakeClock();
  const { result } = await gate([scriptedProbe(clock, () => fail, 50)], clock, { deadlineMs: 10_000 });
  expect(result).toMatchObject({ healthy: false, failure: 'deadline', attempts: 10 });
  expect(result.elapsedMs).toBeLessThanOrEqual(10_000);
  expect(result.lastFailure?.outcomes[0]).toMatchObject({ status: '503', body: 'down', label: 'app' });
});

test('an attempt is cut at attempt-timeout and the next one starts at once', async () => {
  const clock = new FakeClock();
  const probe = scriptedProbe(clock, () => pass, 60_000);
  const { result, reports } = await gate([probe], clock, { attemptTimeoutMs: 2000, deadlineMs: 7000 });
  // A fourth attempt at 6 s would have had one second, less than attempts take: it is not started.
  expect(result).toMatchObject({ healthy: false, attempts: 3 });
  expect(probe.starts).toEqual([0, 2000, 4000]);
  expect(reports.map((report) => report.outcomes[0]?.ms)).toEqual([2000, 2000, 2000]);
  expect(reports[0]?.outcomes[0]?.status).toBe('timeout');
});

test('never starts an attempt that cannot finish before the deadline, so the real failure is reported', async () => {
  const clock = new FakeClock();
  // 503 in 30 ms each time; an attempt at 2 s would have 10 ms before the deadline and time out.
  const probe = scriptedProbe(clock, () => fail, 30);
  const { result } = await gate([probe], clock, { deadlineMs: 2010 });
  expect(probe.starts).toEqual([0, 1000]);
  expect(result).toMatchObject({ healthy: false, failure: 'deadline', attempts: 2 });
  expect(result.last?.outcomes[0]?.status).toBe('503');
});

test('a slow attempt that overran its slot leaves no room for one more before the deadline', async () => {
  const clock = new FakeClock();
  const probe = scriptedProbe(clock, () => fail, 1990);
  const { result } = await gate([probe], clock, { deadlineMs: 3000 });
  // The next attempt would start at 1990 ms with 1010 ms left, less than the 1990 ms the first took.
  expect(probe.starts).toEqual([0]);
  expect(result).toMatchObject({ attempts: 1, elapsedMs: 1990 });
  expect(result.last?.outcomes[0]?.status).toBe('503');
});

describe('a fatal outcome', () => {
  const crashed: ProbeResult = { ok: false, status: 'restarted', reason: 'bot-1 restarted (exit code 1)', fatal: true };

  test('fails the gate at once while waiting, not at the deadline', async () => {
    const clock = new FakeClock();
    const probe = scriptedProbe(clock, (n) => (n === 2 ? crashed : pass), 10);
    const { result } = await gate([probe], clock, { deadlineMs: 120_000 });
    expect(result).toMatchObject({ healthy: false, failure: 'fatal', attempts: 2, elapsedMs: 1010 });
    expect(result.lastFailure?.outcomes[0]).toMatchObject({ status: 'restarted', fatal: true });
  });

  test('fails the gate at once while soaking', async () => {
    const clock = new FakeClock();
    const { result } = await gate([scriptedProbe(clock, (n) => (n === 5 ? crashed : pass))], clock, { soakMs: 60_000, maxFailureRatio: 0.5 });
    expect(result).toMatchObject({ healthy: false, failure: 'fatal', attempts: 5, passedAtMs: 2000, soak: { attempts: 2, failures: 1 } });
  });
});

test('app healthy at a random moment: with threshold 1 the gate passes within one interval', async () => {
  for (const healthyAt of [0, 1, 999, 1000, 1001, 4321]) {
    const clock = new FakeClock();
    const { result } = await gate([scriptedProbe(clock, (_n, now) => (now >= healthyAt ? pass : fail), 20)], clock, { successThreshold: 1 });
    expect(result.passedAtMs! - healthyAt).toBeLessThanOrEqual(1000 + 20);
  }
});

describe('soak', () => {
  test('passes when failures stay within max-failure-ratio', async () => {
    const clock = new FakeClock();
    // Passes 1-3, then one failure in ten soak attempts.
    const { result } = await gate([scriptedProbe(clock, (n) => (n === 8 ? fail : pass))], clock, { soakMs: 10_000, maxFailureRatio: 0.1 });
    expect(result).toMatchObject({ healthy: true, attempts: 13, soak: { attempts: 10, failures: 1 } });
  });

  test('fails by ratio when the app flaps after passing', async () => {
    const clock = new FakeClock();
    const { result } = await gate([scriptedProbe(clock, (n) => (n <= 3 || n % 3 !== 0 ? pass : fail))], clock, { soakMs: 10_000, maxFailureRatio: 0.2 });
    expect(result).toMatchObject({ healthy: false, failure: 'soak', passedAtMs: 2000 });
    expect(result.soak!.failures / result.soak!.attempts).toBeGreaterThan(0.2);
  });

  test('a soak shorter than the interval still checks once (and can fail), rather than passing unchecked', async () => {
    const clock = new FakeClock();
    const probe = scriptedProbe(clock, (n) => (n <= 3 ? pass : fail));
    const { result } = await gate([probe], clock, { soakMs: 500 });
    expect(result).toMatchObject({ healthy: false, failure: 'soak', attempts: 4, soak: { attempts: 1, failures: 1 } });
    expect(probe.starts).toEqual([0, 1000, 2000, 3000]);
  });

  test('stops as soon as the ratio can no longer be met', async () => {
    const clock = new FakeClock();
    const { result } = await gate([scriptedProbe(clock, (n) => (n === 5 ? fail : pass))], clock, { soakMs: 60_000, maxFailureRatio: 0 });
    expect(result).toMatchObject({ healthy: false, failure: 'soak', attempts: 5, soak: { attempts: 2, failures: 1 } });
    expect(result.elapsedMs).toBe(4000);
  });
});
