import { validateApp, validateAppDir, validateImage, validateVersion } from '../../src/deploy/names.js';
import { InputError } from '../../src/inputs/input-error.js';

describe('release names', () => {
  it.each(['v1', 'v1.2.3', '1.0.0-rc.1', 'a1b2c3d4e5f6', 'release_2026.11.25', 'V'.repeat(128)])('accepts %s', (version) => {
    expect(validateVersion(version)).toBe(version);
  });

  it.each(['../x', 'v1;rm -rf /', '', '.', '..', '-rf', '.hidden', 'v1 2', 'v1/2', '$(id)', 'v'.repeat(129), 'v1\n'])(
    'rejects %j with one sentence naming the input',
    (version) => {
      expect(() => validateVersion(version)).toThrow(InputError);
      expect(() => validateVersion(version)).toThrow(/^Input `version` .* is not a valid release name: .*\.$/s);
    },
  );

  it('accepts compose project names and rejects the rest', () => {
    expect(validateApp('faceit-bot')).toBe('faceit-bot');
    expect(() => validateApp('Faceit')).toThrow(/Input `app`/);
    expect(() => validateApp('bot;id')).toThrow(InputError);
  });

  it('accepts absolute app folders without dot parts', () => {
    expect(validateAppDir('/opt/bot/')).toBe('/opt/bot');
    for (const bad of ['opt/bot', '/opt/../etc', '/opt/./bot', '/opt/bot $(id)', '/']) {
      expect(() => validateAppDir(bad)).toThrow(/Input `app-dir`/);
    }
  });

  it('takes image repositories without a tag', () => {
    expect(validateImage('ghcr.io/acme/bot')).toBe('ghcr.io/acme/bot');
    expect(validateImage('127.0.0.1:5000/sample/webhook-bot')).toBe('127.0.0.1:5000/sample/webhook-bot');
    expect(() => validateImage('ghcr.io/acme/bot:latest')).toThrow(/without a tag/);
    expect(() => validateImage('ghcr.io/acme/bot;id')).toThrow(InputError);
  });
});
