import { containerProbe } from '../../src/health/container-probe.js';
import { runGate, type GateSettings } from '../../src/health/gate.js';
import type { ExecOptions, ExecResult, SshSession } from '../../src/ssh/types.js';
import { FakeClock } from './fake-clock.js';

const runningLine = JSON.stringify({
  name: '/bot-1',
  restartCount: 0,
  state: { Status: 'running', Running: true, Restarting: false, ExitCode: 0, StartedAt: '2026-11-25T10:00:00Z' },
});

/** A session whose `docker inspect` answers with `answer` (a promise that may never settle), recording each exec's options. */
function fakeSession(answer: (line: string) => Promise<ExecResult>): SshSession & { calls: ExecOptions[] } {
  const calls: ExecOptions[] = [];
  return {
    host: 'web1',
    commandTimeoutMs: 0,
    calls,
    exec: (line, options = {}) => {
      calls.push(options);
      return answer(line);
    },
    run: () => Promise.reject(new Error('not used')),
    writeFile: () => Promise.reject(new Error('not used')),
    forward: () => Promise.reject(new Error('not used')),
    close: () => Promise.resolve(),
  };
}

const settings: GateSettings = { intervalMs: 1000, attemptTimeoutMs: 2000, deadlineMs: 5000, successThreshold: 3, soakMs: 0, maxFailureRatio: 0 };
const target = { kind: 'container', name: 'bot-1' } as const;

describe('containerProbe', () => {
  test('bounds a hung docker inspect on the host by the attempt timeout, not the connection command-timeout', async () => {
    const session = fakeSession(() => new Promise<ExecResult>(() => {}));
    const clock = new FakeClock();
    const result = await clock.run(runGate([containerProbe(session, target)], settings, { clock }));
    expect(result).toMatchObject({ healthy: false, failure: 'deadline', attempts: 2 });
    expect(result.last?.outcomes[0]).toMatchObject({ status: 'timeout', reason: 'no answer within attempt-timeout' });
    // Attempts start at 0 and 2 s; one at 4 s would have only a second, less than the 2 s attempts take.
    expect(session.calls).toEqual([
      { stream: false, timeoutMs: 2000 },
      { stream: false, timeoutMs: 2000 },
    ]);
  });

  test('a docker inspect killed at its timeout counts as a timeout, not as a failed inspect', async () => {
    const session = fakeSession(() => Promise.resolve({ code: 143, stdout: '', stderr: '', timedOut: true }));
    const probe = containerProbe(session, target);
    expect(await probe.check(new AbortController().signal, 2000)).toEqual({ ok: false, status: 'timeout', reason: 'no answer within attempt-timeout' });
  });

  test('never hands exec a 0 timeout (which would mean none)', async () => {
    const session = fakeSession(() => Promise.resolve({ code: 0, stdout: `${runningLine}\n`, stderr: '', timedOut: false }));
    expect(await containerProbe(session, target).check(new AbortController().signal, 0.4)).toEqual({ ok: true, status: 'running' });
    expect(session.calls).toEqual([{ stream: false, timeoutMs: 1 }]);
  });

  test('a running container passes, each inspect bounded by attempt-timeout', async () => {
    const session = fakeSession(() => Promise.resolve({ code: 0, stdout: `${runningLine}\n`, stderr: '', timedOut: false }));
    const clock = new FakeClock();
    const result = await clock.run(runGate([containerProbe(session, target)], { ...settings, deadlineMs: 120_000 }, { clock }));
    expect(result).toMatchObject({ healthy: true, attempts: 3 });
    expect(session.calls.map((options) => options.timeoutMs)).toEqual([2000, 2000, 2000]);
  });

  test('a restart seen while waiting fails the gate at once, with the exit code and the last log lines', async () => {
    const restarted = runningLine.replace('"restartCount":0', '"restartCount":1').replace('10:00:00Z', '10:00:01Z');
    let inspections = 0;
    const hostLines: string[] = [];
    const session = fakeSession((line) => {
      hostLines.push(line);
      if (line.includes('docker inspect')) {
        inspections += 1;
        return Promise.resolve({ code: 0, stdout: `${inspections === 1 ? runningLine : restarted}\n`, stderr: '', timedOut: false });
      }
      return Promise.resolve({ code: 0, stdout: 'exit=1\nconnecting\nfatal: BOT_TOKEN rejected\n', stderr: '', timedOut: false });
    });
    const clock = new FakeClock();
    const result = await clock.run(runGate([containerProbe(session, target)], { ...settings, deadlineMs: 120_000 }, { clock }));
    expect(result).toMatchObject({ healthy: false, failure: 'fatal', attempts: 2, elapsedMs: 1000 });
    expect(result.last?.outcomes[0]).toMatchObject({
      ok: false,
      status: 'restarted',
      fatal: true,
      reason: 'bot-1 restarted since the previous attempt (1 restarts), exit code 1; last log lines: connecting ⏎ fatal: BOT_TOKEN rejected',
    });
    // The exit code is looked up among the container's die events since the start the previous look saw.
    expect(hostLines[2]).toContain(' sh bot-1 2026-11-25T10:00:00Z ');
  });
});
