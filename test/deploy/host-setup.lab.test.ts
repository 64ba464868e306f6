import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lab } from '../lab/lab.js';
import { runDistAction } from '../support/action-runner.js';
import { freePort, labSshInputs, sampleBotInputs, uniqueApp } from '../support/lab-host.js';

/** What the README's host setup asks of a droplet, and the sentence a deploy fails with when it is missing. */
describe('host setup', () => {
  it('names the SFTP subsystem when a hardened sshd has none', async () => {
    // A second sshd from the lab's own config, on another port, without `Subsystem sftp`.
    const dir = mkdtempSync(join(tmpdir(), 'sshd-nosftp-'));
    const port = await freePort();
    const config = readFileSync(join(lab.dir, 'sshd/sshd_config'), 'utf8')
      .replace(/^Subsystem .*$/m, '')
      .replace(/^Port .*$/m, `Port ${port}`)
      .replace(/^PidFile .*$/m, `PidFile ${dir}/sshd.pid`);
    writeFileSync(join(dir, 'sshd_config'), config, { mode: 0o644 });
    const sshd: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-f', join(dir, 'sshd_config'), '-E', join(dir, 'sshd.log')], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && !execFileSync('ss', ['-ltn'], { encoding: 'utf8' }).includes(`:${port} `); i++) await new Promise((r) => setTimeout(r, 100));
      const app = uniqueApp('nosftp');
      const { 'known-hosts': _lines, ...ssh } = labSshInputs();
      const fingerprint = execFileSync('ssh-keygen', ['-lf', lab.hostKeys.ed25519], { encoding: 'utf8' }).split(' ')[1] ?? '';
      const run = await runDistAction('ssh-deploy', {
        ...ssh,
        port: String(port),
        'host-fingerprint': fingerprint,
        ...sampleBotInputs('polling', app, `${lab.appRoot}/${app}`),
        version: 'v1',
      });
      expect(run.code).toBe(1);
      expect(run.log).toMatch(/^::error::127\.0\.0\.1 refused the SFTP subsystem \(.*\): enable `Subsystem sftp` in its sshd_config\.$/m);
    } finally {
      sshd.kill();
    }
  });

  it('shows the one command that prepares the default app-dir the deploy user cannot create', async () => {
    const app = uniqueApp('optdir');
    const { 'app-dir': _appDir, ...inputs } = sampleBotInputs('polling', app, '');
    const run = await runDistAction('ssh-deploy', { ...labSshInputs(), ...inputs, version: 'v1' });
    expect(run.code).toBe(1);
    expect(run.log).toContain(`cannot create /opt/${app}/releases as deploy: prepare /opt/${app} once as root with: install -d -o deploy /opt/${app}`);
  });
});
