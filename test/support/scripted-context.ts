import { Journal, type CleanupJournal } from '../../src/pipeline/cleanup-journal.js';
import { HostContext, type HostSetup } from '../../src/pipeline/host-context.js';
import type { RunInfo } from '../../src/pipeline/run-info.js';
import { RecordingLog } from '../../src/log/recording-log.js';
import type { SshSession } from '../../src/ssh/types.js';

export const testRun: RunInfo = {
  actor: 'octocat',
  sha: 'abc123',
  repository: 'acme/bot',
  runUrl: 'https://github.com/acme/bot/actions/runs/7',
  owner: 'acme/bot run 7 by octocat',
  lockToken: '0123456789abcdef01234567',
};

export const testSetup: HostSetup = { app: 'bot', appDir: '/opt/bot', lockTimeoutMs: 1000, lockStaleMs: 120_000 };

/** A host context over any session (a ScriptedSession, or a real one), with a recording log and journal. */
export function scriptedContext(
  session: SshSession,
  options: { setup?: Partial<HostSetup>; log?: RecordingLog; journal?: CleanupJournal } = {},
): { ctx: HostContext; log: RecordingLog; journal: CleanupJournal } {
  const log = options.log ?? new RecordingLog();
  const journal = options.journal ?? new Journal();
  const ctx = new HostContext(session, { ...testSetup, ...options.setup }, { log, run: testRun, journal });
  return { ctx, log, journal };
}
