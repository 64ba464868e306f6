import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lab } from '../lab/lab.js';
import { runDistAction, type ActionRun } from '../support/action-runner.js';
import { DatabaseStack } from '../support/database-stack.js';
import { LabBucket } from '../support/lab-bucket.js';
import { freePort, httpGet, labNginxInputs, labSshInputs, onHost, removeAppContainers, sampleBotInputs, uniqueApp } from '../support/lab-host.js';
import { SlackStandIn } from '../support/slack-stand-in.js';
import { steadyLoad } from '../support/steady-load.js';
import { TelegramStandIn } from '../support/telegram-bot-api.js';

// These run dist/bot-deploy/index.js (the root action.yml) exactly as the runner does: build it first.

interface LogLine {
  action: string;
  version: string;
  result: string;
}

const reloadNginx = (): void => void execFileSync('nginx', ['-s', 'reload', '-c', lab.nginx.conf], { stdio: 'ignore' });
/** The stop a crash looks like: the color's bot containers gone, with no restart. */
const crash = (project: string): string => onHost(`docker ps -q --filter label=com.docker.compose.project=${project} | xargs -r docker stop -t 0`);

describe('the root action: the whole pipeline in one step, from the runner', () => {
  const app = uniqueApp('root');
  const appDir = `${lab.appRoot}/${app}`;
  const upstreamFile = join(lab.nginx.upstreamDir, `${app}.conf`);
  const siteFile = join(lab.nginx.sitesDir, `${app}.conf`);
  const db = new DatabaseStack(app);
  const bucket = new LabBucket(`root-${Date.now().toString(36)}`);
  const botToken = '424242:root-action-bot-token';
  const admins = -1001234567890;
  let slack: SlackStandIn;
  let slackToken: string;
  let channelId: string;
  let telegram: TelegramStandIn;
  let ports: { blue: number; green: number; site: number };

  const inputs = (extra: Record<string, string> = {}): Record<string, string> => ({
    ...labSshInputs(),
    ...sampleBotInputs('webhook', app, appDir),
    env: `BOT_TOKEN=${botToken}\n`,
    service: 'bot',
    ...labNginxInputs(ports, upstreamFile),
    interval: '300ms',
    'success-threshold': '2',
    deadline: '30s',
    'drain-timeout': '1s',
    soak: '2s',
    'spaces-endpoint': lab.s3.endpoint,
    'spaces-bucket': bucket.name,
    'spaces-prefix': 'backups',
    'spaces-access-key-id': lab.s3.accessKeyId,
    'spaces-secret-access-key': lab.s3.secretAccessKey,
    database: db.database,
    'db-user': db.user,
    'slack-bot-token': slackToken,
    'slack-channel': '#deploys',
    'slack-api-url': slack.apiUrl,
    'telegram-token': botToken,
    'telegram-chat-id': String(admins),
    'telegram-api-root': telegram.apiRoot(),
    ...extra,
  });
  const deploysLog = (): LogLine[] => readFileSync(`${appDir}/deploys.log`, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as LogLine);
  const serving = async (): Promise<string> => /"version":"([^"]+)"/.exec((await httpGet(`http://${lab.host}:${ports.site}/health`)).body)?.[1] ?? '';
  const slackHeader = (): string => JSON.stringify(slack.messages(channelId).at(-1)?.blocks?.[0] ?? {});
  const telegramText = (): string => telegram.messages(botToken, admins).at(-1)?.text ?? '';
  const lines = (run: ActionRun, prefix: string): string[] => run.log.split('\n').filter((line) => line.startsWith(prefix));

  beforeAll(async () => {
    ports = { blue: await freePort(), green: await freePort(), site: await freePort() };
    db.up();
    db.seed(50);
    await bucket.create();
    slack = await SlackStandIn.start();
    slackToken = slack.addToken();
    channelId = slack.addChannel('deploys').id;
    telegram = new TelegramStandIn();
    telegram.addBot(botToken);
    telegram.addChat(botToken, { id: admins, type: 'supergroup', title: 'Admins' });
    await telegram.listen(['127.0.0.1']);
    // The site as a bot team sets it up once: it proxies to the upstream the suite owns, and Telegram posts to it.
    writeFileSync(upstreamFile, `upstream ${app} { server 127.0.0.1:${ports.blue}; }\n`);
    writeFileSync(siteFile, `server { listen ${lab.host}:${ports.site}; location / { proxy_pass http://${app}; } }\n`);
    reloadNginx();
    const set = await fetch(`${telegram.apiRoot()}/bot${botToken}/setWebhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: `http://${lab.host}:${ports.site}/webhook` }) });
    expect(((await set.json()) as { ok: boolean }).ok).toBe(true);
  });
  afterAll(async () => {
    for (const project of [`${app}-blue`, `${app}-green`]) removeAppContainers(project);
    db.down();
    rmSync(siteFile, { force: true });
    rmSync(upstreamFile, { force: true });
    reloadNginx();
    slack.close();
    await telegram.close();
  });

  it('deploys v1 in one step: backup first, then stage, switch and soak, with one Slack message and one admin-chat message that end in success', async () => {
    const run = await runDistAction('.', inputs({ version: 'v1' }));
    expect(`${run.code}\n${run.log}`).toMatch(/^0\n/);
    expect(run.outputs).toMatchObject({ status: 'success', release: 'v1', 'previous-release': '', 'active-color': 'blue', 'slack-ts': expect.stringMatching(/^\d+\.\d+$/), 'telegram-message-id': expect.stringMatching(/^\d+$/) });
    const backupKey = run.outputs['backup-key'] ?? '';
    expect(backupKey).toMatch(new RegExp(`^backups/${app}/bot/\\d{8}T\\d{6}Z-v1\\.dump\\.zst$`));
    expect(await bucket.keys('backups/')).toEqual([backupKey, `${backupKey}.manifest.json`]);
    // One connection for the whole run: backup, stage, switch and soak share it.
    expect(lines(run, '::debug::Connected to ')).toEqual([`::debug::Connected to ${lab.user}@${lab.host}:${lab.sshPort}.`]);
    // The order the pipeline promises, as its log groups show it.
    const groups = lines(run, '::group::').map((line) => line.slice('::group::'.length));
    const at = (pattern: RegExp): number => groups.findIndex((group) => pattern.test(group));
    expect([at(/^Slack notification/), at(/^Backing up bot/), at(/^Staging v1|^Uploading|Pulling/), at(/^Health gate: http:\/\/127\.0\.0\.1:\d+\/health$/)].every((index, i, all) => index >= 0 && (i === 0 || index > (all[i - 1] ?? 0)))).toBe(true);
    expect(await serving()).toBe('v1');
    expect(deploysLog().map((line) => [line.action, line.version, line.result])).toEqual([
      ['stage', 'v1', 'success'],
      ['switch', 'v1', 'success'],
    ]);
    expect(slack.messages(channelId)).toHaveLength(1);
    expect(slack.messages(channelId)[0]).toMatchObject({ ts: run.outputs['slack-ts'], edits: 1 });
    expect(slackHeader()).toContain('deployed');
    expect(telegram.messages(botToken, admins)).toHaveLength(1);
    expect(telegramText()).toMatch(/^✅ .* · deployed to production\nVersion: v1/);
    expect(run.log).not.toContain(botToken);
    expect(run.log).not.toContain(slackToken);
    expect(run.summary).toContain('<h2>bot-deploy</h2>');
    expect(run.summary).toContain('<td>Serving</td><td>v1 (blue)</td>');
    expect(existsSync(`${appDir}/.lock`) ? readFileSync(`${appDir}/.lock`, 'utf8') : '').toBe('');
  });

  it('deploys v2 with zero downtime: every request through nginx answered while the colors switch', async () => {
    const load = steadyLoad(`http://${lab.host}:${ports.site}/health`);
    const run = await runDistAction('.', inputs({ version: 'v2' }));
    const stats = await load.stop();
    expect(`${run.code}\n${run.log}`).toMatch(/^0\n/);
    expect(run.outputs).toMatchObject({ status: 'success', release: 'v2', 'previous-release': 'v1', 'active-color': 'green' });
    expect(stats.failed).toBe(0);
    expect(stats.total).toBeGreaterThan(20);
    expect(stats.versions).toEqual(new Set(['v1', 'v2']));
    expect(await bucket.keys('backups/')).toHaveLength(4);
  });

  it('a release that fails the switch\'s own gate never gets traffic: the step ends rolled-back and v2 serves on', async () => {
    const run = await runDistAction('.', inputs({ version: 'broken', deadline: '3s' }));
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'rolled-back', release: 'v2', 'previous-release': 'v2', 'active-color': 'green' });
    expect(run.log).toMatch(/^::error::Health gate failed: .* broken never received traffic: v2 still serves\.$/m);
    expect(await serving()).toBe('v2');
    expect(slackHeader()).toContain('rolled back');
  });

  it('rolls back by itself when the new release dies during the soak: the step fails with status rolled-back and v2 serves again', async () => {
    let gates = 0;
    // v1 again, as a new deploy, into blue: it passes the switch's gate and the soak's first checks, then crashes.
    const run = await runDistAction('.', inputs({ version: 'v1', soak: '6s' }), {
      onLine: (line) => {
        if (/^::group::Health gate: /.test(line) && ++gates === 2) setTimeout(() => crash(`${app}-blue`), 1500);
      },
    });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'rolled-back', release: 'v2', 'active-color': 'green' });
    expect(run.log).toMatch(/^::error::v1 failed its soak on 127\.0\.0\.1 \(.*soak.*\); v2 serves again\.$/m);
    // Caught in the soak itself, not by waiting out the deadline for a release that never came up.
    expect(run.durationMs).toBeLessThan(25_000);
    expect(await serving()).toBe('v2');
    expect(deploysLog().slice(-3).map((line) => [line.action, line.version, line.result])).toEqual([
      ['stage', 'v1', 'success'],
      ['switch', 'v1', 'success'],
      ['rollback', 'v2', 'success'],
    ]);
    expect(slackHeader()).toContain('rolled back');
    expect(telegramText()).toMatch(/rolled back/i);
  });

  it('rolls back on request to a named release, without a backup or staging, pulling its image again when it is gone from the host', async () => {
    const before = (await bucket.keys('backups/')).length;
    // Pruned from the host since (another app's prune, a `docker system prune`): the rollback pulls it, logged in.
    onHost(`docker rmi -f ${lab.images.webhook}:v1 >/dev/null`);
    const run = await runDistAction('.', inputs({ rollback: 'true', version: 'v1' }));
    expect(`${run.code}\n${run.log}`).toMatch(/^0\n/);
    expect(run.log).toContain(`No longer on 127.0.0.1: ${lab.images.webhook}:v1; pulling before starting v1.`);
    expect(run.outputs).toMatchObject({ status: 'success', release: 'v1', 'backup-key': '' });
    expect(await serving()).toBe('v1');
    expect(await bucket.keys('backups/')).toHaveLength(before);
    expect(deploysLog().at(-1)).toMatchObject({ action: 'rollback', version: 'v1', result: 'success' });
  });

  it('a run killed mid-deploy leaves its lock and its messages to the post step, which frees the lock and says it was cancelled', async () => {
    const killed = await runDistAction('.', inputs({ version: 'v2', soak: '10s' }), { killAt: { line: /^::group::Health gate: /, signal: 'SIGKILL', afterMs: 300 } });
    expect(killed.code).not.toBe(0);
    // Its messages still say "deploying"; the run after it posts messages of its own.
    const slackTs = slack.messages(channelId).at(-1)?.ts;
    const telegramId = telegram.messages(botToken, admins).at(-1)?.message_id;
    const killedSlack = (): string => JSON.stringify(slack.messages(channelId).find((message) => message.ts === slackTs)?.blocks?.[0] ?? {});
    const killedTelegram = (): string => telegram.messages(botToken, admins).find((message) => message.message_id === telegramId)?.text ?? '';
    expect(killedSlack()).toContain('deploying');
    const blocked = await runDistAction('.', inputs({ rollback: 'true', version: '', 'lock-timeout': '1s' }));
    expect(blocked.code).toBe(1);
    expect(blocked.log).toMatch(/^::error::Another deploy holds the lock on 127\.0\.0\.1: /m);
    const post = await runDistAction('.', inputs(), { postOf: killed });
    expect(post.code).toBe(0);
    expect(killedSlack()).toContain('deploy cancelled');
    expect(killedTelegram()).toMatch(/^⏹️ .* · deploy to production cancelled\nVersion: v2/);
    const next = await runDistAction('.', inputs({ version: 'v2', 'lock-timeout': '5s' }));
    expect(`${next.code}\n${next.log}`).toMatch(/^0\n/);
    expect(await serving()).toBe('v2');
  });
});
