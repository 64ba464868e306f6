import { execFileSync } from 'node:child_process';
import { healthGateAction } from '../../src/actions/health-gate.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readHealthGateInputs } from '../../src/health/health-gate-inputs.js';
import { runHealthGate } from '../../src/health/health-gate.js';
import { ActionFailure } from '../../src/runner/action-failure.js';
import { Inputs } from '../../src/inputs/inputs.js';
import { RecordingLog } from '../../src/log/recording-log.js';
import type { Outputs } from '../../src/runner/run-action.js';
import { SummaryBuffer } from '../../src/runner/job-summary.js';
import { connectSsh } from '../../src/ssh/connect.js';
import type { SshSession } from '../../src/ssh/types.js';
import { lab } from '../lab/lab.js';
import { freePort, labSshInputs, onHost, removeAppContainers, uniqueApp } from '../support/lab-host.js';
import { runLabContainer, waitForAnswer } from './lab-containers.js';

/** Runs the gate from its inputs, counting SSH connections and tunnels so the via-ssh path is proven. */
async function gate(values: Record<string, string>, rewrite: (line: string) => string = (line) => line) {
  const log = new RecordingLog();
  const config = readHealthGateInputs(new Inputs(healthGateAction.inputs, (name) => values[name] ?? ''), log);
  const traffic = { connections: 0, closed: 0, forwards: [] as string[] };
  const connect = async (...args: Parameters<typeof connectSsh>): Promise<SshSession> => {
    const session = await connectSsh(...args);
    traffic.connections += 1;
    return {
      host: session.host,
      commandTimeoutMs: session.commandTimeoutMs,
      exec: (line, options) => session.exec(rewrite(line), options),
      run: (line, options) => session.run(rewrite(line), options),
      writeFile: (path, content, mode) => session.writeFile(path, content, mode),
      forward: (host, port) => {
        traffic.forwards.push(`${host}:${port}`);
        return session.forward(host, port);
      },
      close: () => {
        traffic.closed += 1;
        return session.close();
      },
    };
  };
  let outputs: Outputs;
  let error: ActionFailure | undefined;
  try {
    outputs = await runHealthGate(config, { log, summary: new SummaryBuffer() }, { connect });
  } catch (caught) {
    error = caught as ActionFailure;
    outputs = error.outputs;
  }
  return { outputs, error, log, traffic };
}

/** PIDs of processes on the lab host (this machine) whose command line matches. */
function pids(pattern: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

const fast = { interval: '300ms', 'attempt-timeout': '2s', deadline: '20s' };

describe('via-ssh: the URL is requested from the host through the SSH connection', () => {
  const app = uniqueApp('hg-web');
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    // Published on the host's loopback only, as a webhook bot behind nginx is.
    runLabContainer(app, `${lab.images.webhook}:v1`, ['-p', `127.0.0.1:${port}:8080`, '-e', 'BOT_TOKEN=unused']);
    await waitForAnswer(port);
  });
  afterAll(() => removeAppContainers(app));

  it('passes for a healthy v1, over one connection with one tunnel per attempt', async () => {
    const run = await gate({
      ...labSshInputs(),
      ...fast,
      url: `http://127.0.0.1:${port}/health`,
      'via-ssh': 'true',
      'expect-json': 'status == healthy, version == v1',
    });
    expect(run.error).toBeUndefined();
    expect(run.outputs).toMatchObject({ healthy: true, 'last-status': '200' });
    expect(Number(run.outputs.attempts)).toBeGreaterThanOrEqual(3);
    expect(run.traffic.connections).toBe(1);
    expect(run.traffic.closed).toBe(1);
    expect(run.traffic.forwards).toHaveLength(Number(run.outputs.attempts));
    expect(new Set(run.traffic.forwards)).toEqual(new Set([`127.0.0.1:${port}`]));
  });

  it('fails naming the version it saw when v2 was expected', async () => {
    const run = await gate({
      ...labSshInputs(),
      ...fast,
      deadline: '2s',
      url: `http://127.0.0.1:${port}/health`,
      'via-ssh': 'true',
      'expect-json': 'version == v2',
    });
    expect(run.outputs.healthy).toBe(false);
    expect(run.error?.message).toContain('last status 200 (json version was "v1", expected "v2"), body "{"status":"healthy","version":"v1"}"');
    expect(run.traffic.closed).toBe(1);
  });
});

