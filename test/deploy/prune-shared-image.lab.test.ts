import { readdirSync } from 'node:fs';
import { lab } from '../lab/lab.js';
import { runDistAction, type ActionRun } from '../support/action-runner.js';
import { labSshInputs, onHost, removeAppContainers, sampleBotInputs, uniqueApp } from '../support/lab-host.js';

const repo = lab.images.polling;

function deploy(app: string, inputs: Record<string, string>): Promise<ActionRun> {
  return runDistAction('ssh-deploy', {
    ...labSshInputs(),
    ...sampleBotInputs('polling', app, `${lab.appRoot}/${app}`),
    env: 'BOT_TOKEN=shared-image-test\n',
    ...inputs,
  });
}

/** A failed deploy shows its log in the test's failure. */
async function deployed(app: string, inputs: Record<string, string>): Promise<ActionRun> {
  const run = await deploy(app, inputs);
  expect(run.code === 0 ? '' : run.log).toBe('');
  return run;
}

const present = (tag: string): boolean => onHost(`docker image inspect ${repo}:${tag} >/dev/null 2>&1 && echo yes || echo no`).trim() === 'yes';
const runningVersion = (app: string): string => onHost(`docker ps --filter label=dev.bot-deploy.app=${app} --format '{{.Label "dev.bot-deploy.version"}}'`).trim();

/**
 * Two apps on one host deploying the same tags of one private repository (a staging and a
 * production bot of one repo): one app's prune must not take the other's rollback image, and a
 * rollback whose image is gone anyway logs in to pull it.
 */
describe('prune and rollback with two apps sharing an image repository', () => {
  const appA = uniqueApp('share-a');
  const appB = uniqueApp('share-b');
  const base = uniqueApp('shared');
  const [t1, t2, t3] = [1, 2, 3].map((n) => `${base}-${n}`) as [string, string, string];

  beforeAll(() => {
    // Distinct images, as real builds are: a tag sharing its image with a running container proves nothing.
    for (const tag of [t1, t2, t3]) {
      onHost(`printf 'FROM ${repo}:v1\\nLABEL ${lab.containerLabel}=${tag}\\n' | docker build -q -t ${repo}:${tag} - >/dev/null 2>&1 && docker push -q ${repo}:${tag} >/dev/null`);
    }
  });
  afterAll(() => {
    removeAppContainers(appA);
    removeAppContainers(appB);
    onHost(`docker image rm ${[t1, t2, t3].map((tag) => `${repo}:${tag}`).join(' ')} >/dev/null 2>&1 || true`);
  });

  it("keeps another app's rollback image when one app prunes, and that rollback then needs no pull", async () => {
    for (const version of [t1, t2]) await deployed(appB, { version });
    for (const version of [t1, t2]) await deployed(appA, { version, 'keep-releases': '1' });
    const pruning = await deployed(appA, { version: t3, 'keep-releases': '1' });
    expect(pruning.log).toContain(`Keeping ${repo}:${t1}: still used by a container or another release on 127.0.0.1.`);
    // A kept its active and previous releases only: releases/t1 and its image were A's to prune...
    expect(readdirSync(`${lab.appRoot}/${appA}/releases`).sort()).toEqual([t2, t3]);
    // ...but B's release t1 still names that image.
    expect(present(t1)).toBe(true);

    const rollback = await deployed(appB, { rollback: 'true', version: '', env: '' });
    expect(rollback.outputs).toMatchObject({ release: t1, 'previous-release': t2 });
    expect(rollback.log).not.toContain('Logged in');
    expect(runningVersion(appB)).toBe(t1);
  });

  it('logs in and pulls the image of a rollback target that is no longer on the host', async () => {
    onHost(`docker image rm ${repo}:${t2} >/dev/null`);
    expect(present(t2)).toBe(false);

    const rollback = await deployed(appB, { rollback: 'true', version: t2, env: '' });
    expect(rollback.log).toContain(`Logged in to ${lab.registry.address} as ${lab.registry.username}`);
    expect(rollback.log).not.toContain('no basic auth credentials');
    expect(present(t2)).toBe(true);
    expect(runningVersion(appB)).toBe(t2);
  });
});
