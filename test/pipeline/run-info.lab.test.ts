import { lab } from '../lab/lab.js';
import { runDistAction } from '../support/action-runner.js';
import { labSshInputs, removeAppContainers, sampleBotInputs, uniqueApp } from '../support/lab-host.js';

/**
 * Steps of one job share the deploy lock's token (BOT_DEPLOY_LOCK_TOKEN, exported by the first): a
 * later step takes the lock an earlier step still holds without waiting, another job waits.
 */
describe('the lock token of a job', () => {
  const app = uniqueApp('token');
  const inputs = { ...labSshInputs(), ...sampleBotInputs('polling', app, `${lab.appRoot}/${app}`), version: 'v1', env: 'BOT_TOKEN=token-test\n', 'lock-timeout': '3s' };
  afterAll(() => removeAppContainers(app));

  it('lets a later step of the same job in at once, and keeps another job out', async () => {
    // The first step dies holding the lock (a killed process never reaches its release).
    const first = await runDistAction('ssh-deploy', inputs, { killAt: { line: /^Logged in to /, signal: 'SIGKILL' } });
    const token = first.exported.BOT_DEPLOY_LOCK_TOKEN ?? '';
    expect(token).toMatch(/^[0-9a-f]{24}$/);

    const otherJob = await runDistAction('ssh-deploy', inputs);
    expect(otherJob.code).toBe(1);
    expect(otherJob.log).toMatch(/Another deploy holds the lock on 127\.0\.0\.1: acme\/sample-bot run 4242 by octocat/);

    const sameJob = await runDistAction('ssh-deploy', inputs, { env: { BOT_DEPLOY_LOCK_TOKEN: token } });
    expect(sameJob.code).toBe(0);
    expect(sameJob.log).not.toContain('Waiting for the deploy lock');
  });

  it('is not exported by an action that takes no lock', async () => {
    const gate = await runDistAction('health-gate', { url: 'http://127.0.0.1:9/health', deadline: '1s', interval: '200ms', 'attempt-timeout': '200ms' });
    expect(gate.code).toBe(1);
    expect(gate.exported).toEqual({});
    expect(gate.state).toEqual({});
  });
});
