import { chmodSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { lab } from '../lab/lab.js';
import { runDistAction } from '../support/action-runner.js';
import { labSshInputs, onHost, removeAppContainers, sampleBotInputs, uniqueApp } from '../support/lab-host.js';

/**
 * The deploy user's Docker config as real droplets have it: a credential helper (docker login
 * would hand it the password, which would then outlive the deploy) and a docker context (rootless
 * Docker). The registry login must work and leave no password anywhere.
 */
describe('registry login on a host with a credential helper and a docker context', () => {
  const app = uniqueApp('login');
  const appDir = `${lab.appRoot}/${app}`;
  const home = `/home/${lab.user}`;
  const helper = '/usr/local/bin/docker-credential-botdeploytest';
  const helperLog = `/tmp/${app}-helper.log`;

  beforeAll(() => {
    writeFileSync(helper, `#!/bin/sh\n{ echo "$1"; cat; echo; } >> ${helperLog}\necho '{}'\n`);
    chmodSync(helper, 0o755);
    onHost(`su -s /bin/sh -c 'docker context rm -f botdeploy-lab >/dev/null 2>&1; docker context create botdeploy-lab --docker host=unix:///var/run/docker.sock >/dev/null && docker context use botdeploy-lab >/dev/null' ${lab.user}`);
    const config = JSON.parse(readFileSync(`${home}/.docker/config.json`, 'utf8')) as Record<string, unknown>;
    writeFileSync(`${home}/.docker/config.json`, JSON.stringify({ ...config, credsStore: 'botdeploytest' }));
  });
  afterAll(() => {
    removeAppContainers(app);
    onHost(`su -s /bin/sh -c 'docker context use default >/dev/null; docker context rm -f botdeploy-lab >/dev/null' ${lab.user}; rm -f ${home}/.docker/config.json`);
    rmSync(helper, { force: true });
    rmSync(helperLog, { force: true });
  });

  it('logs in through a private config that bypasses the helper and keeps the context', async () => {
    const run = await runDistAction('ssh-deploy', {
      ...labSshInputs(),
      ...sampleBotInputs('polling', app, appDir),
      version: 'v1',
      env: 'BOT_TOKEN=login-test\n',
    });
    expect(run.code).toBe(0);
    expect(run.log).toContain(`Logged in to ${lab.registry.address} as ${lab.registry.username}`);
    // Docker's warning is about ~/.docker; this login lives in a private folder removed after the pull.
    expect(run.log).not.toContain('WARNING! Your credentials are stored unencrypted');
    // The helper was never asked to store anything, so the password lives nowhere after the deploy.
    expect(existsSync(helperLog) ? readFileSync(helperLog, 'utf8') : '').not.toContain(lab.registry.password);
    expect(readdirSync(appDir).filter((name) => name.startsWith('.docker-auth'))).toEqual([]);
    expect(readFileSync(`${home}/.docker/config.json`, 'utf8')).not.toContain(lab.registry.address);
    expect(onHost(`docker ps --filter label=dev.bot-deploy.app=${app} --format '{{.Label "dev.bot-deploy.version"}}'`).trim()).toBe('v1');
  });
});
