import { crashDetails, inspectContainers } from '../../src/host/container-commands.js';
import { judgeContainer, parseSnapshots, withCrashDetails, type ContainerSnapshot } from '../../src/health/container-state.js';

const running = (overrides: Partial<ContainerSnapshot['state']> = {}, restartCount = 0): ContainerSnapshot => ({
  name: 'faceit-bot-1',
  restartCount,
  state: { Status: 'running', Running: true, Restarting: false, ExitCode: 0, StartedAt: '2026-11-25T10:00:00Z', ...overrides },
});

describe('inspectContainers', () => {
  test('a named container: one quoted argument, never parsed as shell', () => {
    const line = inspectContainers({ kind: 'container', name: "bot'; rm -rf / #" });
    expect(line).toMatch(/^sh -c 'exec docker inspect --type container --format "\$1" "\$2"' sh '/);
    expect(line.endsWith(` 'bot'\\''; rm -rf / #'`)).toBe(true);
  });

  test('a compose service: found by the project and service labels, its one-off (`compose run`) containers left out', () => {
    const line = inspectContainers({ kind: 'compose', project: 'faceit-bot-blue', service: 'bot' });
    expect(line).toContain(
      '--filter "label=com.docker.compose.project=$2" --filter "label=com.docker.compose.service=$3" --filter "label=com.docker.compose.oneoff=False"',
    );
    expect(line.endsWith(' faceit-bot-blue bot')).toBe(true);
  });
});

describe('judgeContainer', () => {
  test('running without a healthcheck passes, also on the first look', () => {
    expect(judgeContainer(running(), undefined)).toEqual({ ok: true, status: 'running' });
    expect(judgeContainer(running(), running())).toEqual({ ok: true, status: 'running' });
  });

  test('a restart between two looks fails, even when it is running again, and is fatal: waiting cannot fix a crash', () => {
    expect(judgeContainer(running({ StartedAt: '2026-11-25T10:00:05Z' }, 1), running())).toMatchObject({ ok: false, status: 'restarted', fatal: true });
    expect(judgeContainer(running({}, 1), running())).toMatchObject({ ok: false, status: 'restarted', fatal: true });
  });

  test('restarting and exited containers fail with the exit code; restarting is fatal, exited may still be started', () => {
    expect(judgeContainer(running({ Restarting: true, ExitCode: 1 }, 4), undefined)).toEqual({
      ok: false, status: 'restarting', reason: 'faceit-bot-1 is restarting (exit code 1, 4 restarts)', fatal: true,
    });
    expect(judgeContainer(running({ Running: false, Status: 'exited', ExitCode: 137 }), undefined)).toEqual({
      ok: false, status: 'exited', reason: 'faceit-bot-1 is exited (exit code 137)',
    });
  });

  test('with a Docker healthcheck only healthy passes, and the failing probe output is the reason', () => {
    expect(judgeContainer(running({ Health: { Status: 'healthy' } }), undefined)).toEqual({ ok: true, status: 'healthy' });
    expect(judgeContainer(running({ Health: { Status: 'starting', Log: null } }), undefined)).toEqual({ ok: false, status: 'starting', reason: 'healthcheck is starting' });
    expect(judgeContainer(running({ Health: { Status: 'unhealthy', Log: [{ ExitCode: 1, Output: 'db down\n' }] } }), undefined)).toEqual({
      ok: false, status: 'unhealthy', reason: 'healthcheck is unhealthy: db down',
    });
  });

  test('a crash verdict gains the exit code from the die events and the last log lines, one line', () => {
    const restarted = judgeContainer(running({}, 1), running());
    expect(withCrashDetails(restarted, 'exit=137\nstarting\n::warning::x\n').reason).toBe(
      'faceit-bot-1 restarted since the previous attempt (1 restarts), exit code 137; last log lines: starting ⏎ ::warning::x',
    );
    expect(withCrashDetails(restarted, 'exit=\n').reason).toBe('faceit-bot-1 restarted since the previous attempt (1 restarts), exit code unknown; it logged nothing');
    // A restarting container's State still holds the exit code: it is not repeated.
    const restarting = judgeContainer(running({ Restarting: true, ExitCode: 1 }, 4), undefined);
    expect(withCrashDetails(restarting, 'exit=1\nboom\n').reason).toBe('faceit-bot-1 is restarting (exit code 1, 4 restarts); last log lines: boom');
  });

  test('crashDetails passes the name and time as arguments, never as shell', () => {
    const line = crashDetails("bot'; rm -rf / #", '2026-11-25T10:00:00Z');
    expect(line).toContain(" sh 'bot'\\''; rm -rf / #' 2026-11-25T10:00:00Z ");
    expect(line).toContain('--filter "container=$1" --filter event=die');
  });

  test('parses one JSON line per container', () => {
    const line = JSON.stringify({ name: '/a', restartCount: 2, state: running().state });
    expect(parseSnapshots(`${line}\n${line}\n`)).toHaveLength(2);
  });
});
