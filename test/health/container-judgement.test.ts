import { inspectContainers } from '../../src/health/container-commands.js';
import { judgeContainer, parseSnapshots, type ContainerSnapshot } from '../../src/health/container-state.js';

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

  test('a restart between two looks fails, even when it is running again', () => {
    expect(judgeContainer(running({ StartedAt: '2026-11-25T10:00:05Z' }, 1), running())).toMatchObject({ ok: false, status: 'restarted' });
    expect(judgeContainer(running({}, 1), running())).toMatchObject({ ok: false, status: 'restarted' });
  });

  test('restarting and exited containers fail with the exit code', () => {
    expect(judgeContainer(running({ Restarting: true, ExitCode: 1 }, 4), undefined)).toEqual({
      ok: false, status: 'restarting', reason: 'faceit-bot-1 is restarting (exit code 1, 4 restarts)',
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

  test('parses one JSON line per container', () => {
    const line = JSON.stringify({ name: '/a', restartCount: 2, state: running().state });
    expect(parseSnapshots(`${line}\n${line}\n`)).toHaveLength(2);
  });
});