describe('container mode', () => {
  const app = uniqueApp('hg-poll');
  afterAll(() => removeAppContainers(app));

  it('passes for a running polling bot found by its compose labels', async () => {
    runLabContainer(app, `${lab.images.polling}:v1`, [
      // The labels compose puts on a service's own containers (a `compose run` one has oneoff=True).
      '--label', `com.docker.compose.project=${app}`, '--label', 'com.docker.compose.service=bot', '--label', 'com.docker.compose.oneoff=False',
      '-e', 'BOT_TOKEN=unused',
    ]);
    const run = await gate({ ...labSshInputs(), ...fast, app, service: 'bot' });
    expect(run.error).toBeUndefined();
    expect(run.outputs).toMatchObject({ healthy: true, attempts: 3, 'last-status': 'running' });
    expect(run.log.lines).toContainEqual(expect.stringMatching(/^attempt 3 \(3\/3\): running in \d+ms$/));
  });

  it('judges only the service, not a leftover `docker compose run` container of it that failed', async () => {
    const project = `${app}-oneoff`;
    const dir = mkdtempSync(join(tmpdir(), 'hg-oneoff-'));
    const file = join(dir, 'compose.yml');
    writeFileSync(
      file,
      `services:\n  bot:\n    image: ${lab.images.polling}:v1\n    environment: { BOT_TOKEN: unused }\n` +
        `    labels: { dev.bot-deploy.app: ${app}, ${lab.containerLabel}: health-gate }\n`,
    );
    const compose = `docker compose -p ${project} -f ${file}`;
    try {
      onHost(`${compose} up -d --quiet-pull 2>&1`);
      onHost(`${compose} run --entrypoint sh bot -c 'exit 3' 2>&1 || true`);
      expect(onHost(`docker ps -a --filter label=com.docker.compose.project=${project} --filter label=com.docker.compose.oneoff=True --format '{{.Status}}'`)).toMatch(/^Exited \(3\)/);
      const run = await gate({ ...labSshInputs(), ...fast, 'compose-project': project, service: 'bot' });
      expect(run.error).toBeUndefined();
      expect(run.outputs).toMatchObject({ healthy: true, attempts: 3, 'last-status': 'running' });
    } finally {
      onHost(`${compose} down --timeout 0 2>&1 || true`);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('waits for a Docker healthcheck to say healthy', async () => {
    const name = `${app}-checked`;
    runLabContainer(app, `${lab.images.webhook}:v1`, [
      '--name', name, '-e', 'BOT_TOKEN=unused',
      '--health-cmd', 'wget -q -O /dev/null http://127.0.0.1:8080/health', '--health-interval', '1s', '--health-start-period', '5s',
    ]);
    const run = await gate({ ...labSshInputs(), ...fast, container: name });
    expect(run.error).toBeUndefined();
    expect(run.outputs).toMatchObject({ healthy: true, 'last-status': 'healthy' });
    // Docker reports `starting` until its first check passes: the gate must have waited through it.
    expect(run.log.lines).toContainEqual(expect.stringMatching(/^attempt 1: starting in \d+ms - healthcheck is starting$/));
  });

  it('fails at once, not at the deadline, for a broken polling bot in a restart loop, with its exit code and last log lines', async () => {
    const name = `${app}-broken`;
    runLabContainer(app, `${lab.images.polling}:broken`, ['--name', name, '--restart', 'unless-stopped', '-e', 'BOT_TOKEN=unused']);
    const started = Date.now();
    const run = await gate({ ...labSshInputs(), ...fast, container: name });
    // The restart is seen within the first attempts (300 ms apart), far from the 20 s deadline.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(run.outputs.healthy).toBe(false);
    expect(['restarting', 'restarted']).toContain(run.outputs['last-status']);
    expect(run.error?.message).toMatch(new RegExp(`^Health gate failed: container ${name} crashed while the gate was checking \\(attempt \\d, after `));
    expect(run.error?.message).toMatch(/exit code 1[,;)]/);
    expect(run.error?.message).toContain('last log lines: polling-bot broken: cannot start (this image is broken on purpose)');
    expect(onHost(`docker inspect --format '{{.RestartCount}}' ${name}`).trim()).not.toBe('0');
  });

  it('kills a hung docker inspect on the host with its attempt, so none pile up on the connection', async () => {
    const mark = `9${Math.floor(Math.random() * 1e6)}`;
    // Every check hangs on the host before it gets to docker inspect.
    const run = await gate({ ...labSshInputs(), interval: '300ms', 'attempt-timeout': '400ms', deadline: '1500ms', container: `${app}-any` }, (line) => `sleep ${mark}; ${line}`);
    try {
      expect(run.outputs).toMatchObject({ healthy: false, 'last-status': 'timeout' });
      expect(Number(run.outputs.attempts)).toBeGreaterThanOrEqual(3);
      expect(run.log.lines.filter((line) => line.startsWith('warning:'))).toEqual([]);
      // The session closes only once the last one is killed too: nothing is left running.
      expect(pids(`sleep ${mark}`)).toEqual([]);
    } finally {
      for (const pid of pids(`sleep ${mark}`)) onHost(`kill ${pid}`);
    }
  });

  it('fails when no container carries the service labels', async () => {
    const run = await gate({ ...labSshInputs(), ...fast, deadline: '1s', app, service: 'no-such-service' });
    expect(run.outputs).toMatchObject({ healthy: false, 'last-status': 'missing' });
    expect(run.error?.message).toContain(`no container has the labels of compose service ${app}/no-such-service`);
  });
});
