import type { GateSettings } from '../../src/health/gate.js';
import { ActionFailure } from '../../src/runner/action-failure.js';
import type { HealthGateConfig } from '../../src/health/health-gate-inputs.js';
import { runHealthGate } from '../../src/health/health-gate.js';
import { healthGateOutputs } from '../../src/health-gate/outputs.js';
import { parseJsonConditions } from '../../src/health/json-conditions.js';
import { RecordingLog } from '../../src/log/recording-log.js';
import { SummaryBuffer } from '../../src/log/job-summary.js';
import { json, startServer, type TestServer } from './http-server.js';

const fast: GateSettings = { intervalMs: 200, attemptTimeoutMs: 1000, deadlineMs: 5000, successThreshold: 3, soakMs: 0, maxFailureRatio: 0 };

function config(server: TestServer, overrides: Partial<HealthGateConfig> = {}, gate: Partial<GateSettings> = {}): HealthGateConfig {
  return {
    urls: [new URL(server.url)],
    viaSsh: false,
    ssh: [],
    headers: {},
    expect: { statuses: [200], json: [] },
    ...overrides,
    gate: { ...fast, ...gate },
  };
}

async function gate(target: HealthGateConfig) {
  const log = new RecordingLog();
  const summary = new SummaryBuffer();
  const started = Date.now();
  const outcome = await runHealthGate(target, { log, summary }).then(healthGateOutputs).then(
    (outputs) => ({ outputs, error: undefined }),
    (error: unknown) => ({ outputs: (error as ActionFailure).outputs, error: error as ActionFailure }),
  );
  const attemptLines = log.lines.filter((line) => /^(soak )?attempt \d+/.test(line));
  return { ...outcome, log, summary, attemptLines, wallMs: Date.now() - started };
}

let server: TestServer;
afterEach(() => server.close());

test('an app that becomes healthy after a while passes once three attempts in a row succeed', async () => {
  const healthyAt = Date.now() + 1000;
  server = await startServer((_req, res) =>
    Date.now() >= healthyAt ? json(res, 200, { status: 'healthy', version: 'v1' }) : json(res, 503, { status: 'starting' }),
  );
  const run = await gate(config(server, { expect: { statuses: [200], json: parseJsonConditions('status == healthy') } }));
  expect(run.error).toBeUndefined();
  // ~5 failing attempts during the first second (one per 200 ms), then exactly three passes.
  expect(run.outputs).toMatchObject({ healthy: true, 'last-status': '200' });
  expect(Number(run.outputs.attempts)).toBeGreaterThanOrEqual(7);
  expect(Number(run.outputs.attempts)).toBeLessThanOrEqual(10);
  expect(run.attemptLines).toHaveLength(Number(run.outputs.attempts));
  expect(run.attemptLines[0]).toMatch(/^attempt 1: 503 in \d+ms - expected status 200$/);
  expect(run.attemptLines.at(-1)).toMatch(/^attempt \d+ \(3\/3\): 200 in \d+ms$/);
  // Passing takes the two extra intervals after healthy, not more.
  expect(run.wallMs).toBeLessThan(1000 + 3 * 200 + 1000);
  expect(run.summary.sections[0]?.rows).toEqual(
    expect.arrayContaining([['Target', server.url], ['Result', 'healthy'], ['Attempts', String(run.outputs.attempts)], ['Last status', '200']]),
  );
});

test('an app that never gets healthy fails within the deadline with one sentence naming status and body', async () => {
  server = await startServer((_req, res) => json(res, 503, { status: 'starting', detail: 'waiting for postgres' }));
  const run = await gate(config(server, {}, { deadlineMs: 1500 }));
  expect(run.error).toBeInstanceOf(ActionFailure);
  expect(run.wallMs).toBeLessThan(1500 + 1000);
  // An attempt every 200 ms for 1.5 s: 8 on an idle machine, fewer when a loaded one delays one.
  const attempts = Number(run.outputs.attempts);
  expect(attempts).toBeGreaterThanOrEqual(6);
  expect(attempts).toBeLessThanOrEqual(8);
  expect(run.outputs).toMatchObject({ healthy: false, 'last-status': '503' });
  expect(run.error?.message).toBe(
    `Health gate failed: ${server.url} did not pass 3 checks in a row within 1.5s (${attempts} attempts); last status 503 (expected status 200), ` +
      'body "{"status":"starting","detail":"waiting for postgres"}". ' +
      'Read the app logs on the host (docker compose logs), or raise `deadline` if it needs longer to start.',
  );
  expect(run.summary.sections[0]?.rows).toContainEqual(['Result', 'not healthy before the deadline']);
});

