import { WorkspaceFiles } from '../../src/inputs/workspace-files.js';
import { join } from 'node:path';
import { sshDeployAction } from '../../src/actions/ssh-deploy.js';
import { readDeployConfig } from '../../src/deploy/deploy-config.js';
import { deployHost } from '../../src/deploy/deploy-host.js';
import { Inputs } from '../../src/inputs/inputs.js';
import { RecordingLog } from '../../src/log/recording-log.js';
import { connectSsh } from '../../src/ssh/connect.js';
import { lab } from '../lab/lab.js';
import { scriptedContext } from '../support/scripted-context.js';
import { ScriptedSession } from '../support/scripted-session.js';
import { freePort, labSshInputs, removeAppContainers, uniqueApp } from '../support/lab-host.js';

/**
 * Every command line a real deploy sends, recorded on its way to the lab host: deterministic proof
 * that secrets travel only as stdin or 0600 files, never on a command line (where `ps` shows them).
 */
describe('secrets during a real deploy', () => {
  const app = uniqueApp('secret');
  const botToken = '987654:AAH-never-on-a-command-line';
  afterAll(() => removeAppContainers(app));

  it('go over stdin and 0600 files only, and never into the log', async () => {
    const port = await freePort();
    const values: Record<string, string> = {
      ...labSshInputs(),
      app,
      'app-dir': `${lab.appRoot}/${app}`,
      version: 'v1',
      image: lab.images.webhook,
      'compose-file': join(lab.samples.webhook, 'compose.yml'),
      env: `BOT_TOKEN=${botToken}\nHOST_PORT=${port}\n`,
      'registry-username': lab.registry.username,
      'registry-password': lab.registry.password,
      'pre-deploy': 'echo migrated',
      service: 'bot',
    };
    // Masks off: a secret in this log is one the deploy printed, not one the runner would hide.
    const log = Object.assign(new RecordingLog(), { mask: () => undefined });
    const config = readDeployConfig(new Inputs(sshDeployAction.inputs, (name) => values[name] ?? ''), log, new WorkspaceFiles(process.cwd()));
    const target = config.targets[0];
    if (!target) throw new Error('no target');
    const session = new ScriptedSession(target.host, await connectSsh(target, log));
    try {
      const { ctx } = scriptedContext(session, { log, setup: { app, appDir: config.appDir } });
      await deployHost(ctx, config);
    } finally {
      await session.close();
    }
    const commands = session.calls.map(({ line, options }) => ({ line, stdin: options.stdin?.toString() ?? '' }));
    const { files } = session;

    const secrets = [botToken, lab.registry.password, values['private-key'] ?? ''];
    expect(commands.length).toBeGreaterThan(8);
    expect(commands.filter(({ line }) => secrets.some((secret) => line.includes(secret)))).toEqual([]);
    const login = commands.filter(({ line }) => line.includes('docker login'));
    expect(login.map(({ stdin }) => stdin)).toEqual([lab.registry.password]);
    const envFile = files.find(({ path }) => /\/releases\/\.staging-[0-9a-f]+\/\.env$/.test(path));
    expect(envFile?.mode).toBe(0o600);
    expect(envFile?.content).toContain(botToken);
    expect(files.filter(({ content }) => content.includes(botToken)).map(({ path }) => path)).toEqual([envFile?.path]);
    expect(log.text).toContain('migrated');
    // The registry login is gone before the migration runs: it lives only as long as the pull.
    const removed = commands.findIndex(({ line }) => /rm -rf -- \S*\.docker-auth/.test(line));
    const migration = commands.findIndex(({ line }) => line.includes('echo migrated'));
    expect(removed).toBeGreaterThan(-1);
    expect(removed).toBeLessThan(migration);
    expect(log.text).not.toContain(botToken);
    expect(log.text).not.toContain(lab.registry.password);
  });
});
