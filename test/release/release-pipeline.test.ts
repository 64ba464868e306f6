import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { botDeployAction } from '../../src/actions/bot-deploy.js';
import type { BlueGreenHostResult } from '../../src/blue-green/blue-green-switch.js';
import { RolledBackError } from '../../src/blue-green/rolled-back-error.js';
import { UserError } from '../../src/errors/user-error.js';
import { Inputs } from '../../src/inputs/inputs.js';
import { WorkspaceFiles } from '../../src/inputs/workspace-files.js';
import { SummaryBuffer } from '../../src/log/job-summary.js';
import { RecordingLog } from '../../src/log/recording-log.js';
import { Journal } from '../../src/pipeline/cleanup-journal.js';
import type { HostContext } from '../../src/pipeline/host-context.js';
import type { PipelineEnv } from '../../src/pipeline/host-pipeline.js';
import { readReleaseConfig, type ReleaseConfig } from '../../src/release/release-config.js';
import type { ReleaseNotices } from '../../src/release/release-notices.js';
import { releasePipeline, type ReleaseResult } from '../../src/release/release-pipeline.js';
import type { ReleaseSteps } from '../../src/release/release-steps.js';
import { testRun } from '../support/scripted-context.js';
import { hostRunningV1 } from '../support/scripted-host.js';
import { sshKeygen } from '../ssh/key-files.js';

const workspace = mkdtempSync(join(tmpdir(), 'bot-repo-'));
writeFileSync(join(workspace, 'compose.yml'), 'services:\n  bot:\n    image: ${IMAGE}\n');
const key = sshKeygen('-t', 'ed25519', '-N', '').private;

function config(values: Record<string, string> = {}): ReleaseConfig {
  const given: Record<string, string> = {
    app: 'bot',
    'app-dir': '/opt/bot',
    version: 'v2',
    service: 'bot',
    'nginx-upstream-file': '/etc/nginx/bot-deploy/bot.conf',
    host: 'web1,web2',
    user: 'deploy',
    'private-key': key,
    'insecure-skip-host-key-check': 'true',
    soak: '10s',
    ...values,
  };
  return readReleaseConfig(new Inputs(botDeployAction.inputs, (name) => given[name] ?? ''), new RecordingLog(), new WorkspaceFiles(workspace), 'abc123');
}

const backup = { 'spaces-bucket': 'b', 'spaces-region': 'fra1', 'spaces-access-key-id': 'id', 'spaces-secret-access-key': 'secret', database: 'bot' };

interface Scenario {
  /** What `current` is on each host when the run starts (hostRunningV1: v1). */
  current?: Record<string, string | undefined>;
  /** Steps that fail, as `<host> <step> <version>` (the version only for switch). */
  failing?: string[];
  /** A switch to the new release that fails after it recorded it as current. */
  failsAfterRecording?: string[];
}

/**
 * The pipeline over scripted hosts (their lock commands answered), with steps that only record
 * what they were asked and keep each host's `current` as a real switch would.
 */
async function run(cfg: ReleaseConfig, scenario: Scenario = {}): Promise<{ result: ReleaseResult; calls: string[]; notices: Array<Parameters<ReleaseNotices['send']>[0]>; log: RecordingLog }> {
  const calls: string[] = [];
  const fails = (what: string): boolean => scenario.failing?.includes(what) ?? false;
  const setCurrent = async (ctx: HostContext, version: string): Promise<void> => ctx.updateHostApp({ ...(await ctx.hostApp()), current: version });
  const steps: ReleaseSteps = {
    backup: async (ctx) => (calls.push(`${ctx.host} backup`), 'bots/bot/db/1.dump.zst'),
    stage: async (ctx, stage) => {
      calls.push(`${ctx.host} stage ${stage.version}`);
      if (fails(`${ctx.host} stage`)) throw new UserError(`Pulling failed on ${ctx.host}.`);
    },
    rollbackTo: async (ctx, version, registry) => {
      calls.push(`${ctx.host} rollback to ${version || 'the previous release'}${registry ? `, pulling as ${registry.username}@${registry.server}` : ''}`);
      return version || 'v0';
    },
    switch: async (ctx, sw) => {
      const version = sw.version || 'v0';
      calls.push(`${ctx.host} switch ${sw.rollback ? 'back ' : ''}${version}`);
      if (scenario.failsAfterRecording?.includes(ctx.host) && !sw.rollback) {
        await setCurrent(ctx, version);
        throw new UserError('Telegram no longer has a webhook for the bot.');
      }
      if (fails(`${ctx.host} switch ${version}`)) throw sw.rollback ? new UserError(`Starting ${version} failed on ${ctx.host}.`) : new RolledBackError(`${version} never received traffic.`);
      await setCurrent(ctx, version);
      return { host: ctx.host, release: version, previousRelease: '', activeColor: sw.rollback ? 'blue' : 'green', switchMs: 1, durationMs: 1 } satisfies BlueGreenHostResult;
    },
    soak: async (ctx, targets) => {
      calls.push(`${ctx.host} soak ${targets.gate.soakMs}ms`);
      const healthy = !fails(`${ctx.host} soak`);
      return { healthy, labels: [], gate: { healthy } as never, ...(healthy ? {} : { failure: 'Health gate failed: 2 of 5 checks failed while soaking.' }) };
    },
  };
  const log = new RecordingLog();
  const env: PipelineEnv = {
    log,
    run: testRun,
    journal: new Journal(),
    connect: async (target) => {
      const session = hostRunningV1(target.host);
      const current = scenario.current && target.host in scenario.current ? scenario.current[target.host] : 'v1';
      // A host where nothing ran yet, or one that already runs another release.
      if (current !== 'v1') session.on(/state\.json/, { stdout: ['#state', '{}', '#current', ...(current ? [`releases/${current}`] : []), '#releases', ''].join('\n') });
      return session;
    },
  };
  const notices: Array<Parameters<ReleaseNotices['send']>[0]> = [];
  const result = await releasePipeline(cfg, env, new SummaryBuffer(), { send: async (notice) => void notices.push(notice) }, steps);
  return { result, calls, notices, log };
}

