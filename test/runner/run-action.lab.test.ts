import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lab } from '../lab/lab.js';
import { json, startServer, type TestServer } from '../health/http-server.js';
import { runDistAction } from '../support/action-runner.js';
import { labSshInputs } from '../support/lab-host.js';

// Runs dist/health-gate/index.js as the runner does: build it first (`npm run build`).

/** The lab's authorised key, re-encrypted with `passphrase`. */
function labKeyEncryptedWith(passphrase: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'spaced-key-'));
  try {
    const file = join(dir, 'id');
    copyFileSync(lab.keys.ed25519, file);
    execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', passphrase, '-f', file]);
    return readFileSync(file, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('runAction reads the runner\'s inputs', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((_req, res) => json(res, 200, { status: 'healthy' }));
  });
  afterAll(() => server.close());

  it('untrimmed where they are secrets: a passphrase with spaces around it opens its key', async () => {
    const passphrase = '  spaced pass phrase  ';
    const run = await runDistAction('health-gate', {
      ...labSshInputs(),
      'private-key': labKeyEncryptedWith(passphrase),
      passphrase,
      url: server.url,
      'via-ssh': 'true',
      interval: '200ms',
      'success-threshold': '1',
    });
    expect(run.log).not.toContain('::error::');
    expect(run.code).toBe(0);
    expect(run.outputs.healthy).toBe('true');
  });
});
