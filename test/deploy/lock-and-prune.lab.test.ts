import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync, chownSync, statSync } from 'node:fs';
import { lab } from '../lab/lab.js';
import { runDistAction, type ActionRun } from '../support/action-runner.js';
import { labSshInputs, onHost, removeAppContainers, sampleBotInputs, uniqueApp } from '../support/lab-host.js';

const appsRoot = '/srv/bot-deploy-lab';

function pollingDeploy(app: string, version: string, extra: Record<string, string> = {}): Promise<ActionRun> {
  return runDistAction('ssh-deploy', {
    ...labSshInputs(),
    ...sampleBotInputs('polling', app, `${appsRoot}/${app}`),
    version,
    env: 'BOT_TOKEN=lock-test\n',
    ...extra,
  });
}

/** Writes a lock as another deploy would have left it, owned by the deploy user. */
function plantLock(app: string, owner: string, ageSeconds: number): string {
  const appDir = `${appsRoot}/${app}`;
  onHost(`mkdir -p ${appDir}/releases && chown -R ${lab.user} ${appDir}`);
  const lock = `${appDir}/.lock`;
  writeFileSync(lock, `${JSON.stringify({ token: 'feedface', owner, run_url: 'https://github.com/acme/bot/actions/runs/1', time: '2026-11-25T00:00:00Z' })}\n`);
  const uid = statSync(appDir).uid;
  chownSync(lock, uid, uid);
  const time = Date.now() / 1000 - ageSeconds;
  utimesSync(lock, time, time);
  return lock;
}

describe('the deploy lock on a real host', () => {
  const app = uniqueApp('lock');
  afterAll(() => removeAppContainers(app));

  it('serialises two deploys started together: one waits, both succeed, the lock is gone after', async () => {
    const [a, b] = await Promise.all([pollingDeploy(app, 'v1'), pollingDeploy(app, 'v2')]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect([a.log, b.log].filter((log) => log.includes('Waiting for the deploy lock'))).toHaveLength(1);
    const entries = readFileSync(`${appsRoot}/${app}/deploys.log`, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(entries.map((entry) => entry.result)).toEqual(['success', 'success']);
    expect(existsSync(`${appsRoot}/${app}/.lock`)).toBe(false);
  });

  it('gives up after lock-timeout, naming the holder, and leaves its lock alone', async () => {
    const lock = plantLock(app, 'acme/bot run 1 by alice', 0);
    const run = await pollingDeploy(app, 'v1', { 'lock-timeout': '3s' });
    expect(run.code).toBe(1);
    expect(run.log).toMatch(/::error::Another deploy holds the lock on 127\.0\.0\.1: acme\/bot run 1 by alice \(https:\/\/github\.com\/acme\/bot\/actions\/runs\/1\)/);
    expect(readFileSync(lock, 'utf8')).toContain('alice');
    onHost(`rm -f ${lock}`);
  });

  it('takes over a lock left by a deploy that died (not refreshed for lock-stale-after)', async () => {
    plantLock(app, 'acme/bot run 0 by mallory', 600);
    const run = await pollingDeploy(app, 'v1', { 'lock-timeout': '3s' });
    expect(run.code).toBe(0);
    expect(run.log).toMatch(/::warning::Took over a stale deploy lock on 127\.0\.0\.1 held by acme\/bot run 0 by mallory/);
  });
});

describe('keep-releases prunes old release folders and their images', () => {
  const app = uniqueApp('prune');
  const tags = [1, 2, 3, 4].map((n) => `${app}-${n}`);
  beforeAll(() => {
    for (const tag of tags) onHost(`docker tag ${lab.images.polling}:v1 ${lab.images.polling}:${tag} && docker push -q ${lab.images.polling}:${tag} >/dev/null`);
  });
  afterAll(() => removeAppContainers(app));

  it('keeps the newest two and removes the others with their images', async () => {
    for (const tag of tags) expect((await pollingDeploy(app, tag, { 'keep-releases': '2' })).code).toBe(0);
    expect(readdirSync(`${appsRoot}/${app}/releases`).sort()).toEqual([tags[2], tags[3]]);
    const present = (tag: string): boolean => onHost(`docker image inspect ${lab.images.polling}:${tag} >/dev/null 2>&1 && echo yes || echo no`).trim() === 'yes';
    expect(tags.map(present)).toEqual([false, false, true, true]);
    expect(present('v1')).toBe(true);
  });
});
