import { WorkspaceFiles } from '../../src/inputs/workspace-files.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allActions } from '../../src/actions/all-actions.js';
import { sshDeployAction } from '../../src/actions/ssh-deploy.js';
import { readDeployConfig } from '../../src/deploy/deploy-config.js';
import { Inputs } from '../../src/inputs/inputs.js';
import { RecordingLog } from '../../src/log/recording-log.js';
import { sshKeygen } from '../ssh/key-files.js';

const root = new URL('../..', import.meta.url).pathname;

/** Every `inputs.<method>('<name>'` call in src/, as [method, name]. */
function inputReads(): Array<[string, string]> {
  const reads: Array<[string, string]> = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (path.endsWith('.ts')) {
        for (const match of readFileSync(path, 'utf8').matchAll(/inputs\.(optional|required|raw|given|bool|integer|number|durationMs|list|oneOf)\(\s*'([a-z-]+)'/g)) {
          reads.push([match[1] as string, match[2] as string]);
        }
      }
    }
  };
  walk(join(root, 'src'));
  return reads;
}

describe('allActions', () => {
  it('names distinct folders, each running the bundle of an entry in src/ (the root action, folder ., runs bot-deploy\'s)', () => {
    const folders = allActions.map((action) => action.folder);
    expect(new Set(folders).size).toBe(folders.length);
    expect(folders).toContain('.');
    for (const action of allActions) {
      const entry = action.folder === '.' ? 'bot-deploy' : action.folder;
      expect(action.runs.main).toBe(`${action.folder === '.' ? '' : '../'}dist/${entry}/index.js`);
      expect(existsSync(join(root, 'src', entry, 'main.ts'))).toBe(true);
      expect(action.outputs.every((output) => output.description.length > 10)).toBe(true);
    }
  });

  it('declares every input name the code reads', () => {
    const declared = new Set(allActions.flatMap((action) => action.inputs.map((spec) => spec.name)));
    const read = new Set(inputReads().map(([, name]) => name));
    expect(read.size).toBeGreaterThan(20);
    expect([...read].filter((name) => !declared.has(name))).toEqual([]);
  });

  it('marks the keys, passphrases, dotenv text, passwords, database URL, age identity, bot tokens, GitHub token and webhook URL secret, and the code reads them only untrimmed', () => {
    const secret = new Set(allActions.flatMap((action) => action.inputs.filter((spec) => spec.secret).map((spec) => spec.name)));
    expect([...secret].sort()).toEqual([
      'bot-token',
      'database-url',
      'decrypt-identity',
      'env',
      'passphrase',
      'private-key',
      'proxy-passphrase',
      'proxy-private-key',
      'registry-password',
      'slack-bot-token',
      'slack-webhook-url',
      'spaces-access-key-id',
      'spaces-secret-access-key',
      'telegram-token',
      'token',
      'webhook-url',
    ]);
    expect(inputReads().filter(([method, name]) => secret.has(name) && !['raw', 'given'].includes(method))).toEqual([]);
  });

  it('hands ssh-deploy its secrets exactly as given, surrounding spaces included', () => {
    const key = sshKeygen('-t', 'ed25519', '-N', '  spaced pass phrase  ');
    const values: Record<string, string> = {
      host: 'web1',
      user: 'deploy',
      'private-key': key.private,
      passphrase: '  spaced pass phrase  ',
      'known-hosts': `web1 ${key.public.split(' ').slice(0, 2).join(' ')}`,
      app: 'bot',
      version: 'v1',
      image: 'ghcr.io/acme/bot',
      'compose-file': 'lab/samples/webhook-bot/compose.yml',
      env: 'BOT_TOKEN=123456:abcdef \n\n',
      'registry-username': 'ci',
      'registry-password': ' pass word ',
    };
    const config = readDeployConfig(new Inputs(sshDeployAction.inputs, (name) => values[name] ?? ''), new RecordingLog(), new WorkspaceFiles(root));
    expect(config.targets[0]?.passphrase).toBe('  spaced pass phrase  ');
    expect(config.env).toBe('BOT_TOKEN=123456:abcdef \n\n');
    expect(config.registry).toEqual({ server: 'ghcr.io', username: 'ci', password: ' pass word ' });
  });
});
