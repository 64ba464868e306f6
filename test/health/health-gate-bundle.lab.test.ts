import { lab } from '../lab/lab.js';
import { runDistAction } from '../support/action-runner.js';
import { freePort, labSshInputs, removeAppContainers, uniqueApp } from '../support/lab-host.js';
import { json, startServer, type TestServer } from './http-server.js';
import { runLabContainer, waitForAnswer } from './lab-containers.js';

// These run dist/health-gate/index.js exactly as the runner does: build it first (`npm run build`).

const fast = { interval: '200ms', 'attempt-timeout': '2s' };

describe('dist/health-gate/index.js from the runner', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((req, res) =>
      req.headers['x-probe-token'] === 'tok-123-secret' ? json(res, 200, { status: 'healthy', version: 'v1', checks: { db: { ms: 4 } } }) : json(res, 401, {}),
    );
  });
  afterAll(() => server.close());

  it('passes, sets the outputs and writes the summary', async () => {
    const run = await runDistAction('health-gate', {
      ...fast,
      url: server.url,
      'expect-json': 'status == healthy\nversion == v1\nchecks.db.ms < 50',
      headers: 'X-Probe-Token: tok-123-secret',
    });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ healthy: 'true', attempts: '3', 'last-status': '200' });
    expect(Number(run.outputs['elapsed-ms'])).toBeGreaterThanOrEqual(400);
    expect(run.log).toMatch(/^attempt 3 \(3\/3\): 200 in \d+ms$/m);
    expect(run.masks).toContain('tok-123-secret');
    expect(run.log).not.toContain('tok-123-secret');
    expect(run.summary).toContain('<h2>health-gate</h2>');
    expect(run.summary).toContain(`<td>Target</td><td>${server.url}</td>`);
    expect(run.summary).toContain('<td>Result</td><td>healthy</td>');
  });

  it('fails with exit code 1 and one ::error:: sentence, the outputs still set', async () => {
    const run = await runDistAction('health-gate', {
      ...fast,
      deadline: '1s',
      url: server.url,
      'expect-json': 'version == v2',
      headers: 'X-Probe-Token: tok-123-secret',
    });
    expect(run.code).toBe(1);
    const errors = run.log.split('\n').filter((line) => line.startsWith('::error::'));
    expect(errors).toHaveLength(1);
    // An attempt every 200ms for 1s: 5 on an idle machine, fewer when a loaded one delays the first.
    const attempts = /within 1\.0s \((\d+) attempts\)/.exec(errors[0] ?? '')?.[1] ?? '';
    expect(Number(attempts)).toBeGreaterThanOrEqual(3);
    expect(errors[0]).toBe(
      `::error::Health gate failed: ${server.url} did not pass 3 checks in a row within 1.0s (${attempts} attempts); last status 200 ` +
        '(json version was "v1", expected "v2"), body "{"status":"healthy","version":"v1","checks":{"db":{"ms":4}}}". ' +
        'Read the app logs on the host (docker compose logs), or raise `deadline` if it needs longer to start.',
    );
    expect(run.summary).toContain('<td>Result</td><td>not healthy before the deadline</td>');
    expect(run.outputs).toMatchObject({ healthy: 'false', attempts, 'last-status': '200' });
  });

  it('matches expect-body in a worker the bundle can start, cut at attempt-timeout', async () => {
    const pass = await runDistAction('health-gate', { ...fast, url: server.url, headers: 'X-Probe-Token: tok-123-secret', 'expect-body': '"status":"healthy"' });
    expect(pass.code).toBe(0);
    const stuck = await startServer((_req, res) => res.end(`${'a'.repeat(30)}!`));
    try {
      const run = await runDistAction('health-gate', { interval: '200ms', 'attempt-timeout': '300ms', deadline: '1s', url: stuck.url, 'expect-body': '^(a+)+$' });
      expect(run.code).toBe(1);
      expect(run.log).toMatch(/^attempt 1: timeout in \d+ms - expect-body \/\^\(a\+\)\+\$\/ was still matching at attempt-timeout$/m);
    } finally {
      await stuck.close();
    }
  });

  it('rejects a bad condition before probing anything', async () => {
    const before = server.requests.length;
    const run = await runDistAction('health-gate', { url: server.url, 'expect-json': 'version => v2' });
    expect(run.code).toBe(1);
    expect(run.log).toContain('::error::Input `expect-json` has a bad condition "version => v2"');
    expect(server.requests).toHaveLength(before);
  });
});

describe('dist/health-gate/index.js via-ssh against the lab', () => {
  const app = uniqueApp('hg-dist');
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    runLabContainer(app, `${lab.images.webhook}:broken`, ['-p', `127.0.0.1:${port}:8080`, '-e', 'BOT_TOKEN=unused']);
    await waitForAnswer(port);
  });
  afterAll(() => removeAppContainers(app));

  it('fails for the broken image that answers 503 forever', async () => {
    const run = await runDistAction('health-gate', {
      ...labSshInputs(),
      ...fast,
      deadline: '2s',
      url: `http://127.0.0.1:${port}/health`,
      'via-ssh': 'true',
      'expect-json': 'status == healthy',
    });
    expect(run.code).toBe(1);
    expect(run.log).toMatch(/^::error::Health gate failed: http:\/\/127\.0\.0\.1:\d+\/health did not pass 3 checks in a row within 2\.0s \(\d+ attempts\); last status 503 \(expected status 200\), body "\{"status":"starting"\}"\./m);
    expect(run.log).not.toContain('PRIVATE KEY');
  });
});
