import { Journal } from '../../src/pipeline/cleanup-journal.js';
import { acrossHosts } from '../../src/pipeline/across-hosts.js';
import type { PipelineEnv } from '../../src/pipeline/host-pipeline.js';
import { RecordingLog } from '../../src/log/recording-log.js';
import { ScriptedSession } from '../support/scripted-session.js';
import { testRun, testSetup } from '../support/scripted-context.js';
import { target } from '../support/scripted-host.js';

/** Hosts whose every command lands in one timeline, so the order across hosts shows. */
function fleet(names: string[], unreachable?: string): { env: PipelineEnv; events: string[]; sessions: Map<string, ScriptedSession> } {
  const events: string[] = [];
  const sessions = new Map(
    names.map((name) => [name, new ScriptedSession(name).on(/[\s\S]*/, (_line, call) => (events.push(`${name}: ${'what' in call ? call.what : ''}`), {}))] as const),
  );
  const env: PipelineEnv = {
    log: new RecordingLog(),
    run: testRun,
    journal: new Journal(),
    connect: async (options) => {
      if (options.host === unreachable) throw new Error(`connect ECONNREFUSED ${options.host}:22`);
      const session = sessions.get(options.host);
      if (!session) throw new Error(`no host ${options.host}`);
      return session;
    },
  };
  return { env, events, sessions };
}

const locking = (events: string[]): string[] => events.filter((event) => /deploy lock|: (step|undo)/.test(event));

describe('acrossHosts', () => {
  test('holds every host\'s lock until the last host is done, then releases them latest first', async () => {
    const { env, events, sessions } = fleet(['web1', 'web2']);
    const outcome = await acrossHosts([target('web1'), target('web2')], testSetup, env, async (ctx) => (events.push(`${ctx.host}: step`), ctx.host), async () => {
      throw new Error('nothing to undo');
    });
    expect(outcome).toEqual({ results: ['web1', 'web2'] });
    expect(locking(events)).toEqual([
      'web1: Taking the deploy lock /opt/bot/.lock',
      'web1: step',
      'web2: Taking the deploy lock /opt/bot/.lock',
      'web2: step',
      'web2: Releasing the deploy lock',
      'web1: Releasing the deploy lock',
    ]);
    expect([...sessions.values()].map((session) => session.closed)).toEqual([1, 1]);
  });

  test('a failure on a later host undoes the earlier ones, latest first, while their locks are still held', async () => {
    const { env, events } = fleet(['web1', 'web2', 'web3']);
    const outcome = await acrossHosts(
      [target('web1'), target('web2'), target('web3')],
      testSetup,
      env,
      async (ctx) => {
        events.push(`${ctx.host}: step`);
        if (ctx.host === 'web3') throw new Error('the soak failed');
        return ctx.host;
      },
      async (ctx, result) => {
        events.push(`${ctx.host}: undo ${result}`);
      },
    );
    expect(outcome.failure).toEqual({ host: 'web3', error: new Error('the soak failed') });
    expect(outcome.results).toEqual(['web1', 'web2']);
    expect(locking(events)).toEqual([
      'web1: Taking the deploy lock /opt/bot/.lock',
      'web1: step',
      'web2: Taking the deploy lock /opt/bot/.lock',
      'web2: step',
      'web3: Taking the deploy lock /opt/bot/.lock',
      'web3: step',
      'web3: Releasing the deploy lock',
      'web2: undo web2',
      'web2: Releasing the deploy lock',
      'web1: undo web1',
      'web1: Releasing the deploy lock',
    ]);
  });

  test('a host that cannot be reached is the failure, and the hosts before it are undone', async () => {
    const { env, events } = fleet(['web1', 'web2'], 'web2');
    const undone: string[] = [];
    const outcome = await acrossHosts([target('web1'), target('web2')], testSetup, env, async (ctx) => ctx.host, async (ctx) => {
      undone.push(ctx.host);
    });
    expect(outcome.failure?.host).toBe('web2');
    expect(String(outcome.failure?.error)).toContain('ECONNREFUSED');
    expect(undone).toEqual(['web1']);
    expect(events.at(-1)).toBe('web1: Releasing the deploy lock');
  });
});
