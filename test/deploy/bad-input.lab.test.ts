import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { lab } from '../lab/lab.js';
import { runDistAction } from '../support/action-runner.js';
import { freePort, labSshInputs, onHost, uniqueApp } from '../support/lab-host.js';

const appsRoot = '/srv/bot-deploy-lab';

/** A TCP listener that only counts who connects: proof that an input was rejected before connecting. */
async function connectionCounter(): Promise<{ port: number; count: () => number; close: () => void }> {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, count: () => connections, close: () => server.close() };
}

/** The one `::error::` line of a failed run. */
function errorLine(log: string): string {
  const lines = log.split('\n').filter((line) => line.startsWith('::error::'));
  expect(lines).toHaveLength(1);
  return (lines[0] ?? '').replace('::error::', '');
}

describe('ssh-deploy refuses bad input with one sentence and harms nothing', () => {
  const app = uniqueApp('bad');
  const appDir = `${appsRoot}/${app}`;
  const base = (): Record<string, string> => ({
    ...labSshInputs(),
    app,
    'app-dir': appDir,
    version: 'v1',
    image: lab.images.webhook,
    'compose-file': join(lab.samples.webhook, 'compose.yml'),
    'connect-timeout': '5s',
  });

  /** Runs with `inputs` against a port that counts connections; asserts the run failed without one. */
  async function rejectedBeforeConnecting(inputs: Record<string, string>, workspace?: string): Promise<{ error: string; log: string }> {
    const counter = await connectionCounter();
    try {
      const run = await runDistAction('ssh-deploy', { ...base(), ...inputs, port: String(counter.port) }, workspace ? { cwd: workspace } : {});
      expect(run.code).toBe(1);
      expect(counter.count()).toBe(0);
      return { error: errorLine(run.log), log: run.log };
    } finally {
      counter.close();
    }
  }

  it.each(['../x', 'v1;rm -rf /', '$(touch /tmp/pwned)', 'v1 v2'])('rejects version %j before connecting', async (version) => {
    expect((await rejectedBeforeConnecting({ version })).error).toMatch(/^Input `version` .* is not a valid release name: .*\.$/);
    expect(existsSync('/tmp/pwned')).toBe(false);
  });

  it('rejects an unparseable private key before connecting', async () => {
    expect((await rejectedBeforeConnecting({ 'private-key': 'not a key at all' })).error).toMatch(/private-key/);
  });

  it('rejects a wrong passphrase before connecting', async () => {
    const { error, log } = await rejectedBeforeConnecting({ 'private-key': readFileSync(lab.keys.encrypted, 'utf8'), passphrase: 'wrong passphrase' });
    expect(error).toMatch(/passphrase/);
    expect(log).not.toContain('wrong passphrase');
  });

  it('requires known-hosts or host-fingerprint, pointing at how to get them', async () => {
    const run = await runDistAction('ssh-deploy', { ...base(), 'known-hosts': '' });
    expect(run.code).toBe(1);
    expect(errorLine(run.log)).toMatch(/known-hosts.*host-fingerprint|host-fingerprint.*known-hosts/);
  });

  it('stops at a wrong host key, showing the fingerprint the host presented; nothing runs there', async () => {
    const presented = [lab.hostKeys.ed25519, lab.hostKeys.rsa].map((key) => onHost(`ssh-keygen -lf ${key}`).split(' ')[1]);
    const run = await runDistAction('ssh-deploy', {
      ...base(),
      'known-hosts': '',
      'host-fingerprint': 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    });
    expect(run.code).toBe(1);
    const message = errorLine(run.log);
    expect(presented.some((fingerprint) => fingerprint && message.includes(fingerprint))).toBe(true);
    expect(existsSync(appDir)).toBe(false);
  });

  it('says which host could not be reached, and quickly', async () => {
    const port = await freePort();
    const run = await runDistAction('ssh-deploy', { ...base(), port: String(port) });
    expect(run.code).toBe(1);
    expect(errorLine(run.log)).toContain(`127.0.0.1:${port}`);
    expect(run.durationMs).toBeLessThan(10_000);
  });

  it('refuses registry credentials given by halves', async () => {
    const run = await runDistAction('ssh-deploy', { ...base(), 'registry-password': 'only-a-password' });
    expect(run.code).toBe(1);
    expect(errorLine(run.log)).toBe(
      'Inputs `registry-username` and `registry-password` go together: give both to log in to the registry, or neither.',
    );
    expect(run.log).not.toContain('only-a-password');
  });

  it('rejects a compose file that is not YAML before connecting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-'));
    writeFileSync(join(dir, 'compose.yml'), 'services: [\n  bot\n');
    expect((await rejectedBeforeConnecting({ 'compose-file': 'compose.yml' }, dir)).error).toMatch(/^Compose file compose\.yml is not valid YAML: /);
  });

  it.each(['/etc/passwd', '../../etc/passwd'])('rejects compose-file %j outside the repository before connecting', async (path) => {
    expect((await rejectedBeforeConnecting({ 'compose-file': path })).error).toMatch(/^Input `compose-file` names .*, which is outside the repository: /);
  });

  it('refuses a lock-stale-after that would take a live deploy\'s lock', async () => {
    const run = await runDistAction('ssh-deploy', { ...base(), 'lock-stale-after': '10s' });
    expect(run.code).toBe(1);
    expect(errorLine(run.log)).toMatch(/^Input `lock-stale-after` must be at least 45s/);
  });

  it('rejects a tagged image', async () => {
    const run = await runDistAction('ssh-deploy', { ...base(), image: `${lab.images.webhook}:latest` });
    expect(run.code).toBe(1);
    expect(errorLine(run.log)).toMatch(/without a tag/);
  });
});
