import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lab, labKnownHosts, readLabFile } from '../lab/lab.js';
import { DatabaseStack } from '../support/database-stack.js';
import { GitHubDeploymentsStandIn } from '../support/github-deployments-stand-in.js';
import { LabBucket } from '../support/lab-bucket.js';
import { freePort, httpGet, onHost, removeAppContainers, uniqueApp } from '../support/lab-host.js';
import { SlackStandIn } from '../support/slack-stand-in.js';
import { steadyLoad } from '../support/steady-load.js';
import { TelegramStandIn } from '../support/telegram-bot-api.js';
import { simulateJob, type Scenario, type SimulatedJob } from '../workflows/job-simulation.js';
import { readWorkflow } from '../workflows/workflow-doc.js';
import { suiteActionSteps, type RecordedAction } from './suite-action-steps.js';

/**
 * cd-production's `deploy` job, end to end: its steps in the file's order and under its `if:`s
 * (GitHub's expression evaluator), the `run:` steps in bash, the suite's steps through the dist
 * bundles, against the lab host (SSH, Docker, nginx, registry, S3) and stand-ins for Slack,
 * Telegram and GitHub. One story, each test one run of the job: v1, v2 without a failed request,
 * a v3 that passes its gate and then fails the soak (rolled back automatically), a manual rollback
 * to v1. Build the bundles first (`npm run build`).
 */
const { doc } = readWorkflow('.github/workflows/cd-production.yml');

const app = uniqueApp('e2e');
const appDir = `${lab.appRoot}/${app}`;
const upstreamFile = join(lab.nginx.upstreamDir, `${app}.conf`);
const siteFile = join(lab.nginx.sitesDir, `${app}.conf`);
/** The image repository of this story: the lab's webhook bot as v1 and v2, and a v3 that turns unhealthy. */
const image = `${lab.registry.address}/e2e/webhook-bot`;
/** v3 answers /health for this long after it starts, then 503: past the switch's gate, inside the soak. */
const V3_HEALTHY_SECONDS = 9;
const botScripts = new URL('../../lab/images/bot', import.meta.url).pathname;
const repository = 'acme/faceit-bot';
/** The commits the tags point at; a rollback is dispatched on main. */
const shas: Record<string, string> = { v1: '1'.repeat(40), v2: '2'.repeat(40), v3: '3'.repeat(40), main: '4'.repeat(40) };
const botToken = '700100:AAE2e-production-bot-token_x';
const adminChat = -1009000000001;
const githubToken = 'ghs_e2eJobToken0123456789abcdef';

const stack = new DatabaseStack(app);
const bucket = new LabBucket(`${app}-backups`.slice(0, 63));
let slack: SlackStandIn;
let slackToken: string;
let slackChannel: string;
let telegram: TelegramStandIn;
let github: GitHubDeploymentsStandIn;
let ports: { blue: number; green: number; site: number };
let botRepo: string;
/** The database's rows before the first deploy: no switch may touch them. */
let rows: Record<string, string>;
/** The sudo rule names the lab's real path; a worktree reaches the lab through a symlinked .lab. */
const sudoNginx = (command: string): string => command.replaceAll(lab.dir, realpathSync(lab.dir));
const siteUrl = (): string => `http://${lab.host}:${ports.site}`;

interface JobRun {
  job: SimulatedJob;
  actions: RecordedAction[];
}

const jobRuns: JobRun[] = [];

