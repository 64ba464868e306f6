import { UserError } from '../../src/errors/user-error.js';
import { InputError } from '../../src/inputs/input-error.js';
import { ActionFailure } from '../../src/runner/action-failure.js';
import { failStep } from '../../src/runner/fail-step.js';
import { DeployLockError } from '../../src/pipeline/deploy-lock.js';
import { CommandError } from '../../src/ssh/command-error.js';
import { SshError } from '../../src/ssh/ssh-error.js';

/** What the runner would show: the failed line and the debug lines. */
function failed(error: unknown): { failed: string[]; debug: string[] } {
  const runner = { failed: [] as string[], debug: [] as string[] };
  failStep(error, { setFailed: (message) => runner.failed.push(message), debug: (message) => runner.debug.push(message) });
  return runner;
}

describe('failStep', () => {
  it.each([
    new UserError('Fix this.'),
    new InputError('Fix this.'),
    new SshError('Fix this.'),
    new CommandError('Fix this.', 2),
    new DeployLockError('Fix this.'),
    new ActionFailure('Fix this.', { healthy: false }),
  ])('fails a user error ($name) with its one sentence and nothing else', (error) => {
    expect(failed(error)).toEqual({ failed: ['Fix this.'], debug: [] });
  });

  it('fails a bug with its message and keeps its stack in the debug log', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'host')");
    const shown = failed(bug);
    expect(shown.failed).toEqual(["Cannot read properties of undefined (reading 'host') (unexpected: re-run the job with debug logging enabled to see where it happened)."]);
    expect(shown.debug).toEqual([bug.stack]);
    expect(shown.debug[0]).toContain('fail-step.test.ts');
  });

  it('judges a failure carrying outputs by its cause: a bug behind it still shows its stack', () => {
    const bug = new RangeError('Invalid array length');
    const shown = failed(new ActionFailure(bug.message, { release: 'v1' }, bug));
    expect(shown.failed).toEqual(['Invalid array length (unexpected: re-run the job with debug logging enabled to see where it happened).']);
    expect(shown.debug).toEqual([bug.stack]);
    expect(failed(new ActionFailure('Fix this.', {}, new CommandError('Fix this.', 1)))).toEqual({ failed: ['Fix this.'], debug: [] });
  });

  it('fails something thrown that is not an Error with its text', () => {
    expect(failed('boom').failed).toEqual(['boom (unexpected: re-run the job with debug logging enabled to see where it happened).']);
  });
});
