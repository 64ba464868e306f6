import { mkdtempSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lab } from '../lab/lab.js';
import { runDistAction, type ActionRun } from '../support/action-runner.js';
import { TelegramStandIn } from '../support/telegram-bot-api.js';
import { labSshInputs, onHost, removeAppContainers, sampleBotInputs, uniqueApp } from '../support/lab-host.js';

/**
 * A polling bot's stack as a team writes it: the bot, plus a stateful service that must never run
 * twice nor restart because the bot's release moved (a stand-in for PostgreSQL: it keeps a file in
 * a named volume and the bot reaches it by its service name).
 */
const composeFile = `services:
  bot:
    image: \${IMAGE}
    environment:
      BOT_TOKEN: \${BOT_TOKEN}
      VERSION: \${VERSION}
    command: ["sh", "-c", "nslookup db >/dev/null 2>&1 || { echo cannot reach db; exit 1; }; exec /bin/sh /bot/polling-bot.sh"]
    restart: unless-stopped
    stop_grace_period: 5s
  db:
    image: ${lab.images.polling}:v1
    command: ["sh", "-c", "[ -f /data/created ] || date +%s%N > /data/created; exec sleep 86400"]
    volumes: [data:/data]
volumes:
  data: {}
`;

describe('blue-green-switch, polling mode, with a database in the stack', () => {
  const app = uniqueApp('bgpoll');
  const appDir = `${lab.appRoot}/${app}`;
  const workspace = mkdtempSync(join(tmpdir(), 'bg-polling-'));
  writeFileSync(join(workspace, 'compose.yml'), composeFile);
  const containers = (project: string, service: string): string =>
    onHost(`docker ps -a --filter label=com.docker.compose.project=${project} --filter label=com.docker.compose.service=${service} --format '{{.ID}} {{.State}} {{.Label "dev.bot-deploy.version"}}'`).trim();
  const dbId = (): string => onHost(`docker ps -q --no-trunc --filter label=com.docker.compose.project=${app} --filter label=com.docker.compose.service=db`).trim();
  const dbStarted = (): string => onHost(`docker inspect --format '{{.State.StartedAt}}' ${dbId()}`).trim();

  const stage = (version: string): Promise<ActionRun> =>
    runDistAction(
      'ssh-deploy',
      { ...labSshInputs(), ...sampleBotInputs('polling', app, appDir), 'compose-file': 'compose.yml', version, strategy: 'none', env: 'BOT_TOKEN=123:poll\n' },
      { cwd: workspace },
    );
  const handover = (version: string, extra: Record<string, string> = {}, options: Parameters<typeof runDistAction>[2] = {}): Promise<ActionRun> =>
    runDistAction('blue-green-switch', {
      ...labSshInputs(),
      app,
      'app-dir': appDir,
      version,
      service: 'bot',
      mode: 'polling',
      interval: '500ms',
      'success-threshold': '3',
      deadline: '20s',
      ...extra,
    }, options);

  afterAll(() => [app, `${app}-blue`, `${app}-green`].forEach(removeAppContainers));

  it('starts v1 in blue with the database once in the shared project', async () => {
    expect((await stage('v1')).code).toBe(0);
    const run = await handover('v1');
    expect(`${run.code}\n${run.log}`).toMatch(/^0\n/);
    expect(run.outputs).toMatchObject({ 'active-color': 'blue', release: 'v1', 'rolled-back': 'false' });
    expect(containers(`${app}-blue`, 'bot')).toMatch(/ running v1$/);
    expect(containers(`${app}-blue`, 'db')).toBe('');
    expect(dbId()).not.toBe('');
  });

  it('hands over to v2: the old bot is stopped before the new one starts, the database is untouched', async () => {
    const db = { id: dbId(), started: dbStarted() };
    const oldBot = onHost(`docker ps -q --filter label=com.docker.compose.project=${app}-blue --filter label=com.docker.compose.service=bot`).trim();
    expect((await stage('v2')).code).toBe(0);
    const run = await handover('v2');
    expect(`${run.code}\n${run.log}`).toMatch(/^0\n/);
    expect(run.outputs).toMatchObject({ 'active-color': 'green', 'previous-color': 'blue', release: 'v2', 'rolled-back': 'false' });
    expect(Number(run.outputs['switch-ms'])).toBeGreaterThan(0);
    // Never two pollers: v1 had exited before v2 started, by Docker's own clock.
    expect(run.log).toMatch(/Handover gap on 127\.0\.0\.1: \d+ ms from v1 stopped to v2 started/);
    const events = onHost(`docker events --since ${Math.floor(Date.now() / 1000) - 60} --until ${Math.floor(Date.now() / 1000)} --filter type=container --filter event=die --filter event=start --format '{{.TimeNano}} {{.Action}} {{.Actor.Attributes.name}}'`)
      .trim()
      .split('\n')
      .filter((line) => line.includes(`${app}-`) && line.includes('-bot-'));
    const died = events.find((line) => line.includes(' die ') && line.includes(`${app}-blue-bot`));
    const born = events.find((line) => line.includes(' start ') && line.includes(`${app}-green-bot`));
    expect(died && born).toBeTruthy();
    expect(BigInt(born?.split(' ')[0] ?? '0')).toBeGreaterThan(BigInt(died?.split(' ')[0] ?? '0'));
    expect(oldBot).not.toBe('');
    expect(containers(`${app}-green`, 'bot')).toMatch(/ running v2$/);
    expect(containers(`${app}-blue`, 'bot')).toBe('');
    expect({ id: dbId(), started: dbStarted() }).toEqual(db);
  });

  it('hands a crash-looping release back to the old bot at once, never two running, database untouched', async () => {
    const db = { id: dbId(), started: dbStarted() };
    expect((await stage('broken')).code).toBe(0);
    const started = Date.now();
    const run = await handover('broken', { deadline: '60s' });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ 'rolled-back': 'true' });
    // A restart is a verdict: far sooner than the 60 s deadline.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(run.log).toMatch(/^::error::Health gate failed: .*crashed while the gate was checking.* v2 polls again; it never ran beside broken\.$/m);
    expect(containers(`${app}-green`, 'bot')).toMatch(/ running v2$/);
    expect(containers(`${app}-blue`, 'bot')).toBe('');
    expect(readlinkSync(`${appDir}/current`)).toBe('releases/v2');
    expect(JSON.parse(readFileSync(`${appDir}/state.json`, 'utf8'))).toMatchObject({ color: 'green', active: 'v2' });
    expect({ id: dbId(), started: dbStarted() }).toEqual(db);
  });

  it('rolls back a release that runs but never takes its updates from Telegram', async () => {
    const standIn = new TelegramStandIn();
    await standIn.listen([lab.host]);
    const token = '777001:AAE-never-polls';
    standIn.addBot(token);
    try {
      standIn.inject(token, 'anyone there?');
      expect((await stage('v1')).code).toBe(0);
      const run = await handover('v1', { 'telegram-token': token, 'telegram-api-root': standIn.apiRoot(), deadline: '3s' });
      expect(run.code).toBe(1);
      expect(run.outputs).toMatchObject({ 'rolled-back': 'true' });
      expect(run.log).toMatch(/^::error::v1 runs but 1 update\(s\) waited in Telegram's queue for .* and none was consumed, so the new release does not poll\. v2 polls again; it never ran beside v1\.$/m);
      expect(run.log).not.toContain(token);
      expect(containers(`${app}-green`, 'bot')).toMatch(/ running v2$/);
    } finally {
      await standIn.close();
    }
  });

  it('a run killed while the new bot is being gated: the post step removes it, then starts the old one alone', async () => {
    const db = { id: dbId(), started: dbStarted() };
    const main = await handover('v1', {}, { killAt: { line: /^::group::Health gate/, signal: 'SIGKILL', afterMs: 200 } });
    expect(main.code).not.toBe(0);
    const post = await handover('v1', {}, { postOf: main });
    expect(post.code).toBe(0);
    expect(post.log).toMatch(/Starting v2 again \(this run died while switching\) on 127\.0\.0\.1: done\./);
    expect(containers(`${app}-blue`, 'bot')).toBe('');
    expect(containers(`${app}-green`, 'bot')).toMatch(/ running v2$/);
    // The old color came back alone: no database of its own, the shared one untouched.
    expect(containers(`${app}-green`, 'db')).toBe('');
    expect({ id: dbId(), started: dbStarted() }).toEqual(db);
  });
});
