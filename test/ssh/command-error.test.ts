import { lastLine } from '../../src/ssh/command-error.js';

describe('command-error lastLine', () => {
  it('quotes the last line of a failed command without its final period', () => {
    expect(lastLine('pulling...\nError: no such image.\n')).toBe('Error: no such image');
  });

  it('keeps a carriage return in host output from starting a line the runner reads as a command', () => {
    expect(lastLine('progress\nfailed\r::warning::pwned\r::add-mask::x')).toBe('failed ⏎ ::warning::pwned ⏎ ::add-mask::x');
  });
});
