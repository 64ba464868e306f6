import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { lab } from '../lab/lab.js';
import { runDistAction, type ActionRun } from '../support/action-runner.js';
import { freePort, labNginxInputs, labSshInputs, onHost, removeAppContainers, sampleBotInputs, uniqueApp } from '../support/lab-host.js';
import { TelegramStandIn } from '../support/telegram-bot-api.js';

/**
 * A bot team's real stack — a grammY bot, PostgreSQL and Redis in one compose file — through
 * ssh-deploy (stage) and blue-green-switch: the database runs once, keeps its container and its
 * data across every switch and rollback, and the colored bot reaches `db` and `redis` by name.
 */
describe('blue-green-switch with a grammY bot, PostgreSQL and Redis', () => {
  const app = uniqueApp('bgstack');
  const appDir = `${lab.appRoot}/${app}`;
  const upstreamFile = join(lab.nginx.upstreamDir, `${app}.conf`);
  const token = '555001:AAE-stack-test';
  const standIn = new TelegramStandIn();
  let ports: { blue: number; green: number };

  const psql = (sql: string): string =>
    onHost(`docker exec $(docker ps -q --filter label=com.docker.compose.project=${app} --filter label=com.docker.compose.service=db) psql -U bot -d bot -tAc ${JSON.stringify(sql)} 2>/dev/null || true`).trim();
  const dbId = (): string => onHost(`docker ps -q --no-trunc --filter label=com.docker.compose.project=${app} --filter label=com.docker.compose.service=db`).trim();
  const resolvesInBot = (project: string, name: string): string =>
    onHost(
      `docker exec $(docker ps -q --filter label=com.docker.compose.project=${project} --filter label=com.docker.compose.service=bot) /usr/local/bin/node -e "require('dns').lookup('${name}', (e) => console.log(e ? 'no' : 'yes'))"`,
    ).trim();

  const stage = (version: string): Promise<ActionRun> =>
    runDistAction('ssh-deploy', {
      ...labSshInputs(),
      ...sampleBotInputs('webhook', app, appDir),
      image: lab.images.grammy,
      'compose-file': join(lab.samples.grammy, 'compose.yml'),
      version,
      strategy: 'none',
      env: `BOT_TOKEN=${token}\nBOT_MODE=webhook\nTELEGRAM_API_ROOT=http://telegram:${standIn.port}\nPOSTGRES_PASSWORD=stack-db-pass\n`,
    });
  const switchTo = (extra: Record<string, string>): Promise<ActionRun> =>
    runDistAction('blue-green-switch', {
      ...labSshInputs(),
      app,
      'app-dir': appDir,
      service: 'bot',
      ...labNginxInputs(ports, upstreamFile),
      interval: '500ms',
      'success-threshold': '2',
      deadline: '40s',
      'drain-timeout': '2s',
      ...extra,
    });

  beforeAll(async () => {
    await standIn.listen([lab.host, '172.17.0.1']);
    standIn.addBot(token);
    ports = { blue: await freePort(), green: await freePort() };
  });
  afterAll(async () => {
    [app, `${app}-blue`, `${app}-green`].forEach(removeAppContainers);
    onHost(`docker volume ls -q --filter label=com.docker.compose.project=${app} | xargs -r docker volume rm >/dev/null 2>&1 || true`);
    rmSync(upstreamFile, { force: true });
    execFileSync('nginx', ['-s', 'reload', '-c', lab.nginx.conf], { stdio: 'ignore' });
    await standIn.close();
  });

  it('keeps one database, its container and its data, through a switch and a rollback', async () => {
    expect((await stage('v1')).code).toBe(0);
    const first = await switchTo({ version: 'v1' });
    expect(`${first.code}\n${first.log}`).toMatch(/^0\n/);
    const db = dbId();
    expect(db).not.toBe('');
    // The database initialises itself on its first start, after compose reported it started.
    for (let i = 0; i < 100 && psql('SELECT 1').trim() !== '1'; i++) await new Promise((resolve) => setTimeout(resolve, 200));
    psql('CREATE TABLE IF NOT EXISTS chats (id bigint primary key); INSERT INTO chats VALUES (42)');
    expect(resolvesInBot(`${app}-blue`, 'db')).toBe('yes');
    // COLOR and HOST_PORT reach the bot although its env_file (.env) is shared by both colors.
    const env = onHost(`docker inspect --format '{{json .Config.Env}}' $(docker ps -q --filter label=com.docker.compose.project=${app}-blue --filter label=com.docker.compose.service=bot)`);
    expect(JSON.parse(env)).toEqual(expect.arrayContaining(['COLOR=blue', `HOST_PORT=${ports.blue}`]));
    expect(resolvesInBot(`${app}-blue`, 'redis')).toBe('yes');

    expect((await stage('v2')).code).toBe(0);
    const second = await switchTo({ version: 'v2' });
    expect(`${second.code}\n${second.log}`).toMatch(/^0\n/);
    expect(second.outputs).toMatchObject({ 'active-color': 'green', release: 'v2' });
    expect(resolvesInBot(`${app}-green`, 'db')).toBe('yes');

    const back = await switchTo({ rollback: 'true' });
    expect(`${back.code}\n${back.log}`).toMatch(/^0\n/);
    expect(back.outputs).toMatchObject({ 'active-color': 'blue', release: 'v1' });

    expect(dbId()).toBe(db);
    expect(psql('SELECT id FROM chats')).toBe('42');
    // The colors never ran a database of their own.
    expect(onHost(`docker ps -aq --filter label=com.docker.compose.service=db --filter label=com.docker.compose.project=${app}-blue --filter label=com.docker.compose.project=${app}-green`).trim()).toBe('');
  });
});
