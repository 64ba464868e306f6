import { CommandError } from '../../src/ssh/command-error.js';
import { checkExit } from '../../src/ssh/exit-policy.js';
import type { ExecResult } from '../../src/ssh/types.js';

const result = (overrides: Partial<ExecResult>): ExecResult => ({ code: 0, stdout: '', stderr: '', timedOut: false, ...overrides });
const failure = (overrides: Partial<ExecResult>, stream = false): unknown => {
  try {
    checkExit('web1', result(overrides), { what: 'Appending to /opt/bot/deploys.log', stream });
  } catch (error) {
    return error;
  }
  throw new Error('checkExit did not throw');
};

describe('exit-policy checkExit', () => {
  it('passes a zero exit, and a non-zero one the caller reads as an answer', () => {
    expect(checkExit('web1', result({ stdout: 'ok' }), { what: 'x' }).stdout).toBe('ok');
    expect(checkExit('web1', result({ code: 3 }), { what: 'x', allowFailure: true }).code).toBe(3);
  });

  it('names a full disk instead of what the tool made of it, with the file when the tool named one', () => {
    const error = failure({ code: 1, stderr: 'cat: write error: No space left on device\n' });
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).message).toBe('Appending to /opt/bot/deploys.log failed on web1: no space left on web1 — free some disk space.');
    expect((error as CommandError).exitCode).toBe(1);
    expect((failure({ code: 2, stderr: 'tee: /opt/bot/.lock.tmp: No space left on device\nsomething else\n' }) as Error).message).toBe(
      'Appending to /opt/bot/deploys.log failed on web1: no space left on web1 (/opt/bot/.lock.tmp) — free some disk space.',
    );
  });

  it('names a full disk in a streamed command too, whose output is otherwise left to the log above', () => {
    expect((failure({ code: 1, stdout: 'Pulling bot\nwrite /var/lib/docker/tmp/l: no space left on device\n' }, true) as Error).message).toMatch(
      /: no space left on web1 \(\/var\/lib\/docker\/tmp\/l\) — free some disk space\.$/,
    );
    expect((failure({ code: 1, stdout: 'Pulling bot\nfailed\n' }, true) as Error).message).toBe(
      'Appending to /opt/bot/deploys.log failed on web1 with exit code 1; its output is above.',
    );
  });

  it('quotes the last line of a quiet command that failed for another reason', () => {
    expect((failure({ code: 1, stderr: 'cat: /opt/bot/deploys.log: Permission denied\n' }) as Error).message).toBe(
      'Appending to /opt/bot/deploys.log failed on web1 with exit code 1: cat: /opt/bot/deploys.log: Permission denied.',
    );
  });

  it('fails a timed-out command even when its exit code would be an answer', () => {
    expect(() => checkExit('web1', result({ code: 124, timedOut: true }), { what: 'Waiting', allowFailure: true })).toThrow(
      new CommandError('Waiting on web1 did not finish within the command timeout and was stopped.', 124, true),
    );
  });
});
