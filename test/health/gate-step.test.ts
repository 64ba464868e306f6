import { gate } from '../../src/health/gate-step.js';
import { SummaryBuffer } from '../../src/log/job-summary.js';
import { scriptedContext } from '../support/scripted-context.js';
import { ScriptedSession } from '../support/scripted-session.js';

const running = (restartCount: number): string =>
  JSON.stringify({ name: '/bot-bot-1', restartCount, state: { Status: 'running', Running: true, Restarting: false, ExitCode: 0, StartedAt: '2026-11-25T10:00:00Z' } });

const targets = {
  urls: [],
  viaSsh: false,
  container: { kind: 'compose', project: 'bot', service: 'bot' } as const,
  headers: {},
  expect: { statuses: [200], json: [] },
  gate: { intervalMs: 10, attemptTimeoutMs: 1000, deadlineMs: 5000, successThreshold: 3, soakMs: 0, maxFailureRatio: 0 },
};

describe('gate step', () => {
  it('checks over the host context\'s own connection and opens no other', async () => {
    const session = new ScriptedSession().on('docker inspect', { stdout: `${running(0)}\n` });
    const { ctx, log } = scriptedContext(session);
    const summary = new SummaryBuffer();
    const result = await gate(ctx, targets, summary);
    expect(result).toMatchObject({ healthy: true, labels: ['compose service bot/bot'] });
    expect(result.gate.attempts).toBe(3);
    expect(session.count('docker inspect')).toBe(3);
    expect(session.closed).toBe(0);
    expect(summary.sections.map((s) => s.heading)).toEqual(['Health gate']);
    expect(log.lines.filter((line) => /^attempt \d/.test(line))).toHaveLength(3);
  });

  it('returns the failure sentence instead of throwing, for the pipeline to act on', async () => {
    let restarts = 0;
    const session = new ScriptedSession().on('docker inspect', () => ({ stdout: `${running(restarts++)}\n` }));
    const { ctx } = scriptedContext(session);
    const result = await gate(ctx, targets, new SummaryBuffer());
    expect(result.healthy).toBe(false);
    expect(result.failure).toMatch(/^Health gate failed: compose service bot\/bot crashed while the gate was checking/);
  });
});
