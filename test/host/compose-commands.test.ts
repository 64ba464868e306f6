import { compose, composeConfig, composePull, composeRunOnce, composeStop, composeUp, parseComposeFlavor, type ComposeProject } from '../../src/host/compose-commands.js';

const project: ComposeProject = {
  flavor: 'v2',
  name: 'faceit-bot',
  directory: '/opt/faceit-bot/releases/v1.2.3',
  files: ['/opt/faceit-bot/releases/v1.2.3/compose.yml', '/opt/faceit-bot/releases/v1.2.3/bot-deploy.labels.yml'],
  envFile: '/opt/faceit-bot/releases/v1.2.3/.env',
  variables: { APP: 'faceit-bot', VERSION: 'v1.2.3', IMAGE: 'ghcr.io/acme/faceit-bot:v1.2.3' },
};
const base =
  'env APP=faceit-bot VERSION=v1.2.3 IMAGE=ghcr.io/acme/faceit-bot:v1.2.3 docker compose -p faceit-bot ' +
  '--project-directory /opt/faceit-bot/releases/v1.2.3 -f /opt/faceit-bot/releases/v1.2.3/compose.yml ' +
  '-f /opt/faceit-bot/releases/v1.2.3/bot-deploy.labels.yml --env-file /opt/faceit-bot/releases/v1.2.3/.env';

describe('compose commands', () => {
  it('runs v2 as the docker plugin with every suite variable, the project name and the release files', () => {
    expect(composeUp(project)).toBe(`${base} up -d --remove-orphans`);
  });

  it('runs v1 as docker-compose with the same arguments', () => {
    expect(compose({ ...project, flavor: 'v1' }, 'pull')).toBe(base.replace('docker compose', 'docker-compose') + ' pull');
  });

  it('stops the named services or the whole project', () => {
    expect(composeStop(project, ['bot'])).toBe(`${base} stop bot`);
    expect(composeStop(project, ['bot', 'worker'])).toBe(`${base} stop bot worker`);
    expect(composeStop(project, 'all')).toBe(`${base} stop`);
  });

  it('pulls the named services or the whole project, and reads the resolved config', () => {
    expect(composePull(project, ['bot', 'worker'])).toBe(`${base} pull bot worker`);
    expect(composePull(project)).toBe(`${base} pull`);
    expect(composeConfig(project)).toBe(`${base} config`);
  });

  it('quotes the pre-deploy command as one sh -c argument, in a container named by the run', () => {
    expect(composeRunOnce(project, 'bot', 'alembic upgrade head && echo "done"', 'bot-predeploy-ab12')).toBe(
      `${base} run --rm -T --name bot-predeploy-ab12 bot sh -c 'alembic upgrade head && echo "done"'`,
    );
  });

  it('reads the detection answer, ignoring noise before it', () => {
    expect(parseComposeFlavor('v2\n')).toBe('v2');
    expect(parseComposeFlavor('motd\nv1')).toBe('v1');
    expect(parseComposeFlavor('none\n')).toBeUndefined();
  });
});
