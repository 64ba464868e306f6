import { jest } from '@jest/globals';
import { actionsLog } from '../../src/runner/actions-log.js';

/** What the action writes to stdout (where the runner reads workflow commands) while `work` runs. */
function stdoutOf(work: () => void): string[] {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(chunk.toString());
    return true;
  });
  try {
    work();
  } finally {
    spy.mockRestore();
  }
  return written.join('').split('\n').slice(0, -1);
}

describe('actionsLog', () => {
  it('prints host output inside a stop-commands block whose token is fresh and unguessable', () => {
    const hostLines = ['::add-mask::x', '::warning::pwned', '::stop-commands::abc', '::abc::', 'done'];
    const first = stdoutOf(() => actionsLog.hostOutput(hostLines));
    const second = stdoutOf(() => actionsLog.hostOutput(['again']));
    const token = /^::stop-commands::([0-9a-f]{32})$/.exec(first[0] ?? '')?.[1];
    expect(token).toBeDefined();
    expect(first).toEqual([`::stop-commands::${token}`, ...hostLines, `::${token}::`]);
    expect(second[0]).toMatch(/^::stop-commands::[0-9a-f]{32}$/);
    expect(second[0]).not.toBe(first[0]);
  });

  it('prints nothing for no host lines', () => {
    expect(stdoutOf(() => actionsLog.hostOutput([]))).toEqual([]);
  });

  it('registers every part of a secret with the runner, and no armor or short parts', () => {
    const lines = stdoutOf(() => actionsLog.mask('Bearer abcdef123456\nab'));
    expect(lines).toEqual(['::add-mask::Bearer abcdef123456%0Aab', '::add-mask::Bearer abcdef123456', '::add-mask::abcdef123456']);
  });
});
