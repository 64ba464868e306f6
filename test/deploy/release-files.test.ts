import { parse as parseDotenv } from 'dotenv';
import { parse as parseYaml } from 'yaml';
import { composeServices, dotenvVariables, labelsOverride, releaseEnvFile, servicesToStop, suiteVariables } from '../../src/deploy/release-files.js';
import { InputError } from '../../src/inputs/input-error.js';

describe('release files', () => {
  it('sets IMAGE only when an image is given', () => {
    expect(suiteVariables('bot', 'v2', 'ghcr.io/acme/bot')).toEqual({ APP: 'bot', VERSION: 'v2', IMAGE: 'ghcr.io/acme/bot:v2' });
    expect(suiteVariables('bot', 'v2', '')).toEqual({ APP: 'bot', VERSION: 'v2' });
  });

  it('writes the user variables first and the suite ones after, replacing the user\'s of the same name', () => {
    const text = releaseEnvFile('BOT_TOKEN=123:abc\r\nVERSION=mine\n', { APP: 'bot', VERSION: 'v2' });
    expect(text).toBe("BOT_TOKEN='123:abc'\n# set by bot-deploy\nAPP='bot'\nVERSION='v2'\n");
    expect(parseDotenv(text)).toEqual({ BOT_TOKEN: '123:abc', VERSION: 'v2', APP: 'bot' });
  });

  it('single-quotes every value so compose takes $, #, quotes, spaces and newlines literally', () => {
    const env = [
      'PW=abc$def', 'DQ="dq $HOME"', 'DD=a$$b', "SQ='hash # x'", 'EQ=a=b', "TRAIL='trail '", 'QUOTES="it\'s \\"q\\""',
      'BS=back\\slash', 'ML="line1\nline2"', 'EMPTY=',
    ].join('\n');
    expect(releaseEnvFile(env, {})).toBe(
      [
        "PW='abc$def'", "DQ='dq $HOME'", "DD='a$$b'", "SQ='hash # x'", "EQ='a=b'", "TRAIL='trail '", "QUOTES='it\\'s \\\"q\\\"'",
        "BS='back\\slash'", "ML='line1\nline2'", "EMPTY=''", '# set by bot-deploy', '',
      ].join('\n'),
    );
  });

  it.each([
    ['X=a${HOME}b', /^The value of X in input `env` contains "\$\{\.\.\.\}", which docker-compose v1 would replace/],
    ["X='${A:-b}'", /^The value of X in input `env` contains "\$\{/],
    ['X=two\\\\back', /^The value of X in input `env` has a backslash before another backslash, a quote or its end/],
    ['X=end\\', /^The value of X in input `env` has a backslash/],
    ["X='a\\'b'", /^The value of X in input `env` has a backslash/],
  ])('refuses %j, naming the key and not the value', (env, message) => {
    expect(() => releaseEnvFile(env, {})).toThrow(message);
    expect(() => dotenvVariables(env)).toThrow(InputError);
  });

  it('keeps ${ and } that compose v1 would not replace', () => {
    expect(releaseEnvFile("X='${a:b} $ { }'", {})).toBe("X='${a:b} $ { }'\n# set by bot-deploy\n");
  });

  it('returns every dotenv variable for masking, including quoted and multi-line ones', () => {
    expect(dotenvVariables('A=1\n# note\nexport B="two words"\nC="line1\nline2"\n')).toEqual({ A: '1', B: 'two words', C: 'line1\nline2' });
  });

  it('rejects text that is not dotenv without echoing it', () => {
    expect(() => dotenvVariables('BOT_TOKEN 123:secret')).toThrow(InputError);
    expect(() => dotenvVariables('BOT_TOKEN 123:secret')).not.toThrow(/secret/);
  });

  it('finds the services of every compose file, and the ones using IMAGE or VERSION as the release\'s own', () => {
    const services = composeServices([
      { name: 'compose.yml', text: 'services:\n  bot:\n    image: ${IMAGE}\n  redis:\n    image: redis\n  db:\n    image: postgres:16\n' },
      { name: 'compose.prod.yml', text: 'services:\n  redis:\n    restart: always\n  nginx: {}\n  worker:\n    environment:\n      - RELEASE=$VERSION\n' },
    ]);
    expect(services).toEqual([
      { name: 'bot', versioned: true },
      { name: 'redis', versioned: false },
      { name: 'db', versioned: false },
      { name: 'nginx', versioned: false },
      { name: 'worker', versioned: true },
    ]);
  });

  it.each([
    ['${IMAGE}', true], ['$IMAGE', true], ['${IMAGE:-bot:dev}', true], ['${IMAGE-x}', true], ['${VERSION:?set it}', true],
    ['${VERSION?x}', true], ['${VERSION:+x}', true], ['x-$VERSION-y', true], ['$$$IMAGE', true],
    ['$$IMAGE', false], ['$${VERSION}', false], ['${IMAGE_TAG}', false], ['$VERSIONS', false], ['${APP}', false], ['IMAGE', false],
  ])('counts %j as using the release variables: %s', (value, versioned) => {
    expect(composeServices([{ name: 'c.yml', text: `services:\n  s:\n    command: ["echo", ${JSON.stringify(value)}]\n` }])).toEqual([{ name: 's', versioned }]);
  });

  it('puts the version label only on the release\'s own services, and the app label on all', () => {
    const labels = parseYaml(labelsOverride([{ name: 'bot', versioned: true }, { name: 'db', versioned: false }], 'shop', 'v2'));
    expect(labels).toEqual({
      services: {
        bot: { labels: { 'dev.bot-deploy.app': 'shop', 'dev.bot-deploy.version': 'v2' } },
        db: { labels: { 'dev.bot-deploy.app': 'shop' } },
      },
    });
  });

  it('stop-first stops the named service, else the release\'s own, else (older releases) everything', () => {
    expect(servicesToStop('bot', { release_services: ['bot', 'worker'] })).toEqual(['bot']);
    expect(servicesToStop('', { release_services: ['bot', 'worker'] })).toEqual(['bot', 'worker']);
    expect(servicesToStop('', { release_services: [] })).toEqual([]);
    expect(servicesToStop('', {})).toBe('all');
  });

  it('says which compose file is broken or empty', () => {
    expect(() => composeServices([{ name: 'compose.yml', text: 'services: [\n' }])).toThrow(/Compose file compose.yml is not valid YAML/);
    expect(() => composeServices([{ name: 'compose.yml', text: 'version: "3"\n' }])).toThrow(/declare no services/);
  });
});
