import { chownSync, statSync, writeFileSync } from 'node:fs';
import { lab } from '../lab/lab.js';
import { runDistAction } from '../support/action-runner.js';
import { labSshInputs, onHost, removeAppContainers, sampleBotInputs, uniqueApp } from '../support/lab-host.js';

describe('the deploy lock holder, as read from the host', () => {
  const app = uniqueApp('lockname');
  const appDir = `/srv/bot-deploy-lab/${app}`;
  afterAll(() => removeAppContainers(app));

  it('is quoted on one line, so a lock file cannot issue workflow commands', async () => {
    onHost(`mkdir -p ${appDir}/releases && chown -R ${lab.user} ${appDir}`);
    const lock = `${appDir}/.lock`;
    const owner = 'alice\n::warning::pwned\r::add-mask::v1';
    writeFileSync(lock, `${JSON.stringify({ token: 'feedface', owner, time: '2026-11-25T00:00:00Z' })}\n`);
    const uid = statSync(appDir).uid;
    chownSync(lock, uid, uid);

    const raw: string[] = [];
    const run = await runDistAction(
      'ssh-deploy',
      { ...labSshInputs(), ...sampleBotInputs('polling', app, appDir), version: 'v1', env: 'BOT_TOKEN=lock-name-test\n', 'lock-timeout': '3s' },
      { onLine: (line) => raw.push(line) },
    );
    expect(run.code).toBe(1);
    expect(raw.flatMap((line) => line.split('\r')).filter((line) => /^::(warning::pwned|add-mask::v1)/.test(line))).toEqual([]);
    expect(raw).toContain(`Waiting for the deploy lock on ${lab.host}, held by alice ⏎ ::warning::pwned ⏎ ::add-mask::v1 since 2026-11-25T00:00:00Z...`);
    onHost(`rm -f ${lock}`);
  });
});
