import { parse as parseDotenv } from 'dotenv';
import { parse as parseYaml } from 'yaml';
import { composeServices, dotenvVariables, labelsOverride, releaseEnvFile, suiteVariables } from '../../src/deploy/release-files.js';
import { InputError } from '../../src/inputs/input-error.js';

describe('release files', () => {
  it('sets IMAGE only when an image is given', () => {
    expect(suiteVariables('bot', 'v2', 'ghcr.io/acme/bot')).toEqual({ APP: 'bot', VERSION: 'v2', IMAGE: 'ghcr.io/acme/bot:v2' });
    expect(suiteVariables('bot', 'v2', '')).toEqual({ APP: 'bot', VERSION: 'v2' });
  });

  it('writes the user variables first and the suite ones after, so the suite wins', () => {
    const text = releaseEnvFile('BOT_TOKEN=123:abc\r\nVERSION=mine\n', { APP: 'bot', VERSION: 'v2' });
    expect(parseDotenv(text)).toEqual({ BOT_TOKEN: '123:abc', VERSION: 'v2', APP: 'bot' });
    expect(text.endsWith('\n')).toBe(true);
  });

  it('returns every dotenv variable for masking, including quoted and multi-line ones', () => {
    expect(dotenvVariables('A=1\n# note\nexport B="two words"\nC="line1\nline2"\n')).toEqual({ A: '1', B: 'two words', C: 'line1\nline2' });
  });

  it('rejects text that is not dotenv without echoing it', () => {
    expect(() => dotenvVariables('BOT_TOKEN 123:secret')).toThrow(InputError);
    expect(() => dotenvVariables('BOT_TOKEN 123:secret')).not.toThrow(/secret/);
  });

  it('finds the services of every compose file and labels each one', () => {
    const services = composeServices([
      { name: 'compose.yml', text: 'services:\n  bot:\n    image: ${IMAGE}\n  redis:\n    image: redis\n' },
      { name: 'compose.prod.yml', text: 'services:\n  bot:\n    restart: always\n  nginx: {}\n' },
    ]);
    expect(services).toEqual(['bot', 'redis', 'nginx']);
    expect(parseYaml(labelsOverride(services, 'bot', 'v2'))).toEqual({
      services: Object.fromEntries(services.map((s) => [s, { labels: { 'dev.bot-deploy.app': 'bot', 'dev.bot-deploy.version': 'v2' } }])),
    });
  });

  it('says which compose file is broken or empty', () => {
    expect(() => composeServices([{ name: 'compose.yml', text: 'services: [\n' }])).toThrow(/Compose file compose.yml is not valid YAML/);
    expect(() => composeServices([{ name: 'compose.yml', text: 'version: "3"\n' }])).toThrow(/declare no services/);
  });
});
