import { composeKill, composeRemove, composeUp, composeUpServices } from '../host/compose-commands.js';
import { removeDockerConfig, removeContainer } from '../host/docker-commands.js';
import { releaseLock } from '../host/lock-commands.js';
import type { Log } from '../log/log.js';
import type { SshSession } from '../ssh/types.js';
import { oneOffPending, UNDO_ORDER, type CleanupJournal, type HostCleanupEntry } from './cleanup-journal.js';

function undoCommand(entry: HostCleanupEntry): { line: string; what: string } {
  switch (entry.kind) {
    case 'one-off':
      return { line: removeContainer(entry.container), what: `Stopping the one-off container ${entry.container}` };
    case 'restore': {
      const { project, services, retire } = entry;
      // The new release must be gone before the old one starts: `&&`, so a failure starts nothing.
      const gone = retire ? `${composeRemove(retire.project, retire.services)} && ` : '';
      const kill = services === 'all' || services.length > 0 ? `${composeKill(project, services)} >/dev/null 2>&1; ` : '';
      const up = services === 'all' ? composeUp(project) : composeUpServices(project, services);
      return { line: `${gone}{ ${kill}${up}; }`, what: `Starting ${entry.release} again (this run died while switching)` };
    }
    case 'docker-auth':
      return { line: removeDockerConfig(entry.dir), what: `Removing the registry login in ${entry.dir}` };
    case 'lock':
      return { line: releaseLock(entry.lockFile, entry.token), what: 'Releasing the deploy lock' };
  }
}

/**
 * Undoes what the journal holds for one host (only `kinds`, if given), in UNDO_ORDER, clearing
 * each entry that is undone. The lock is kept while a one-off container may still run
 * (oneOffPending); it then goes stale and is taken over with a warning.
 */
export async function runUndos(session: SshSession, journal: CleanupJournal, log: Log, kinds: readonly HostCleanupEntry['kind'][] = UNDO_ORDER): Promise<void> {
  const mine = journal.entries().filter((entry): entry is HostCleanupEntry => entry.kind !== 'notice' && entry.host === session.host);
  for (const kind of UNDO_ORDER.filter((k) => kinds.includes(k))) {
    for (const entry of mine.filter((e) => e.kind === kind)) {
      if (kind === 'lock' && oneOffPending(journal, session.host)) {
        log.warning(`Keeping the deploy lock on ${session.host}: a one-off container of this run may still run there.`);
        continue;
      }
      const { line, what } = undoCommand(entry);
      const result = await session.run(line, { what, stream: false, allowFailure: true }).catch(() => undefined);
      if (result?.code === 0) {
        journal.clear(kind, session.host);
        log.info(`${what} on ${session.host}: done.`);
      } else {
        log.warning(`${what} on ${session.host} failed${result ? ` (exit code ${result.code})` : ''}; check the host.`);
      }
    }
  }
}
