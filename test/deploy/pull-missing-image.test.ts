import { releaseProject, type HostRelease } from '../../src/deploy/host-release.js';
import { pullMissingImages } from '../../src/deploy/steps/pull-missing-image.js';
import { scriptedContext } from '../support/scripted-context.js';
import { ScriptedSession } from '../support/scripted-session.js';

const record = { version: 'v1', image: 'ghcr.io/acme/bot' };
const target: HostRelease = { version: 'v1', record, project: releaseProject('v2', 'bot', '/opt/bot/releases/v1', record) };
const registry = { server: 'ghcr.io', username: 'ci', password: 'hunter2' };

const config = [
  'name: bot',
  'services:',
  '  bot:',
  '    image: ghcr.io/acme/bot:v1',
  '    environment:',
  '      BOT_TOKEN: not-for-the-log',
  '  worker:',
  '    image: ghcr.io/acme/bot:v1',
  '  db:',
  '    image: postgres:16',
  '  tool:',
  '    build: .',
].join('\n');

function host(missing: string): ScriptedSession {
  return new ScriptedSession().on(/ config$/, { stdout: config }).on('docker image inspect', { stdout: missing });
}

describe('pulling the missing images of a rollback target', () => {
  it('logs in and pulls only the services whose image is gone', async () => {
    const session = host('ghcr.io/acme/bot:v1\n');
    const { ctx, log } = scriptedContext(session);
    expect(await pullMissingImages(ctx, target, registry)).toEqual(['bot', 'worker']);
    const inspect = session.lines.find((line) => line.includes('docker image inspect')) ?? '';
    expect(inspect).toMatch(/ ghcr\.io\/acme\/bot:v1 postgres:16$/);
    const login = session.lines.findIndex((line) => line.includes('docker login'));
    const pull = session.lines.findIndex((line) => line.endsWith(' pull bot worker'));
    expect(login).toBeGreaterThan(-1);
    expect(pull).toBeGreaterThan(login);
    expect(session.lines[pull]).toContain('DOCKER_CONFIG=/opt/bot/.docker-auth');
    expect(log.text).toContain('No longer on web1: ghcr.io/acme/bot:v1; pulling before starting v1.');
    expect(log.text).not.toContain('not-for-the-log');
  });

  it('pulls nothing and never logs in when every image is there', async () => {
    const session = host('');
    const { ctx } = scriptedContext(session);
    expect(await pullMissingImages(ctx, target, registry)).toEqual([]);
    expect(session.count('docker login')).toBe(0);
    expect(session.count(/ pull/)).toBe(0);
  });

  it('starts without checking, saying so, when the config cannot be read', async () => {
    const session = new ScriptedSession().on(/ config$/, { stdout: 'services: [unclosed' });
    const { ctx, log } = scriptedContext(session);
    expect(await pullMissingImages(ctx, target, registry)).toEqual([]);
    expect(session.count('docker image inspect')).toBe(0);
    expect(log.text).toContain('warning: Could not read which images v1 uses on web1; starting it without checking they are there.');
  });
});
