import { lab, readLabFile } from '../lab/lab.js';
import { runDistAction } from '../support/action-runner.js';
import { labSshInputs, removeAppContainers, sampleBotInputs, uniqueApp } from '../support/lab-host.js';

const botToken = '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11';
const dbPassword = 's3cret-pass';
const adminChat = '-1001234567890';
/** A bot template's ordinary .env.example, with its real values filled in. */
const envExample = `# Telegram
BOT_TOKEN=${botToken}
MODE=polling
DEBUG=true
PORT=3000
HOST=localhost
ADMIN_CHAT_ID=${adminChat}
DATABASE_URL=postgres://bot:${dbPassword}@db:5432/bot
REDIS_URL=redis://redis:6379
`;

/** A mask as the runner reads it: workflow command data escapes newlines and `%`. */
const unescape = (mask: string): string => mask.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');

describe('env masking through the ssh-deploy bundle', () => {
  // A polling bot named for what it is: its release-dir output contains `polling`, a value of env.
  const app = uniqueApp('polling');
  afterAll(() => removeAppContainers(app));

  it('masks only the secrets of an ordinary .env, so every output reaches GITHUB_OUTPUT', async () => {
    const privateKey = readLabFile(lab.keys.ed25519);
    const run = await runDistAction('ssh-deploy', {
      ...labSshInputs(),
      ...sampleBotInputs('polling', app, `/srv/bot-deploy-lab/${app}`),
      version: 'v1',
      env: envExample,
      'secret-env-keys': 'ADMIN_CHAT_ID',
    });
    expect(run.code).toBe(0);
    const masks = run.masks.map(unescape);
    expect(masks).toEqual(expect.arrayContaining([botToken, dbPassword, adminChat]));
    const ours = [botToken, dbPassword, adminChat, lab.registry.password];
    expect(masks.filter((mask) => !ours.includes(mask) && !privateKey.includes(mask))).toEqual([]);
    for (const common of ['polling', 'true', '3000', 'localhost', 'redis://redis:6379', 'bot']) expect(masks).not.toContain(common);

    expect(Object.keys(run.outputs).sort()).toEqual(['duration-ms', 'previous-release', 'release', 'release-dir']);
    expect(run.outputs['release-dir']).toBe(`/srv/bot-deploy-lab/${app}/releases/v1`);
    for (const [name, value] of Object.entries(run.outputs)) {
      expect([name, masks.filter((mask) => value.includes(mask))]).toEqual([name, []]);
    }
    expect(run.log).not.toContain(botToken);
    expect(run.log).not.toContain(dbPassword);
  });
});
