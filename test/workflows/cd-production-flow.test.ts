import { simulateJob, type Scenario, type SimulatedJob } from './job-simulation.js';
import { readWorkflow } from './workflow-doc.js';

const { doc } = readWorkflow('.github/workflows/cd-production.yml');

/** A tag deploy of faceit-bot whose host settings come from the environment's variables. */
const deploy: Scenario = {
  inputs: { app: 'faceit-bot', image: 'ghcr.io/acme/faceit-bot', version: 'v1.2.3', 'spaces-region': 'fra1', 'spaces-bucket': 'acme-backups' },
  vars: { DEPLOY_HOST: 'droplet.example.org', DEPLOY_USER: 'deploy', DEPLOY_KNOWN_HOSTS: 'droplet.example.org ssh-ed25519 AAAAC3Nza' },
  secrets: { SSH_PRIVATE_KEY: '-----BEGIN OPENSSH PRIVATE KEY-----', BOT_ENV: 'BOT_TOKEN=1:x', SPACES_ACCESS_KEY_ID: 'id', SPACES_SECRET_ACCESS_KEY: 'secret' },
  outputs: {
    deployment: { 'deployment-id': '42' },
    backup: { key: 'bots/faceit-bot/bot/20261201T000000Z-v1.2.3.dump.zst' },
    stage: { release: 'v1.2.3', 'previous-release': 'v1.2.2' },
    switch: { 'active-color': 'green', release: 'v1.2.3', 'rolled-back': 'false' },
    'auto-rollback': { 'active-color': 'blue', release: 'v1.2.2', 'rolled-back': 'false' },
    'manual-rollback': { 'active-color': 'blue', release: 'v1.2.1' },
  },
};

const run = (scenario: Partial<Scenario> = {}): Promise<SimulatedJob> =>
  simulateJob(doc, 'deploy', {
    ...deploy,
    ...scenario,
    inputs: { ...deploy.inputs, ...scenario.inputs },
    vars: { ...deploy.vars, ...scenario.vars },
    secrets: { ...deploy.secrets, ...scenario.secrets },
    outputs: { ...deploy.outputs, ...scenario.outputs },
  });

const value = (job: SimulatedJob, step: string, key: string): string | undefined => job.get(step)?.with[key];
const status = (job: SimulatedJob): string | undefined => job.get('outcome')?.outputs.status;