/** One run of the deploy job, as a tag push (or a dispatch for a rollback) would start it. */
async function runJob(inputs: Scenario['inputs'], ref: string, runId: string): Promise<JobRun> {
  const workspace = mkdtempSync(join(tmpdir(), `e2e-workspace-${runId}-`));
  const steps = suiteActionSteps({ workspace, botRepo });
  const job = await simulateJob(
    doc,
    'deploy',
    {
      inputs: {
        app,
        image,
        'app-dir': appDir,
        host: lab.host,
        port: String(lab.sshPort),
        user: lab.user,
        'known-hosts': labKnownHosts(),
        'registry-username': lab.registry.username,
        'blue-port': String(ports.blue),
        'green-port': String(ports.green),
        'nginx-upstream-file': upstreamFile,
        'nginx-test-command': sudoNginx(lab.nginx.testCommand),
        'nginx-reload-command': sudoNginx(lab.nginx.reloadCommand),
        'nginx-check-url': `${siteUrl()}/health`,
        'environment-url': 'https://t.me/faceit_bot',
        'drain-timeout': '2s',
        deadline: '20s',
        soak: '4s',
        'lock-timeout': '30s',
        database: stack.database,
        'db-user': stack.user,
        'spaces-endpoint': lab.s3.endpoint,
        'spaces-bucket': bucket.name,
        'spaces-prefix': 'backups',
        'slack-channel': '#deploys',
        'slack-api-url': slack.apiUrl,
        'telegram-chat-id': String(adminChat),
        'telegram-api-root': telegram.apiRoot(),
        ...inputs,
      },
      secrets: {
        SSH_PRIVATE_KEY: readLabFile(lab.keys.ed25519),
        BOT_ENV: `BOT_TOKEN=${botToken}\n`,
        REGISTRY_PASSWORD: lab.registry.password,
        SPACES_ACCESS_KEY_ID: lab.s3.accessKeyId,
        SPACES_SECRET_ACCESS_KEY: lab.s3.secretAccessKey,
        SLACK_BOT_TOKEN: slackToken,
        TELEGRAM_BOT_TOKEN: botToken,
      },
      github: {
        repository,
        sha: shas[ref] ?? '',
        ref_name: ref,
        ref_type: ref.startsWith('v') ? 'tag' : 'branch',
        event_name: inputs?.action === 'rollback' ? 'workflow_dispatch' : 'push',
        actor: 'octocat',
        run_id: runId,
        token: githubToken,
        api_url: github.apiUrl,
      },
      workspace,
    },
    steps.execute,
  );
  rmSync(workspace, { recursive: true, force: true });
  const run = { job, actions: steps.runs };
  jobRuns.push(run);
  return run;
}

/** What a failed expectation should show: every step's outcome and the log of those that failed. */
const story = (run: JobRun): string =>
  run.job.ran.map((step) => `${step.step}: ${step.outcome}${step.outcome === 'failure' ? `\n${step.log}` : ''}`).join('\n');

const deploysLog = (): Array<Record<string, unknown>> =>
  readFileSync(`${appDir}/deploys.log`, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
const state = (): Record<string, unknown> => JSON.parse(readFileSync(`${appDir}/state.json`, 'utf8')) as Record<string, unknown>;
const serving = async (): Promise<string> => (await httpGet(`${siteUrl()}/health`)).body;
/** The version every running bot container of `project` carries ('' when none runs). */
const running = (project: string): string =>
  onHost(`docker ps --filter label=com.docker.compose.project=${project} --filter label=com.docker.compose.service=bot --format '{{.Label "dev.bot-deploy.version"}}'`).trim();
const slackHeader = (index: number): string => {
  const blocks = (slack.messages(slackChannel)[index]?.blocks ?? []) as Array<{ type: string; text?: { text: string } }>;
  return blocks.find((block) => block.type === 'header')?.text?.text ?? '';
};
/** What the notify steps asked of the Bot API (the switch's getWebhookInfo checks left out). */
const telegramCalls = (): string[] => telegram.calls(botToken).map((call) => call.method).filter((method) => method === 'sendMessage' || method === 'editMessageText');

/** v3: the lab's v2 bot with this checkout's bot scripts (BOT_UNHEALTHY_AFTER), unhealthy 9 s after it starts. */
function pushImages(): void {
  for (const version of ['v1', 'v2']) {
    execFileSync('docker', ['tag', `${lab.images.webhook}:${version}`, `${image}:${version}`]);
    execFileSync('docker', ['push', '-q', `${image}:${version}`], { stdio: 'ignore' });
  }
  const container = execFileSync('docker', ['create', `${lab.images.webhook}:v2`], { encoding: 'utf8' }).trim();
  try {
    for (const script of ['webhook-bot.sh', 'webhook-handler.sh']) execFileSync('docker', ['cp', join(botScripts, script), `${container}:/bot/${script}`]);
    execFileSync('docker', ['commit', '--change', 'ENV BOT_VERSION=v3', '--change', `ENV BOT_UNHEALTHY_AFTER=${V3_HEALTHY_SECONDS}`, container, `${image}:v3`], { stdio: 'ignore' });
  } finally {
    execFileSync('docker', ['rm', container], { stdio: 'ignore' });
  }
  execFileSync('docker', ['push', '-q', `${image}:v3`], { stdio: 'ignore' });
}

/** The bot repository: a compose file with the bot (its version from VERSION) and the database the stack already runs. */
function writeBotRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-bot-repo-'));
  writeFileSync(
    join(dir, 'compose.yaml'),
    [
      'services:',
      '  bot:',
      '    image: ${IMAGE}',
      '    ports: ["127.0.0.1:${HOST_PORT:-8090}:8080"]',
      '    environment:',
      '      BOT_TOKEN: ${BOT_TOKEN}',
      '      BOT_VERSION: ${VERSION}',
      '    labels:',
      `      ${lab.containerLabel}: "true"`,
      '    restart: unless-stopped',
      '    stop_grace_period: 10s',
      // The same db as DatabaseStack's, which runs already: a switch starts it only when it does not run.
      ...stack.composeParts().service,
      'volumes:',
      ...stack.composeParts().volumes,
      '',
    ].join('\n'),
  );
  return dir;
}

