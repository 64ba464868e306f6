import { sshDeploy } from '../../src/deploy/ssh-deploy.js';
import { Journal } from '../../src/pipeline/cleanup-journal.js';
import { RecordingLog } from '../../src/log/recording-log.js';
import { SummaryBuffer } from '../../src/log/job-summary.js';
import type { ScriptedSession } from '../support/scripted-session.js';
import { testRun } from '../support/scripted-context.js';
import { deployConfig, hostRunningV1, target, upOf } from '../support/scripted-host.js';

describe('sshDeploy', () => {
  test('a multi-host deploy stops at the first failing host; the rest of the fleet is never connected', async () => {
    const sessions = new Map<string, ScriptedSession>([
      ['web1', hostRunningV1('web1')],
      ['web2', hostRunningV1('web2').on(' pull', { code: 1, stderr: 'manifest unknown\n' })],
      ['web3', hostRunningV1('web3')],
    ]);
    const connected: string[] = [];
    const summary = new SummaryBuffer();
    const config = deployConfig({ targets: ['web1', 'web2', 'web3'].map(target) });
    const result = await sshDeploy(
      config,
      {
        log: new RecordingLog(),
        run: testRun,
        journal: new Journal(),
        connect: async ({ host }) => {
          connected.push(host);
          const session = sessions.get(host);
          if (!session) throw new Error(`no scripted host ${host}`);
          return session;
        },
      },
      summary,
    );
    expect(connected).toEqual(['web1', 'web2']);
    expect(result.hosts.map((host) => [host.host, host.release])).toEqual([['web1', 'v2']]);
    expect(result.failure?.host).toBe('web2');
    expect(String(result.failure?.error)).toContain('Pulling images failed on web2 with exit code 1');
    expect(sessions.get('web1')?.count(upOf('v2'))).toBe(1);
    expect(sessions.get('web2')?.count(upOf('v2'))).toBe(0);
    expect([sessions.get('web1')?.closed, sessions.get('web2')?.closed, sessions.get('web3')?.calls.length]).toEqual([1, 1, 0]);
    expect(summary.sections[0]?.rows).toEqual(
      expect.arrayContaining([
        ['Host', 'web2'],
        ['Result', expect.stringContaining('failed: Pulling images failed on web2')],
      ]),
    );
  });
});