describe('cd-production, deploy', () => {
  it('backs up, stages, switches and soaks, then records the success', async () => {
    const job = await run();
    expect(job.steps()).toEqual(['plan', 'checkout-bot', 'checkout-suite', 'deployment', 'backup', 'stage', 'switch', 'watch', 'soak', 'outcome', 'deployment-end']);
    expect(job.status).toBe('success');
    expect(status(job)).toBe('success');
    expect(job.get('outcome')?.outputs).toMatchObject({ release: 'v1.2.3', 'previous-release': 'v1.2.2', 'active-color': 'green' });
    expect(job.get('deployment')?.with).toMatchObject({ step: 'start', environment: 'production', ref: '0123456789abcdef0123456789abcdef01234567', version: 'v1.2.3', rollback: 'false' });
    expect(job.get('deployment-end')?.with).toMatchObject({ step: 'finish', 'deployment-id': '42', status: 'success', version: 'v1.2.3' });
  });

  it('stages only, with the host settings from the variables and the job token for ghcr.io', async () => {
    const job = await run();
    expect(job.get('stage')?.with).toMatchObject({
      strategy: 'none',
      version: 'v1.2.3',
      image: 'ghcr.io/acme/faceit-bot',
      host: 'droplet.example.org',
      user: 'deploy',
      'known-hosts': 'droplet.example.org ssh-ed25519 AAAAC3Nza',
      'private-key': '-----BEGIN OPENSSH PRIVATE KEY-----',
      env: 'BOT_TOKEN=1:x',
      'registry-username': 'octocat',
      'registry-password': 'job-token',
    });
    expect(job.get('switch')?.with).toMatchObject({
      mode: 'webhook',
      'nginx-upstream-file': '/etc/nginx/bot-deploy/faceit-bot.conf',
      'nginx-test-command': 'sudo nginx -t',
      'nginx-reload-command': 'sudo nginx -s reload',
      'telegram-api-root': 'https://api.telegram.org',
      service: 'bot',
    });
    expect(job.get('backup')?.with).toMatchObject({ app: 'faceit-bot', version: 'v1.2.3', 'spaces-bucket': 'acme-backups', 'spaces-secret-access-key': 'secret' });
  });

  it('logs in to another registry only with REGISTRY_PASSWORD', async () => {
    const without = await run({ inputs: { image: 'registry.example.org/acme/bot' } });
    expect([value(without, 'stage', 'registry-username'), value(without, 'stage', 'registry-password')]).toEqual(['', '']);
    const withPassword = await run({ inputs: { image: 'registry.example.org/acme/bot', 'registry-username': 'robot' }, secrets: { REGISTRY_PASSWORD: 'pw' } });
    expect([value(withPassword, 'stage', 'registry-username'), value(withPassword, 'stage', 'registry-password')]).toEqual(['robot', 'pw']);
  });

  it('soaks a webhook bot on the active color’s port from the host, expecting the new version', async () => {
    const job = await run();
    expect(job.get('soak')?.with).toMatchObject({ url: 'http://127.0.0.1:8082/health', 'via-ssh': 'true', 'expect-json': 'version == v1.2.3', service: '', soak: '2m' });
    const blue = await run({ outputs: { switch: { 'active-color': 'blue', release: 'v1.2.3' } } });
    expect(value(blue, 'soak', 'url')).toBe('http://127.0.0.1:8081/health');
  });

  it('soaks a polling bot through its containers in the active color', async () => {
    const job = await run({ inputs: { mode: 'polling' } });
    expect(job.get('soak')?.with).toMatchObject({ url: '', 'via-ssh': 'false', service: 'bot', 'compose-project': 'faceit-bot-green' });
  });

  it('rolls back when the soak fails after the switch, and says so', async () => {
    const job = await run({ failing: ['soak'] });
    expect(job.steps()).toEqual(['plan', 'checkout-bot', 'checkout-suite', 'deployment', 'backup', 'stage', 'switch', 'watch', 'soak', 'auto-rollback', 'outcome', 'deployment-end']);
    // Back to the release before: no version, so the previous one.
    expect(job.get('auto-rollback')?.with).toMatchObject({ rollback: 'true', app: 'faceit-bot' });
    expect(Object.keys(job.get('auto-rollback')?.with ?? {})).not.toContain('version');
    expect(job.status).toBe('failure');
    expect(status(job)).toBe('rolled-back');
    expect(job.get('outcome')?.outputs).toMatchObject({ release: 'v1.2.2', 'active-color': 'blue' });
    expect(value(job, 'deployment-end', 'status')).toBe('rolled-back');
  });

  it('does not roll back again after a switch that put the old release back itself', async () => {
    const job = await run({ failing: ['switch'], outputs: { switch: { 'rolled-back': 'true', 'active-color': 'blue' } } });
    expect(job.steps()).toEqual(['plan', 'checkout-bot', 'checkout-suite', 'deployment', 'backup', 'stage', 'switch', 'outcome', 'deployment-end']);
    expect(status(job)).toBe('rolled-back');
  });

  it('changes nothing after a failed backup or stage, and reports the failure', async () => {
    for (const failing of ['backup', 'stage']) {
      const job = await run({ failing: [failing] });
      expect(job.steps()).not.toContain('switch');
      expect(job.steps()).not.toContain('auto-rollback');
      expect(status(job)).toBe('failure');
      expect(value(job, 'deployment-end', 'status')).toBe('failure');
    }
  });

  it('skips the backup when asked (then needing no bucket), and the soak when it is 0', async () => {
    expect((await run({ inputs: { backup: false, 'spaces-bucket': '' } })).steps()).toEqual(expect.arrayContaining(['stage', 'switch', 'soak']));
    expect((await run({ inputs: { backup: false } })).steps()).not.toContain('backup');
    const job = await run({ inputs: { soak: '0' } });
    expect(job.steps()).not.toContain('soak');
    expect(status(job)).toBe('success');
  });

  it('leaves the deployment record to GitHub when record-deployment is false', async () => {
    const job = await run({ inputs: { 'record-deployment': false } });
    expect(job.steps()).not.toContain('deployment');
    expect(job.steps()).not.toContain('deployment-end');
  });
});

describe('cd-production, rollback', () => {
  it('switches back to the named release without backup, stage or soak, and records a rollback', async () => {
    const job = await run({ inputs: { action: 'rollback', image: '', version: '', 'rollback-version': 'v1.2.1' } });
    expect(job.steps()).toEqual(['plan', 'checkout-suite', 'deployment', 'manual-rollback', 'outcome', 'deployment-end']);
    expect(job.get('manual-rollback')?.with).toMatchObject({ rollback: 'true', version: 'v1.2.1', 'nginx-upstream-file': '/etc/nginx/bot-deploy/faceit-bot.conf' });
    expect(job.get('deployment')?.with).toMatchObject({ step: 'start', rollback: 'true', version: 'v1.2.1', ref: 'v1.2.1' });
    expect(status(job)).toBe('success');
    expect(job.get('outcome')?.outputs.release).toBe('v1.2.1');
  });

  it('goes back to the previous release when no version is named, recording the release it reached', async () => {
    const job = await run({ inputs: { action: 'rollback', version: '' } });
    expect(value(job, 'manual-rollback', 'version')).toBe('');
    expect(job.get('deployment')?.with).toMatchObject({ ref: '0123456789abcdef0123456789abcdef01234567', version: '' });
    expect(value(job, 'deployment-end', 'version')).toBe('v1.2.1');
  });
});

