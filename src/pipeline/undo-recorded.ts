import type { ConnectOptions } from '../ssh/types.js';
import type { CleanupJournal } from './cleanup-journal.js';
import type { PipelineEnv } from './host-pipeline.js';
import { runUndos } from './undo.js';
import { messageOf } from '../errors/message-of.js';

/**
 * The post step's work: for each host the journal names (a cancelled or killed run left a lock, a
 * registry login or a one-off container there), connect again and undo it. A host that cannot be
 * reached is a warning: its lock goes stale and is taken over by the next deploy.
 */
export async function undoRecorded(targets: ConnectOptions[], journal: CleanupJournal, env: Pick<PipelineEnv, 'log' | 'connect'>): Promise<void> {
  const hosts = new Set(journal.entries().map((entry) => entry.host));
  for (const target of targets.filter((t) => hosts.has(t.host))) {
    await env.log.group(`Cleaning up what this run left on ${target.host}`, async () => {
      try {
        const session = await env.connect(target, env.log);
        try {
          await runUndos(session, journal, env.log);
        } finally {
          await session.close();
        }
      } catch (error) {
        env.log.warning(`Could not clean up on ${target.host} (${messageOf(error)}); its deploy lock goes stale and the next deploy takes it over.`);
      }
    });
  }
}
