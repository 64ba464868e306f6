import { execFileSync } from 'node:child_process';
import { command, quote, script, withEnv } from '../../src/host/shell.js';

/** Runs a command line through a real sh and returns what it printed. */
const sh = (line: string): string => execFileSync('sh', ['-c', line], { encoding: 'utf8' });

describe('shell quoting', () => {
  const hostile = ['v1;rm -rf /', '$(id)', '`id`', "it's", 'a b', '', '*', '\n', '"double"', '\\', '-n'];

  it.each(hostile)('passes %j through sh as one literal argument', (arg) => {
    expect(sh(`printf '%s' ${quote(arg)}`)).toBe(arg);
  });

  it('leaves plain words unquoted so logged commands stay readable', () => {
    expect(command('docker', 'compose', '-p', 'faceit-bot', 'up', '-d')).toBe('docker compose -p faceit-bot up -d');
  });

  it('hands script arguments over as positional parameters, never as shell text', () => {
    expect(sh(script('printf "%s|%s" "$1" "$2"', '$(echo pwned)', 'x;y'))).toBe('$(echo pwned)|x;y');
  });

  it('sets variables for one command with env(1)', () => {
    expect(sh(withEnv({ APP: 'a b', VERSION: "v'1" }, command('sh', '-c', 'printf "%s/%s" "$APP" "$VERSION"')))).toBe("a b/v'1");
    expect(withEnv({}, 'true')).toBe('true');
  });
});