describe('cd-production, the first step', () => {
  it.each<[string, Partial<Scenario>, string]>([
    ['a version that is no release name', { inputs: { version: 'v1 2;rm -rf /' } }, 'Input version "v1 2;rm -rf /" is not a release name'],
    ['a deploy without an image', { inputs: { image: '' } }, 'Input image is required to deploy'],
    ['a deploy with backups on but no bucket', { inputs: { 'spaces-bucket': '' } }, 'The database is backed up before every deploy, but no spaces-bucket is given'],
    ['an unknown action', { inputs: { action: 'redeploy' } }, 'Input action must be deploy or rollback, not "redeploy"'],
    ['an unknown mode', { inputs: { mode: 'webhooks' } }, 'Input mode must be webhook or polling'],
    ['a rollback to a release that is no release name', { inputs: { action: 'rollback', 'rollback-version': '../v1' } }, 'Input rollback-version "../v1" is not a release name'],
    ['no host', { vars: { DEPLOY_HOST: '' } }, 'No host: give input host, or set the DEPLOY_HOST variable'],
    ['no deploy user', { vars: { DEPLOY_USER: '' } }, 'No deploy user'],
    ['no host key', { vars: { DEPLOY_KNOWN_HOSTS: '' } }, 'The host key is unknown'],
    ['no private key', { secrets: { SSH_PRIVATE_KEY: '' } }, 'Secret SSH_PRIVATE_KEY is not set'],
  ])('stops before anything connects on %s', async (_, scenario, message) => {
    const job = await run(scenario);
    expect(job.steps()).toEqual(['plan', 'outcome']);
    expect(job.get('plan')?.log).toContain(`::error title=bot-deploy::${message}`);
    expect(status(job)).toBe('failure');
  });

  it('accepts a host fingerprint or a known_hosts secret instead of the variable', async () => {
    expect((await run({ vars: { DEPLOY_KNOWN_HOSTS: '', DEPLOY_HOST_FINGERPRINT: 'SHA256:abc' } })).steps()).toContain('switch');
    const job = await run({ vars: { DEPLOY_KNOWN_HOSTS: '' }, secrets: { SSH_KNOWN_HOSTS: 'droplet ssh-ed25519 AAAA' } });
    expect(value(job, 'stage', 'known-hosts')).toBe('droplet ssh-ed25519 AAAA');
  });
});

describe('cd-production, notifications', () => {
  it('sends none without a notification secret', async () => {
    expect((await run()).steps().filter((step) => /slack|telegram/.test(step))).toEqual([]);
  });

  it('posts to Telegram when it starts and edits that message with the outcome', async () => {
    const job = await run({
      secrets: { TELEGRAM_BOT_TOKEN: '1:bot' },
      vars: { TELEGRAM_CHAT_ID: '-1001234567890' },
      failing: ['soak'],
      outputs: { 'telegram-start': { 'message-id': '77', 'started-at': '1764547200000' } },
    });
    expect(job.get('telegram-start')?.with).toMatchObject({ 'bot-token': '1:bot', 'chat-id': '-1001234567890', status: 'started', version: 'v1.2.3', title: 'Deploy of faceit-bot' });
    expect(job.get('telegram-end')?.with).toMatchObject({ 'message-id': '77', 'started-at': '1764547200000', status: 'rolled-back', version: 'v1.2.2', 'previous-release': 'v1.2.2' });
    expect(value(job, 'switch', 'telegram-token')).toBe('1:bot');
    expect(value(await run({ secrets: { TELEGRAM_BOT_TOKEN: '1:bot' }, inputs: { 'telegram-checks': false } }), 'switch', 'telegram-token')).toBe('');
  });

  it('needs a chat for Telegram', async () => {
    expect((await run({ secrets: { TELEGRAM_BOT_TOKEN: '1:bot' } })).steps()).not.toContain('telegram-start');
  });

  it('updates one Slack message with a bot token, and posts twice through a webhook', async () => {
    const bot = await run({ secrets: { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x' }, inputs: { 'slack-channel': '#deploys' }, outputs: { 'slack-start': { ts: '1.2', channel: 'C1' } } });
    expect(bot.get('slack-start')?.with).toMatchObject({ 'bot-token': 'xoxb-1', 'webhook-url': '', channel: '#deploys', 'api-url': 'https://slack.com/api/' });
    expect(bot.get('slack-end')?.with).toMatchObject({ ts: '1.2', channel: 'C1', status: 'success' });
    const hook = await run({ secrets: { SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x' } });
    expect(hook.get('slack-start')?.with).toMatchObject({ 'bot-token': '', 'webhook-url': 'https://hooks.slack.com/services/T/B/x' });
    expect(hook.get('slack-end')?.with).toMatchObject({ ts: '', status: 'success' });
  });

  it('still reports when the first step refuses the request', async () => {
    const job = await run({ inputs: { version: 'bad version' }, secrets: { SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x' } });
    expect(job.steps()).toEqual(['plan', 'outcome', 'slack-end']);
    expect(value(job, 'slack-end', 'status')).toBe('failure');
  });
});
