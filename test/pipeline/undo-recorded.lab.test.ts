import { existsSync } from 'node:fs';
import { lab } from '../lab/lab.js';
import { runDistAction, type ActionRun } from '../support/action-runner.js';
import { labSshInputs, onHost, removeAppContainers, sampleBotInputs, uniqueApp } from '../support/lab-host.js';

const oneOffs = (app: string): string[] => onHost(`docker ps -a --format '{{.Names}}' --filter name=^${app}-predeploy-`).trim().split('\n').filter(Boolean);

/**
 * A job cancelled or killed mid-deploy: the runner kills the main step, then runs the post step
 * (`post-if: always()`), which must undo what the main step left on the host from its saved journal.
 */
describe('the post step of a killed ssh-deploy', () => {
  const apps: string[] = [];
  afterAll(() => apps.forEach(removeAppContainers));

  async function killedDeploy(killAt: RegExp, extra: Record<string, string> = {}): Promise<{ app: string; appDir: string; inputs: Record<string, string>; main: ActionRun }> {
    const app = uniqueApp('killed');
    apps.push(app);
    const appDir = `${lab.appRoot}/${app}`;
    const inputs = { ...labSshInputs(), ...sampleBotInputs('polling', app, appDir), version: 'v1', env: 'BOT_TOKEN=killed-run\n', ...extra };
    const main = await runDistAction('ssh-deploy', inputs, { killAt: { line: killAt, signal: 'SIGKILL' } });
    expect(main.code).not.toBe(0);
    return { app, appDir, inputs, main };
  }

  it('stops the one-off container and releases the lock, so the next deploy neither waits nor runs a second migration', async () => {
    const { app, appDir, inputs, main } = await killedDeploy(/migration-started/, { service: 'bot', 'pre-deploy': 'echo migration-started; sleep 300' });
    // Killing the action's process does not stop the container: Docker's daemon owns it.
    expect(oneOffs(app)).toHaveLength(1);
    expect(existsSync(`${appDir}/.lock`)).toBe(true);

    const post = await runDistAction('ssh-deploy', inputs, { postOf: main });
    expect(post.code).toBe(0);
    expect(post.log).toMatch(/Stopping the one-off container .* done/);
    expect(oneOffs(app)).toEqual([]);
    expect(existsSync(`${appDir}/.lock`)).toBe(false);

    const next = await runDistAction('ssh-deploy', { ...inputs, 'lock-timeout': '5s', 'pre-deploy': 'echo migrated-once' });
    expect(next.code).toBe(0);
    expect(next.log).not.toContain('Waiting for the deploy lock');
  });

  it('removes the registry login a run killed during the pull left behind', async () => {
    const { appDir, inputs, main } = await killedDeploy(/^Logged in to /);
    const login = `${appDir}/.docker-auth-${main.exported.BOT_DEPLOY_LOCK_TOKEN}`;
    expect(existsSync(`${login}/config.json`)).toBe(true);

    const post = await runDistAction('ssh-deploy', inputs, { postOf: main });
    expect(post.code).toBe(0);
    expect(existsSync(login)).toBe(false);
    expect(existsSync(`${appDir}/.lock`)).toBe(false);
  });

  it('does nothing and connects nowhere when the main step finished cleanly', async () => {
    const app = uniqueApp('clean');
    apps.push(app);
    const inputs = { ...labSshInputs(), ...sampleBotInputs('polling', app, `${lab.appRoot}/${app}`), version: 'v1', env: 'BOT_TOKEN=clean-run\n' };
    const main = await runDistAction('ssh-deploy', inputs);
    expect(main.code).toBe(0);
    const post = await runDistAction('ssh-deploy', { ...inputs, host: '192.0.2.1' }, { postOf: main });
    expect(post.code).toBe(0);
    expect(post.log).not.toMatch(/Cleaning up|Connect/);
  });
});
