import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { lab } from '../lab/lab.js';
import { runDistAction, type ActionRun } from '../support/action-runner.js';
import { freePort, labSshInputs, onHost, removeAppContainers, uniqueApp } from '../support/lab-host.js';

/**
 * The release folder's files on a real host, under compose v2 (`deploy`) and v1 1.29 (`deploy-v1`):
 * the `.env` brings every value to the containers exactly, and the labels override leaves a
 * database alone when the release moves on.
 */

/** Values as a user writes them: `$`, `$$`, quotes, `#`, spaces, backslashes, `=`, a trailing space, lines. */
const userEnv = [
  'PW=abc$def',
  'DQ="dq $HOME"',
  'DD=a$$b',
  'BRACE=\'x{HOME}$ $HOME}\'',
  'HASH=\'hash # not a comment\'',
  'SPACES=\'two  spaces\'',
  'EQ=a=b==',
  'TRAIL=\'trail \'',
  'SQ="it\'s"',
  'DQUOTES=\'say "hi"\'',
  'BS=back\\slash',
  'MULTI="line1\nline2"',
].join('\n');
const expected = parseDotenv(userEnv);

// The bot gets every variable twice: from `env_file: .env` and through `${NAME}` in the compose file.
const composeFile = `services:
  bot:
    image: \${IMAGE}
    env_file: .env
    environment:
${Object.keys(expected).map((name) => `      VIA_${name}: \${${name}}`).join('\n')}
    depends_on: [db]
    stop_grace_period: 2s
  db:
    image: ${lab.images.polling}:v1
    command: ["sleep", "86400"]
`;

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'release-files-'));
  writeFileSync(join(dir, 'compose.yml'), composeFile);
  return dir;
}

function container(app: string, service: string): string {
  return onHost(`docker ps -aq --filter label=com.docker.compose.project=${app} --filter label=com.docker.compose.service=${service}`).trim();
}

/** Id, start time and restart count: any of them moving means the container was recreated or restarted. */
function identity(id: string): string {
  return onHost(`docker inspect -f '{{.Id}} {{.State.StartedAt}} {{.RestartCount}} {{.State.Running}}' ${id}`).trim();
}

function containerEnv(id: string): Record<string, string> {
  const list = JSON.parse(onHost(`docker inspect -f '{{json .Config.Env}}' ${id}`)) as string[];
  return Object.fromEntries(list.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

const flavors = [
  { flavor: 'v2', user: lab.user, root: lab.appRoot },
  { flavor: 'v1', user: lab.userV1, root: lab.appRootV1 },
] as const;

describe.each(flavors)('release files under compose $flavor', ({ flavor, user, root }) => {
  const dir = workspace();
  const deploy = (app: string, inputs: Record<string, string>): Promise<ActionRun> =>
    runDistAction(
      'ssh-deploy',
      {
        ...labSshInputs(lab.keys.ed25519, user),
        app,
        'app-dir': `${root}/${app}`,
        image: lab.images.polling,
        'compose-file': 'compose.yml',
        registry: lab.registry.address,
        'registry-username': lab.registry.username,
        'registry-password': lab.registry.password,
        env: userEnv,
        ...inputs,
      },
      { cwd: dir },
    );

  describe.each(['recreate', 'stop-first'])('%s', (strategy) => {
    const app = uniqueApp(`rf${flavor}`);
    afterAll(() => removeAppContainers(app));

    it('v1 then v2 replaces the bot, never the database', async () => {
      const first = await deploy(app, { version: 'v1', strategy });
      expect(`exit ${first.code}\n${first.log}`).toMatch(/^exit 0\n/);
      const db = identity(container(app, 'db'));
      const botV1 = container(app, 'bot');

      const second = await deploy(app, { version: 'v2', strategy });
      expect(`exit ${second.code}\n${second.log}`).toMatch(/^exit 0\n/);
      expect(identity(container(app, 'db'))).toBe(db);
      expect(db).toMatch(/ 0 true$/);
      expect(container(app, 'bot')).not.toBe(botV1);
      if (strategy === 'stop-first') expect(second.log).toContain('Stopping bot of v1 first');
    });

    it('brings every env value to the bot exactly, from env_file and from ${NAME} alike', () => {
      const env = containerEnv(container(app, 'bot'));
      for (const [name, value] of Object.entries(expected)) {
        expect({ name, value: env[name] }).toEqual({ name, value });
        expect({ name: `VIA_${name}`, value: env[`VIA_${name}`] }).toEqual({ name: `VIA_${name}`, value });
      }
    });
  });

  it.each([
    ['X=a${HOME}b', /^The value of X in input `env` contains "\$\{\.\.\.\}", which docker-compose v1 would replace with a variable: it cannot be passed exactly\.$/],
    ['X=two\\\\back', /^The value of X in input `env` has a backslash before another backslash, a quote or its end, which compose v1 and v2 read differently: it cannot be passed exactly\.$/],
  ])('refuses %j before connecting, naming the key', async (env, message) => {
    const app = uniqueApp(`rf${flavor}`);
    const run = await deploy(app, { version: 'v1', env, port: String(await freePort()) });
    expect(run.code).toBe(1);
    const errors = run.log.split('\n').filter((line) => line.startsWith('::error::'));
    expect(errors).toHaveLength(1);
    expect((errors[0] ?? '').replace('::error::', '')).toMatch(message);
    expect(existsSync(`${root}/${app}`)).toBe(false);
  });
});
