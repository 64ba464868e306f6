import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { botDeployAction } from '../../src/actions/bot-deploy.js';
import { Inputs } from '../../src/inputs/inputs.js';
import { WorkspaceFiles } from '../../src/inputs/workspace-files.js';
import { RecordingLog } from '../../src/log/recording-log.js';
import { sshKeygen } from '../ssh/key-files.js';
import { readReleaseConfig, type ReleaseConfig } from '../../src/release/release-config.js';

const workspace = mkdtempSync(join(tmpdir(), 'bot-repo-'));
writeFileSync(join(workspace, 'compose.yml'), 'services:\n  bot:\n    image: ${IMAGE}\n');

/** What a workflow gives the root action for a webhook bot on two droplets. */
const base: Record<string, string> = {
  app: 'faceit-bot',
  version: 'v1.2.3',
  image: 'ghcr.io/acme/faceit-bot',
  service: 'bot',
  'nginx-upstream-file': '/etc/nginx/bot-deploy/faceit-bot.conf',
  host: 'web1.example.org\nweb2.example.org',
  user: 'deploy',
  'private-key': sshKeygen('-t', 'ed25519', '-N', '').private,
  'host-fingerprint': 'SHA256:5NhmK2xkjLFKjSOq4gqXp7ZrqsZjEBWSXbIQtgzxmXs',
};

function read(values: Record<string, string> = {}): { config: ReleaseConfig; log: RecordingLog } {
  const given = { ...base, ...values };
  const log = new RecordingLog();
  const config = readReleaseConfig(new Inputs(botDeployAction.inputs, (name) => given[name] ?? ''), log, new WorkspaceFiles(workspace), 'abc123');
  return { config, log };
}

/** Whether the log hides `secret`, as the runner would once the action registered it. */
function masks(log: RecordingLog, secret: string): boolean {
  log.info(`value: ${secret}`);
  return log.lines.at(-1) === 'value: ***';
}

const withBackup = { database: 'bot', 'spaces-bucket': 'acme-backups', 'spaces-region': 'fra1', 'spaces-access-key-id': 'DO00KEY', 'spaces-secret-access-key': 'spaces-secret' };

describe('readReleaseConfig', () => {
  it('stages only (the switch makes it live) and switches with the same release, app and hosts', () => {
    const { config } = read();
    expect(config.stage).toMatchObject({ strategy: 'none', version: 'v1.2.3', app: 'faceit-bot', rollback: false });
    expect(config.switch).toMatchObject({ version: 'v1.2.3', app: 'faceit-bot', mode: 'webhook', rollback: false, colorServices: ['bot'] });
    expect(config.switch.targets.map((target) => target.host)).toEqual(['web1.example.org', 'web2.example.org']);
    expect(config.switchBack).toMatchObject({ rollback: true, version: '' });
    // The root's soak is the pipeline's own; the switch's gate does not soak.
    expect(config.switch.health.gate.soakMs).toBe(0);
    expect(config.soak).toEqual({ soakMs: 120_000, maxFailureRatio: 0 });
    expect(config.backup).toBeUndefined();
    expect(config.slack).toBeUndefined();
    expect(config.telegram).toBeUndefined();
  });

  it('backs up only when a bucket is given, on the first host, as release `version`', () => {
    const { config, log } = read(withBackup);
    expect(config.backup).toMatchObject({ mode: 'backup', app: 'faceit-bot', version: 'v1.2.3', verify: 'stream', compression: 'zstd' });
    expect(config.backup?.source).toMatchObject({ kind: 'compose', service: 'db', project: 'faceit-bot', target: { host: 'web1.example.org' } });
    expect(masks(log, 'spaces-secret')).toBe(true);
  });

  it('a rollback stages nothing and backs nothing up', () => {
    const { config } = read({ ...withBackup, rollback: 'true', version: '' });
    expect(config.stage).toBeUndefined();
    expect(config.backup).toBeUndefined();
    expect(config.switch).toMatchObject({ rollback: true, version: '' });
  });

  it('names the root action\'s own input when a part rejects a value', () => {
    expect(() => read({ ...withBackup, 'backup-verify': 'maybe' })).toThrow('Input `backup-verify` must be one of none, stream, restore, not "maybe".');
    expect(() => read({ ...withBackup, 'backup-compression': 'lz4' })).toThrow(/^Input `backup-compression` must be one of/);
    expect(() => read({ version: '../etc' })).toThrow(/`version`/);
    expect(() => read({ 'slack-bot-token': 'xoxb-1', 'slack-webhook-url': 'https://hooks.slack.com/services/T/B/x' })).toThrow(
      'Give either `slack-webhook-url` (an incoming webhook) or `slack-bot-token` with `slack-channel` (a Slack app), not both.',
    );
  });

  it('checks the notification settings before anything connects, and masks their secrets', () => {
    expect(() => read({ 'telegram-chat-id': '-100123', 'telegram-token': 'not a token' })).toThrow(/^Input `telegram-token` does not look like a bot token/);
    const { config, log } = read({ 'slack-bot-token': 'xoxb-secret-token', 'slack-channel': '#deploys', 'telegram-chat-id': '-100123', 'telegram-token': '123456:ABC-def' });
    expect([masks(log, 'xoxb-secret-token'), masks(log, '123456:ABC-def')]).toEqual([true, true]);
    const slack = config.slack?.({ status: 'success', version: 'v1.2.3', previousRelease: 'v1.2.2', text: 'Release notes', startedAt: 1764547200000, update: { ts: '1712345678.000100', channel: 'C0123' } });
    expect([slack?.optional('status'), slack?.optional('ts'), slack?.optional('channel'), slack?.optional('previous-release'), slack?.optional('text'), slack?.raw('bot-token')]).toEqual([
      'success',
      '1712345678.000100',
      'C0123',
      'v1.2.2',
      'Release notes',
      'xoxb-secret-token',
    ]);
    const telegram = config.telegram?.({ status: 'started', version: 'v1.2.3', previousRelease: '', text: '', startedAt: 1764547200000, update: {} });
    expect([telegram?.optional('chat-id'), telegram?.raw('bot-token'), telegram?.optional('environment')]).toEqual(['-100123', '123456:ABC-def', 'production']);
  });

  it('refuses a soak shorter than one check', () => {
    expect(() => read({ soak: '500ms' })).toThrow('Input `soak` must be 0 or at least `interval`, so the soak checks at least once.');
    expect(read({ soak: '0' }).config.soak.soakMs).toBe(0);
  });
});