const reloadNginx = (): void => void execFileSync('nginx', ['-s', 'reload', '-c', lab.nginx.conf], { stdio: 'ignore' });

beforeAll(async () => {
  ports = { blue: await freePort(), green: await freePort(), site: await freePort() };
  pushImages();
  botRepo = writeBotRepo();
  stack.up();
  stack.seed(50);
  rows = stack.checksums();
  await bucket.create();
  // The droplet as its admin set it up once: the site proxies to the upstream file the suite owns (deploy's).
  mkdirSync(appDir, { recursive: true });
  writeFileSync(upstreamFile, `upstream ${app} { server 127.0.0.1:${ports.blue}; }\n`);
  execFileSync('chown', [`${lab.user}:${lab.user}`, upstreamFile, appDir]);
  writeFileSync(siteFile, `server { listen ${lab.host}:${ports.site}; location / { proxy_pass http://${app}; proxy_http_version 1.1; proxy_set_header Connection ""; } }\n`);
  reloadNginx();

  slack = await SlackStandIn.start();
  slackToken = slack.addToken();
  slackChannel = slack.addChannel('deploys').id;
  telegram = new TelegramStandIn();
  telegram.addBot(botToken);
  telegram.addChat(botToken, { id: adminChat, type: 'supergroup', title: 'Admins' });
  await telegram.listen([lab.host]);
  // The bot's webhook is the site (Telegram posts updates through nginx).
  const set = (await (await fetch(`${telegram.apiRoot()}/bot${botToken}/setWebhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: `${siteUrl()}/webhook` }) })).json()) as { ok: boolean };
  expect(set.ok).toBe(true);
  github = await GitHubDeploymentsStandIn.start();
  github.addRepository(repository, { refs: shas });
  github.addToken(githubToken);
}, 120_000);

afterAll(async () => {
  for (const project of [`${app}-blue`, `${app}-green`]) removeAppContainers(project);
  removeAppContainers(app);
  stack.down();
  // The color projects declare the stack's volumes too (unused: db runs in project <app>).
  for (const project of [`${app}-blue`, `${app}-green`]) onHost(`docker volume ls -q --filter label=com.docker.compose.project=${project} | xargs -r docker volume rm >/dev/null`);
  rmSync(siteFile, { force: true });
  rmSync(upstreamFile, { force: true });
  reloadNginx();
  rmSync(appDir, { recursive: true, force: true });
  rmSync(botRepo, { recursive: true, force: true });
  for (const version of ['v1', 'v2', 'v3']) execFileSync('docker', ['rmi', `${image}:${version}`], { stdio: 'ignore' });
  await slack?.close();
  await telegram?.close();
  await github?.close();
});

describe('cd-production, the deploy job end to end', () => {
  it('deploys v1: backup of the database, staged, switched to blue, soaked; Slack, Telegram and GitHub told', async () => {
    const run = await runJob({ version: 'v1' }, 'v1', '9001');
    expect({ status: run.job.status, steps: story(run) }).toMatchObject({ status: 'success' });
    expect(run.job.steps()).toEqual([
      'plan', 'checkout-bot', 'checkout-suite', 'slack-start', 'telegram-start', 'deployment', 'backup', 'stage', 'switch', 'watch', 'soak',
      'outcome', 'deployment-end', 'slack-end', 'telegram-end', 'post switch', 'post stage', 'post backup',
    ]);
    expect(run.job.outputs).toMatchObject({ status: 'success', release: 'v1', 'previous-release': '', 'active-color': 'blue' });

    const key = run.job.outputs['backup-key'] ?? '';
    expect(key).toMatch(new RegExp(`^backups/${app}/bot/\\d{8}T\\d{6}Z-v1\\.dump\\.zst$`));
    const manifest = JSON.parse((await bucket.get(`${key}.manifest.json`)).toString()) as Record<string, unknown>;
    expect(manifest).toMatchObject({ app, database: 'bot', appVersion: 'v1', gitSha: shas.v1, rowCounts: { 'public.users': 50, 'public.messages': 150 } });

    expect(await serving()).toContain('"version":"v1"');
    expect(running(`${app}-blue`)).toBe('v1');
    expect(readFileSync(upstreamFile, 'utf8')).toContain(`server 127.0.0.1:${ports.blue};`);

    expect(slack.messages(slackChannel)).toEqual([expect.objectContaining({ ts: run.job.get('slack-start')?.outputs.ts, edits: 1 })]);
    expect(slackHeader(0)).toMatch(/v1 → production: deployed$/);
    const [message, ...more] = telegram.messages(botToken, adminChat);
    expect(more).toEqual([]);
    expect(String(message?.message_id)).toBe(run.job.get('telegram-start')?.outputs['message-id']);
    expect(message?.text).toMatch(/^✅ .* deployed to production\nVersion: v1\n/);
    expect(telegramCalls()).toEqual(['sendMessage', 'editMessageText']);
    const id = Number(run.job.get('deployment')?.outputs['deployment-id']);
    expect(github.deployment(id)).toMatchObject({ ref: shas.v1, environment: 'production', payload: { version: 'v1', rollback: false } });
    expect(github.statuses(id).map((status) => status.state)).toEqual(['in_progress', 'success']);
  }, 180_000);

  it('deploys v2 with zero downtime: every request through nginx answered, v1 then v2', async () => {
    const load = steadyLoad(`${siteUrl()}/health`);
    const run = await runJob({ version: 'v2' }, 'v2', '9002');
    const stats = await load.stop();
    expect({ status: run.job.status, steps: story(run) }).toMatchObject({ status: 'success' });
    expect(run.job.outputs).toMatchObject({ status: 'success', release: 'v2', 'previous-release': 'v1', 'active-color': 'green' });
    expect(stats.total).toBeGreaterThan(50);
    expect(stats.failed).toBe(0);
    expect([...stats.versions]).toEqual(['v1', 'v2']);
    expect(await serving()).toContain('"version":"v2"');
    expect(running(`${app}-green`)).toBe('v2');
    expect(running(`${app}-blue`)).toBe('');
    expect(slackHeader(1)).toMatch(/v2 → production: deployed$/);
  }, 180_000);

  it('rolls a v3 that passed its gate and then failed the soak back to v2, and says so everywhere', async () => {
    const run = await runJob({ version: 'v3' }, 'v3', '9003');
    expect({ status: run.job.status, steps: story(run) }).toMatchObject({ status: 'failure' });
    // The switch let v3 in (its gate passed), the soak failed, and the workflow's own step went back.
    expect(run.job.get('switch')?.outcome).toBe('success');
    expect(run.job.get('switch')?.outputs).toMatchObject({ release: 'v3', 'active-color': 'blue', 'rolled-back': 'false' });
    expect(run.job.get('soak')?.outcome).toBe('failure');
    expect(run.job.get('soak')?.log).toMatch(/^::error::Health gate failed: .*"status":"unhealthy","version":"v3"/m);
    expect(run.job.get('auto-rollback')?.outcome).toBe('success');
    expect(run.job.outputs).toMatchObject({ status: 'rolled-back', release: 'v2', 'active-color': 'green' });
    expect(await serving()).toContain('"version":"v2"');
    expect(running(`${app}-green`)).toBe('v2');
    expect(running(`${app}-blue`)).toBe('');

    const id = Number(run.job.get('deployment')?.outputs['deployment-id']);
    expect(github.statuses(id).map((status) => status.state)).toEqual(['in_progress', 'failure']);
    expect(slackHeader(2)).toMatch(/rolled back$/);
    expect(telegram.messages(botToken, adminChat).at(-1)?.text).toMatch(/^↩️ .* rolled back on production\nVersion: v2\n/);
    expect(run.job.steps().slice(-10)).toEqual(['soak', 'auto-rollback', 'outcome', 'deployment-end', 'slack-end', 'telegram-end', 'post auto-rollback', 'post switch', 'post stage', 'post backup']);
  }, 180_000);

  it('rolls back to v1 by hand, recorded as a rollback', async () => {
    const run = await runJob({ action: 'rollback', 'rollback-version': 'v1', image: '', version: '' }, 'main', '9004');
    expect({ status: run.job.status, steps: story(run) }).toMatchObject({ status: 'success' });
    expect(run.job.steps()).toEqual(['plan', 'checkout-suite', 'slack-start', 'telegram-start', 'deployment', 'manual-rollback', 'outcome', 'deployment-end', 'slack-end', 'telegram-end', 'post manual-rollback']);
    expect(run.job.outputs).toMatchObject({ status: 'success', release: 'v1' });
    expect(await serving()).toContain('"version":"v1"');
    expect(running(`${app}-blue`)).toBe('v1');
    expect(running(`${app}-green`)).toBe('');
    const id = Number(run.job.get('deployment')?.outputs['deployment-id']);
    expect(github.deployment(id)).toMatchObject({ ref: 'v1', payload: { version: 'v1', rollback: true } });
    expect(github.statuses(id).map((status) => status.state)).toEqual(['in_progress', 'success']);
  }, 180_000);

  it('leaves the whole story in deploys.log, state.json and the stand-ins; every post step ran and no lock is left', () => {
    const entries = deploysLog().map((entry) => ({ action: entry.action, version: entry.version, previous: entry.previous, result: entry.result, sha: entry.sha, run: String(entry.run_url).split('/').at(-1) }));
    expect(entries).toEqual([
      { action: 'stage', version: 'v1', previous: '', result: 'success', sha: shas.v1, run: '9001' },
      { action: 'switch', version: 'v1', previous: '', result: 'success', sha: shas.v1, run: '9001' },
      { action: 'stage', version: 'v2', previous: 'v1', result: 'success', sha: shas.v2, run: '9002' },
      { action: 'switch', version: 'v2', previous: 'v1', result: 'success', sha: shas.v2, run: '9002' },
      { action: 'stage', version: 'v3', previous: 'v2', result: 'success', sha: shas.v3, run: '9003' },
      { action: 'switch', version: 'v3', previous: 'v2', result: 'success', sha: shas.v3, run: '9003' },
      { action: 'rollback', version: 'v2', previous: 'v3', result: 'success', sha: shas.v3, run: '9003' },
      { action: 'rollback', version: 'v1', previous: 'v2', result: 'success', sha: shas.main, run: '9004' },
    ]);
    expect(deploysLog().every((entry) => entry.actor === 'octocat')).toBe(true);
    expect(state()).toMatchObject({ active: 'v1', color: 'blue', colors: { blue: 'v1' } });
    expect(stack.checksums()).toEqual(rows);

    expect(github.history(repository, 'production').map(({ ref, payload, states }) => ({ ref, payload, states }))).toEqual([
      { ref: shas.v1, payload: { version: 'v1', rollback: false }, states: ['in_progress', 'success', 'inactive'] },
      { ref: shas.v2, payload: { version: 'v2', rollback: false }, states: ['in_progress', 'success', 'inactive'] },
      { ref: shas.v3, payload: { version: 'v3', rollback: false }, states: ['in_progress', 'failure'] },
      { ref: 'v1', payload: { version: 'v1', rollback: true }, states: ['in_progress', 'success'] },
    ]);
    expect(slack.messages(slackChannel).map((message, index) => ({ header: slackHeader(index), edits: message.edits }))).toEqual([
      { header: `:white_check_mark: Deploy of ${app} v1 → production: deployed`, edits: 1 },
      { header: `:white_check_mark: Deploy of ${app} v2 → production: deployed`, edits: 1 },
      { header: `:rewind: Deploy of ${app} v2 → production: rolled back`, edits: 1 },
      { header: `:white_check_mark: Rollback of ${app} v1 → production: deployed`, edits: 1 },
    ]);
    expect(telegram.messages(botToken, adminChat).map((message) => message.text.split('\n')[0])).toEqual([
      `✅ Deploy of ${app} · deployed to production`,
      `✅ Deploy of ${app} · deployed to production`,
      `↩️ Deploy of ${app} · rolled back on production`,
      `✅ Rollback of ${app} · deployed to production`,
    ]);
    expect(telegramCalls()).toEqual(['sendMessage', 'editMessageText', 'sendMessage', 'editMessageText', 'sendMessage', 'editMessageText', 'sendMessage', 'editMessageText']);

    // Every bundle that declares a post step (backup, stage, switch, both rollbacks) had it run, and it succeeded.
    expect(jobRuns).toHaveLength(4);
    for (const { actions } of jobRuns) {
      const posts = actions.filter((action) => action.phase === 'post');
      expect(posts.map((action) => action.step)).toEqual(actions.filter((action) => action.phase === 'main' && ['pg-backup-to-spaces', 'ssh-deploy', 'blue-green-switch'].includes(action.action)).map((action) => action.step).reverse());
      expect(posts.map((action) => action.run.code)).toEqual(posts.map(() => 0));
    }
    expect(existsSync(`${appDir}/.lock`)).toBe(false);
  });
});
