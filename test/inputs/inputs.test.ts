import { InputError } from '../../src/inputs/input-error.js';
import type { InputSpec } from '../../src/inputs/input-spec.js';
import { Inputs } from '../../src/inputs/inputs.js';

const specs: InputSpec[] = [
  { name: 'port', default: '22', description: 'port' },
  { name: 'rollback', default: 'false', description: 'rollback' },
  { name: 'strategy', default: 'recreate', description: 'strategy' },
  { name: 'deadline', default: '120s', description: 'deadline' },
  { name: 'ratio', default: '0.5', description: 'ratio' },
  { name: 'keep', description: 'no default' },
  { name: 'url', description: 'list' },
  { name: 'passphrase', secret: true, description: 'secret' },
];
const inputs = (values: Record<string, string>): Inputs => new Inputs(specs, (name) => values[name] ?? '');
const problem = (read: () => unknown): string => {
  try {
    read();
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
  return 'no error';
};

describe('Inputs', () => {
  it('takes the spec default for an input left out or blank, and reads typed values from it', () => {
    const leftOut: Array<Record<string, string>> = [{}, { port: '  ', rollback: '', strategy: '', deadline: '', ratio: '' }];
    for (const given of leftOut) {
      const read = inputs(given);
      expect([read.integer('port', 1), read.bool('rollback'), read.oneOf('strategy', ['recreate', 'none']), read.durationMs('deadline'), read.number('ratio')]).toEqual([
        22,
        false,
        'recreate',
        120_000,
        0.5,
      ]);
      expect(read.optional('port')).toBe('22');
    }
  });

  it('trims and parses given values', () => {
    const read = inputs({ port: ' 2222 ', rollback: 'TRUE', strategy: 'none', deadline: '2m', ratio: '0.25', url: ' a, b\nc ' });
    expect([read.integer('port', 1), read.bool('rollback'), read.oneOf('strategy', ['recreate', 'none']), read.durationMs('deadline'), read.number('ratio')]).toEqual([
      2222,
      true,
      'none',
      120_000,
      0.25,
    ]);
    expect(read.list('url')).toEqual(['a', 'b', 'c']);
  });

  it('rejects bad values, and a typed input with no default and no value, with one sentence', () => {
    const read = inputs({ port: '0', rollback: 'yes', strategy: 'blue', deadline: 'soon', ratio: 'half' });
    expect(problem(() => read.integer('port', 1))).toBe('InputError: Input `port` must be a whole number of at least 1, not "0".');
    expect(problem(() => read.bool('rollback'))).toBe('InputError: Input `rollback` must be true or false, not "yes".');
    expect(problem(() => read.oneOf('strategy', ['recreate', 'none']))).toBe('InputError: Input `strategy` must be one of recreate, none, not "blue".');
    expect(problem(() => read.durationMs('deadline'))).toMatch(/^InputError: Input `deadline` must be a duration/);
    expect(problem(() => read.number('ratio'))).toBe('InputError: Input `ratio` must be a number, not "half".');
    expect(problem(() => read.integer('keep'))).toBe('InputError: Input `keep` is required.');
  });

  it('returns a secret exactly as given, surrounding spaces included, and refuses to read it trimmed', () => {
    const read = inputs({ passphrase: '  two spaces each side  ' });
    expect(read.raw('passphrase')).toBe('  two spaces each side  ');
    expect(problem(() => read.optional('passphrase'))).toBe('Error: Input `passphrase` is a secret and must be read untrimmed, with raw().');
  });

  it('treats reading an undeclared input as a bug, not as the user\'s mistake', () => {
    const error = (() => {
      try {
        inputs({ typo: 'x' }).optional('typo');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(InputError);
    expect((error as Error).message).toBe('Input `typo` is read but not declared in the action\'s input specs.');
  });

  it('tells a value the workflow gave from the default the runner fills in', () => {
    expect(inputs({ port: '22' }).given('port')).toBe(false);
    expect(inputs({ port: '' }).given('port')).toBe(false);
    expect(inputs({ port: '2200' }).given('port')).toBe(true);
    expect(inputs({ passphrase: ' x ' }).given('passphrase')).toBe(true);
  });
});
