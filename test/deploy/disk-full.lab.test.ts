import { existsSync, readdirSync } from 'node:fs';
import { lab } from '../lab/lab.js';
import { runDistAction } from '../support/action-runner.js';
import { labSshInputs, onHost, removeAppContainers, sampleBotInputs, uniqueApp } from '../support/lab-host.js';

/**
 * The app folder is a 64 KiB tmpfs owned by the deploy user (the lab host is this machine and the
 * tests run as root), filled up by root before each deploy.
 */
describe('a deploy to a host whose disk is full', () => {
  const app = uniqueApp('diskfull');
  const appDir = `${lab.appRoot}/${app}`;
  const deploy = () =>
    runDistAction('ssh-deploy', { ...labSshInputs(), ...sampleBotInputs('polling', app, appDir), version: 'v1', env: 'BOT_TOKEN=disk-full-test\n' });
  const errors = (log: string) => log.split('\n').filter((line) => line.startsWith('::error::'));
  /** What a deploy left behind: temporary files of the lock or of an SFTP upload. */
  const leftovers = (dir: string): string[] =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => /\.tmp(-[0-9a-f]+)?$/.test(name));
  /** Fills the tmpfs with a root-owned file, leaving `keepKiB` free. */
  const fill = (keepKiB: number): void => {
    onHost(`rm -f ${appDir}/fill`);
    const free = Number(onHost(`df -Pk ${appDir} | awk 'NR==2 {print $4}'`));
    onHost(`head -c ${(free - keepKiB) * 1024} /dev/zero > ${appDir}/fill`);
  };

  beforeAll(() => {
    const uid = onHost(`id -u ${lab.user}`).trim();
    const gid = onHost(`id -g ${lab.user}`).trim();
    onHost(`mkdir -p ${appDir} && mount -t tmpfs -o size=64k,mode=0755,uid=${uid},gid=${gid} tmpfs ${appDir}`);
  });
  afterAll(() => {
    removeAppContainers(app);
    onHost(`umount ${appDir} && rmdir ${appDir}`);
  });

  it('fails taking the deploy lock with one sentence saying so, and leaves no .lock.tmp', async () => {
    fill(0);
    const run = await deploy();
    expect(run.code).toBe(1);
    expect(errors(run.log)).toEqual([
      `::error::Taking the deploy lock ${appDir}/.lock failed on ${lab.host}: no space left on ${lab.host} (${appDir}/.lock.tmp) — free some disk space.`,
    ]);
    expect(leftovers(appDir)).toEqual([]);
    expect(existsSync(`${appDir}/.lock`)).toBe(false);
  });

  it('fails uploading the release with one sentence saying so, and warns that deploys.log misses the failure', async () => {
    // One page: enough for the lock record, not for the release's files.
    fill(4);
    const run = await deploy();
    expect(run.code).toBe(1);
    const staging = /releases\/\.staging-[0-9a-f]+/.exec(run.log)?.[0];
    expect(errors(run.log)).toEqual([
      `::error::Writing ${appDir}/${staging}/compose.yml failed on ${lab.host}: no space left on ${lab.host} (${appDir}/${staging}) — free some disk space.`,
    ]);
    expect(run.log).toContain(
      `::warning::The failure of this deploy is not in ${appDir}/deploys.log on ${lab.host}: Appending to ${appDir}/deploys.log failed on ${lab.host}: no space left on ${lab.host} — free some disk space.`,
    );
    expect(leftovers(appDir)).toEqual([]);
    expect(existsSync(`${appDir}/.lock`)).toBe(false);
  });
});
