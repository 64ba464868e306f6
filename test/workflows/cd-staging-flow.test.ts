import { simulateJob, type Scenario, type SimulatedJob } from './job-simulation.js';
import { readWorkflow } from './workflow-doc.js';

const { doc } = readWorkflow('.github/workflows/cd-staging.yml');

const staging: Scenario = {
  inputs: { app: 'faceit-bot', image: 'ghcr.io/acme/faceit-bot', version: '0123456789abcdef0123456789abcdef01234567' },
  vars: { DEPLOY_HOST: 'staging.example.org', DEPLOY_USER: 'deploy', DEPLOY_HOST_FINGERPRINT: 'SHA256:abc' },
  secrets: { SSH_PRIVATE_KEY: 'key', BOT_ENV: 'BOT_TOKEN=1:x' },
  outputs: {
    deployment: { 'deployment-id': '7' },
    deploy: { release: '0123456789abcdef0123456789abcdef01234567', 'previous-release': 'fedcba' },
    switch: { 'active-color': 'blue', release: '0123456789abcdef0123456789abcdef01234567', 'rolled-back': 'false' },
    'switch-rollback': { release: 'fedcba' },
    'deploy-rollback': { release: 'fedcba' },
  },
};

const run = (scenario: Partial<Scenario> = {}): Promise<SimulatedJob> =>
  simulateJob(doc, 'deploy', {
    ...staging,
    ...scenario,
    inputs: { ...staging.inputs, ...scenario.inputs },
    vars: { ...staging.vars, ...scenario.vars },
    secrets: { ...staging.secrets, ...scenario.secrets },
    outputs: { ...staging.outputs, ...scenario.outputs },
  });

const status = (job: SimulatedJob): string | undefined => job.get('outcome')?.outputs.status;

describe('cd-staging', () => {
  it('stages and switches blue-green by default, the switch being the gate', async () => {
    const job = await run();
    expect(job.steps()).toEqual(['plan', 'checkout-bot', 'checkout-suite', 'deployment', 'deploy', 'switch', 'outcome', 'deployment-end']);
    expect(job.get('deploy')?.with).toMatchObject({ strategy: 'none', 'host-fingerprint': 'SHA256:abc', 'registry-password': 'job-token' });
    expect(status(job)).toBe('success');
  });

  it('deploys stop-first and then checks the bot’s containers (a polling bot has no port)', async () => {
    const job = await run({ inputs: { strategy: 'stop-first' } });
    expect(job.steps()).toEqual(['plan', 'checkout-bot', 'checkout-suite', 'deployment', 'deploy', 'watch', 'gate', 'outcome', 'deployment-end']);
    expect(job.get('deploy')?.with.strategy).toBe('stop-first');
    expect(job.get('gate')?.with).toMatchObject({ url: '', 'via-ssh': 'false', service: 'bot', 'compose-project': 'faceit-bot' });
  });

  it('checks health-url from the host after a stop-first or recreate deploy, expecting the version', async () => {
    const job = await run({ inputs: { strategy: 'recreate', 'health-url': 'http://127.0.0.1:8080/health' } });
    expect(job.get('gate')?.with).toMatchObject({ url: 'http://127.0.0.1:8080/health', 'via-ssh': 'true', 'expect-json': 'version == 0123456789abcdef0123456789abcdef01234567', service: '' });
  });

  it('puts the previous release back with ssh-deploy when the check fails after a stop-first deploy', async () => {
    const job = await run({ inputs: { strategy: 'stop-first' }, failing: ['gate'] });
    expect(job.steps()).toContain('deploy-rollback');
    expect(job.get('deploy-rollback')?.with).toMatchObject({ rollback: 'true', strategy: 'stop-first', 'registry-password': 'job-token' });
    expect(status(job)).toBe('rolled-back');
    expect(job.get('outcome')?.outputs.release).toBe('fedcba');
  });

  it('switches back when the soak after a blue-green switch fails', async () => {
    const job = await run({ inputs: { soak: '1m' }, failing: ['gate'] });
    expect(job.steps()).toEqual(['plan', 'checkout-bot', 'checkout-suite', 'deployment', 'deploy', 'switch', 'watch', 'gate', 'switch-rollback', 'outcome', 'deployment-end']);
    expect(job.get('gate')?.with).toMatchObject({ url: 'http://127.0.0.1:8081/health', 'via-ssh': 'true' });
    expect(status(job)).toBe('rolled-back');
  });

  it('leaves a failed release in place when auto-rollback is off, and reports the failure', async () => {
    const job = await run({ inputs: { strategy: 'stop-first', 'auto-rollback': false }, failing: ['gate'] });
    expect(job.steps()).not.toContain('deploy-rollback');
    expect(status(job)).toBe('failure');
  });

  it('does not roll back a deploy that failed before it switched (ssh-deploy restored the old release itself)', async () => {
    const job = await run({ inputs: { strategy: 'stop-first' }, failing: ['deploy'] });
    expect(job.steps()).not.toContain('deploy-rollback');
    expect(job.steps()).not.toContain('gate');
  });

  it('refuses an unknown strategy before anything connects', async () => {
    const job = await run({ inputs: { strategy: 'rolling' } });
    expect(job.steps()).toEqual(['plan', 'outcome']);
    expect(job.get('plan')?.log).toContain('Input strategy must be blue-green, stop-first or recreate, not "rolling".');
  });
});
