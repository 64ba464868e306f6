import { existsSync, readlinkSync } from 'node:fs';
import { lab } from '../lab/lab.js';
import { runDistAction, type ActionRun } from '../support/action-runner.js';
import { labSshInputs, onHost, removeAppContainers, sampleBotInputs, uniqueApp } from '../support/lab-host.js';

describe('ssh-deploy pre-deploy that outlives command-timeout', () => {
  const app = uniqueApp('predeploy');
  const appDir = `${lab.appRoot}/${app}`;
  const deploy = (version: string, inputs: Record<string, string>): Promise<ActionRun> =>
    runDistAction('ssh-deploy', { ...labSshInputs(), ...sampleBotInputs('polling', app, appDir), env: 'BOT_TOKEN=1:x\n', version, service: 'bot', ...inputs });
  /** Every one-off container of the app, whatever named it: compose labels those of `run`. */
  const oneOffs = (): string =>
    onHost(`docker ps -a --filter label=com.docker.compose.project=${app} --filter label=com.docker.compose.oneoff=True --format '{{.Names}} {{.Status}}'`).trim();
  const named = (): string => onHost(`docker ps -aq --filter name=^${app}-predeploy-`).trim();

  afterAll(() => {
    onHost(`docker ps -aq --filter label=com.docker.compose.project=${app} | xargs -r docker rm -f >/dev/null 2>&1 || true`);
    removeAppContainers(app);
  });

  it('a timed-out pre-deploy fails the step and leaves no one-off container running', async () => {
    expect((await deploy('v1', {})).code).toBe(0);
    const run = await deploy('v2', { 'pre-deploy': 'sleep 300; echo done', 'command-timeout': '5s' });
    expect(run.code).toBe(1);
    expect(run.log).toMatch(/^::error::The pre-deploy command on 127\.0\.0\.1 did not finish within the command timeout and was stopped\.$/m);
    expect(oneOffs()).toBe('');
    expect(named()).toBe('');
    // Nothing of this run runs any more, so the lock is free for the next deploy.
    expect(existsSync(`${appDir}/.lock`)).toBe(false);
    expect(readlinkSync(`${appDir}/current`)).toBe('releases/v1');
    expect(existsSync(`${appDir}/releases/v2`)).toBe(false);
  });

  it('a re-run runs the migration once and deploys', async () => {
    const run = await deploy('v2', { 'pre-deploy': 'echo migrated', 'command-timeout': '30s' });
    expect(`exit ${run.code}\n${run.log}`).toMatch(/^exit 0\n/);
    expect(run.log).toContain('migrated');
    expect(oneOffs()).toBe('');
    expect(readlinkSync(`${appDir}/current`)).toBe('releases/v2');
  });
});
