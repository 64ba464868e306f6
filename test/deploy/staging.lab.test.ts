import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { lab } from '../lab/lab.js';
import { runDistAction, type ActionRun } from '../support/action-runner.js';
import { labSshInputs, onHost, removeAppContainers, sampleBotInputs, uniqueApp } from '../support/lab-host.js';

describe('ssh-deploy stages a release before it replaces a release folder', () => {
  const app = uniqueApp('staging');
  const appDir = `${lab.appRoot}/${app}`;
  const deploy = (inputs: Record<string, string>): Promise<ActionRun> =>
    runDistAction('ssh-deploy', { ...labSshInputs(), ...sampleBotInputs('polling', app, appDir), env: 'BOT_TOKEN=1:x\n', ...inputs });
  const releaseFiles = (version: string): string[] => ['release.json', '.env'].map((name) => readFileSync(`${appDir}/releases/${version}/${name}`, 'utf8'));
  const running = (): string =>
    onHost(`docker ps --filter label=com.docker.compose.project=${app} --format '{{.Label "dev.bot-deploy.version"}}'`).trim();

  afterAll(() => removeAppContainers(app));

  it('a re-deploy of an existing version that fails at pull leaves its release folder as it was, and a rollback to it works', async () => {
    for (const version of ['v1', 'v2']) expect((await deploy({ version })).code).toBe(0);
    const before = releaseFiles('v1');

    const failed = await deploy({ version: 'v1', image: `${lab.images.polling}-typo`, env: 'BOT_TOKEN=2:changed\n' });
    expect(failed.code).toBe(1);
    expect(failed.log).toMatch(/^::error::Pulling images failed on 127\.0\.0\.1/m);
    expect(releaseFiles('v1')).toEqual(before);
    expect(readdirSync(`${appDir}/releases`).sort()).toEqual(['v1', 'v2']);
    expect(readlinkSync(`${appDir}/current`)).toBe('releases/v2');

    const rollback = await deploy({ rollback: 'true', version: 'v1' });
    expect(`exit ${rollback.code}\n${rollback.log}`).toMatch(/^exit 0\n/);
    expect(readlinkSync(`${appDir}/current`)).toBe('releases/v1');
    expect(running()).toBe('v1');
  });
});
