import type { AttemptReport, GateResult, GateSettings, TargetOutcome } from '../../src/health/gate.js';
import { failureMessage, formatAttempt, summaryRows } from '../../src/health/gate-report.js';
import { RecordingLog } from '../../src/log/recording-log.js';

const settings: GateSettings = { intervalMs: 1000, attemptTimeoutMs: 5000, deadlineMs: 20_000, successThreshold: 3, soakMs: 0, maxFailureRatio: 0 };

function failed(outcome: Partial<TargetOutcome>, result: Partial<GateResult> = {}): GateResult {
  const report: AttemptReport = {
    number: 4,
    phase: 'wait',
    ok: false,
    streak: 0,
    outcomes: [{ ok: false, status: '503', label: 'http://127.0.0.1/health', ms: 12, ...outcome }],
    elapsedMs: 3012,
  };
  return { healthy: false, failure: 'deadline', attempts: 4, elapsedMs: 20_000, last: report, lastFailure: report, ...result };
}

describe('failureMessage', () => {
  test('quotes the body as it came, so a masked secret in it (two spaces, a quote) is still masked', () => {
    const log = new RecordingLog();
    log.mask('s3cr3t  "t0ken"');
    log.info(failureMessage(['http://127.0.0.1/health'], failed({ body: ' {"echo":"s3cr3t  "t0ken""} ' }), settings));
    expect(log.text).toContain('body "{"echo":"***"}"');
    expect(log.text).not.toContain('t0ken');
  });

  test('cuts a long body only between tokens, so no half of a secret is printed', () => {
    const token = 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4';
    const message = failureMessage(['http://127.0.0.1/health'], failed({ body: `{"status":"down","pad":"${'x'.repeat(160)}","token":"${token}"}` }), settings);
    expect(message).toContain('"pad":"xxxx');
    expect(message).not.toContain(token.slice(0, 4));
    expect(message).toContain(',"token":"...');
  });

  test('host and HTTP text never starts a line of its own (a workflow command)', () => {
    const result = failed({ reason: 'docker inspect failed: boom\r\n::add-mask::x', body: 'down\n::warning::pwned' });
    const message = failureMessage(['http://127.0.0.1/health'], result, settings);
    expect(message).not.toMatch(/[\r\n]/);
    expect(message).toContain('(docker inspect failed: boom ⏎ ::add-mask::x), body "down ⏎ ::warning::pwned"');
    expect(formatAttempt(result.last!, settings)).toBe('attempt 4: 503 in 12ms - docker inspect failed: boom ⏎ ::add-mask::x');
  });

  test('a fatal outcome is reported as a crash seen while checking, not as a deadline', () => {
    const result = failed(
      { status: 'restarted', reason: 'bot-1 restarted while the gate was checking (exit code 1, 2 restarts); last log lines: cannot start', fatal: true, label: 'container bot-1' },
      { failure: 'fatal', attempts: 2, elapsedMs: 1020 },
    );
    expect(failureMessage(['container bot-1'], result, settings)).toBe(
      'Health gate failed: container bot-1 crashed while the gate was checking (attempt 2, after 1.0s); status restarted ' +
        '(bot-1 restarted while the gate was checking (exit code 1, 2 restarts); last log lines: cannot start). ' +
        'A release that crashes will not get healthy by waiting: fix what its log shows, or roll back.',
    );
    expect(summaryRows(['container bot-1'], result)).toContainEqual(['Result', 'crashed while checking']);
  });
});