describe('releasePipeline', () => {
  test('two hosts: each backed up (the first only), staged, switched and soaked in turn; success, framed by two notices', async () => {
    const { result, calls, notices } = await run(config({ ...backup }));
    expect(calls).toEqual(['web1 backup', 'web1 stage v2', 'web1 switch v2', 'web1 soak 10000ms', 'web2 stage v2', 'web2 switch v2', 'web2 soak 10000ms']);
    expect(result.status).toBe('success');
    expect(result.hosts.map((h) => [h.host, h.servedBefore, h.release, h.activeColor])).toEqual([
      ['web1', 'v1', 'v2', 'green'],
      ['web2', 'v1', 'v2', 'green'],
    ]);
    expect(notices).toEqual([
      { status: 'started', version: 'v2', text: '' },
      { status: 'success', version: 'v2', previousRelease: 'v1', text: '' },
    ]);
  });

  test('a failed soak switches back to what served before the run (by name, not "the previous release"): rolled-back', async () => {
    const { result, calls, notices } = await run(config({ host: 'web1' }), { failing: ['web1 soak'] });
    expect(calls).toEqual(['web1 stage v2', 'web1 switch v2', 'web1 soak 10000ms', 'web1 switch back v1']);
    expect(result.status).toBe('rolled-back');
    expect(result.hosts[0]).toMatchObject({ release: 'v1', rolledBack: true });
    expect(String(result.failure?.error)).toContain('v2 failed its soak on web1 (Health gate failed: 2 of 5 checks failed while soaking); v1 serves again.');
    expect(notices[1]).toMatchObject({ status: 'rolled-back', version: 'v2', previousRelease: 'v1', text: expect.stringContaining('failed its soak') });
  });

  test('a later host failing takes the earlier ones back, latest first; nothing serves v2, so rolled-back', async () => {
    const { result, calls } = await run(config({ host: 'web1,web2,web3' }), { failing: ['web3 stage'] });
    expect(calls.filter((call) => call.includes('switch'))).toEqual(['web1 switch v2', 'web2 switch v2', 'web2 switch back v1', 'web1 switch back v1']);
    expect(result.status).toBe('rolled-back');
    expect(result.failure?.host).toBe('web3');
    expect(result.hosts.map((h) => h.release)).toEqual(['v1', 'v1', undefined]);
  });

  test('an earlier host that cannot be switched back makes it a failure that names it', async () => {
    const { result, log } = await run(config(), { failing: ['web2 soak', 'web1 switch v1'] });
    expect(result.status).toBe('failure');
    expect(String(result.failure?.error)).toMatch(/; switching back failed on web1, which still serve v2\.$/);
    expect(log.lines).toContain('warning: Could not switch web1 back to v1 after a later host failed (Starting v1 failed on web1); it still serves v2.');
  });

  test('a switch that failed after recording the new release is switched back', async () => {
    const { result, calls } = await run(config({ host: 'web1' }), { failsAfterRecording: ['web1'] });
    expect(calls).toEqual(['web1 stage v2', 'web1 switch v2', 'web1 switch back v1']);
    expect(result.status).toBe('rolled-back');
    expect(String(result.failure?.error)).toBe('RolledBackError: Telegram no longer has a webhook for the bot; v1 serves again.');
  });

  test('a switch that put the old release back by itself is rolled-back, and what serves is what the host says', async () => {
    const { result, calls } = await run(config({ host: 'web1' }), { failing: ['web1 switch v2'] });
    expect(calls).toEqual(['web1 stage v2', 'web1 switch v2']);
    expect(result.status).toBe('rolled-back');
    expect(result.hosts[0]).toMatchObject({ release: 'v1', rolledBack: true });
  });

  test('a re-run of the release already serving that fails its soak has nothing to go back to: failure', async () => {
    const { result, calls } = await run(config({ host: 'web1' }), { current: { web1: 'v2' }, failing: ['web1 soak'] });
    expect(calls).not.toContain('web1 switch back v2');
    expect(result.status).toBe('failure');
    expect(String(result.failure?.error)).toMatch(/nothing served before this run but v2 itself, so there is nothing to switch back to\.$/);
  });

  test('a first deploy that fails its soak: failure, with nothing to switch back to', async () => {
    const { result } = await run(config({ host: 'web1' }), { current: { web1: undefined }, failing: ['web1 soak'] });
    expect(result.status).toBe('failure');
    expect(String(result.failure?.error)).toMatch(/; nothing served before this run, so there is nothing to switch back to\.$/);
  });

  test('a rollback run switches (no backup, no stage, no soak) and its success notice says rolled back', async () => {
    const { result, calls, notices } = await run(config({ host: 'web1', rollback: 'true', version: '', ...backup, image: 'ghcr.io/acme/bot', 'registry-username': 'octocat', 'registry-password': 'ghs_token' }));
    expect(calls).toEqual(['web1 rollback to the previous release, pulling as octocat@ghcr.io', 'web1 switch back v0']);
    expect(result.status).toBe('success');
    expect(notices).toEqual([
      { status: 'started', version: '', text: 'Rollback to the previous release' },
      { status: 'rolled-back', version: 'v0', previousRelease: 'v1', text: '' },
    ]);
  });
});