test('the wrong version in the JSON fails, naming the condition', async () => {
  server = await startServer((_req, res) => json(res, 200, { status: 'healthy', version: 'v1' }));
  const run = await gate(config(server, { expect: { statuses: [200], json: parseJsonConditions('status == healthy\nversion == v2') } }, { deadlineMs: 600 }));
  expect(run.error?.message).toContain('last status 200 (json version was "v1", expected "v2")');
  expect(run.attemptLines[0]).toMatch(/^attempt 1: 200 in \d+ms - json version was "v1", expected "v2"$/);
});

test('expect-body is a regular expression the body must match', async () => {
  server = await startServer((_req, res) => res.end('OK: ready since 12:00'));
  const pass = await gate(config(server, { expect: { statuses: [200], json: [], body: /^OK: ready/ } }));
  expect(pass.outputs.healthy).toBe(true);
  const fail = await gate(config(server, { expect: { statuses: [200], json: [], body: /^OK: ready \d+ workers/ } }, { deadlineMs: 1500 }));
  expect(fail.error?.message).toContain('(body did not match /^OK: ready \\d+ workers/), body "OK: ready since 12:00"');
});

test('an expect-body pattern that backtracks without end is cut at attempt-timeout, and the deadline holds', async () => {
  // ^(a+)+$ against 27 a's and a "!" takes seconds on the main thread (each added "a" doubles it).
  server = await startServer((_req, res) => res.end(`${'a'.repeat(27)}!`));
  const run = await gate(config(server, { expect: { statuses: [200], json: [], body: /^(a+)+$/ } }, { attemptTimeoutMs: 300, deadlineMs: 1000 }));
  expect(run.wallMs).toBeLessThan(1000 + 1000);
  expect(run.outputs).toMatchObject({ healthy: false, 'last-status': 'timeout' });
  expect(run.attemptLines[0]).toMatch(/^attempt 1: timeout in \d+ms - expect-body \/\^\(a\+\)\+\$\/ was still matching at attempt-timeout$/);
});

test('a server that never answers is cut at attempt-timeout', async () => {
  server = await startServer(() => {});
  const run = await gate(config(server, {}, { attemptTimeoutMs: 300, deadlineMs: 1000 }));
  expect(run.outputs).toMatchObject({ healthy: false, 'last-status': 'timeout' });
  // Attempts start at 0, 300, 600 ms: each overran its 200 ms slot, so the next started at once. One at
  // 900 ms would have 100 ms, less than attempts take: not started (the exact schedule is in gate.test.ts).
  expect([2, 3]).toContain(run.outputs.attempts);
  expect(run.wallMs).toBeLessThan(1000 + 1000);
  expect(run.attemptLines[0]).toMatch(/^attempt 1: timeout in (29\d|[3-6]\d\d)ms - no answer within attempt-timeout$/);
});

test('an app that flaps while soaking fails by failure ratio', async () => {
  let served = 0;
  server = await startServer((_req, res) => {
    served += 1;
    return served > 3 && served % 2 === 0 ? json(res, 502, { status: 'down' }) : json(res, 200, { status: 'healthy' });
  });
  const run = await gate(config(server, {}, { intervalMs: 100, soakMs: 2000, maxFailureRatio: 0.25 }));
  expect(run.outputs.healthy).toBe(false);
  expect(run.error?.message).toMatch(
    new RegExp(`^Health gate failed: ${server.url} passed, then failed \\d+ of \\d+ checks while soaking for 2\\.0s \\(more than max-failure-ratio 0\\.25\\); last failure: status 502`),
  );
  expect(run.attemptLines.some((line) => /^soak attempt \d+: 502/.test(line))).toBe(true);
});

test('every URL must pass; the failing one is named', async () => {
  server = await startServer((req, res) => (req.url === '/ready' ? json(res, 503, { ready: false }) : json(res, 200, {})));
  const ready = new URL('/ready', server.url);
  const run = await gate(config(server, { urls: [new URL(server.url), ready] }, { deadlineMs: 500 }));
  expect(run.error?.message).toContain(`last ${ready.href}: status 503 (expected status 200), body "{"ready":false}"`);
  expect(run.attemptLines[0]).toMatch(new RegExp(`^attempt 1: ${server.url} 200 in \\d+ms; ${ready.href} 503 in \\d+ms - expected status 200$`));
});
