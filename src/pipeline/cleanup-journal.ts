import type { ComposeProject } from '../host/compose-commands.js';

/**
 * What a run has left on a host that must not outlive it, recorded as it happens: the runner saves
 * the journal as step state, so the `post` step of a cancelled or killed job can undo it.
 */
export type CleanupEntry =
  | { kind: 'one-off'; host: string; container: string }
  /**
   * A switch under way: if the run dies in it, `retire` (the new release's services, which must not
   * run beside the old one) goes, then `release` starts again: `services` are killed first, in case
   * a stop is still under way, then brought up ('all': the whole project).
   */
  | {
      kind: 'restore';
      host: string;
      release: string;
      project: ComposeProject;
      services: string[] | 'all';
      retire?: { project: ComposeProject; services: string[] };
    }
  | { kind: 'docker-auth'; host: string; dir: string }
  | { kind: 'lock'; host: string; lockFile: string; token: string }
  /**
   * Messages that say a deploy is under way (not on any host: `host` is ''), until the run says how
   * it ended; a run killed before that leaves the post step to say it was cancelled.
   */
  | { kind: 'notice'; host: ''; version: string; startedAt: number; slack: Record<string, string>; telegram: Record<string, string> };

export type CleanupKind = CleanupEntry['kind'];

/** What a run leaves on a host, undone there over SSH. */
export type HostCleanupEntry = Exclude<CleanupEntry, { kind: 'notice' }>;

/** The order undos run in on a host: what runs first, the lock last (it guards the others). */
export const UNDO_ORDER: readonly HostCleanupEntry['kind'][] = ['one-off', 'restore', 'docker-auth', 'lock'];

export interface CleanupJournal {
  record(entry: CleanupEntry): void;
  /** The entry of `kind` on `host` is undone (or was never needed). */
  clear(kind: CleanupKind, host: string): void;
  entries(): CleanupEntry[];
}

/**
 * Whether a one-off container of this run may still run on `host`: then the deploy lock is kept,
 * since releasing it would let the next deploy start a second migration beside the one still running.
 */
export const oneOffPending = (journal: CleanupJournal, host: string): boolean =>
  journal.entries().some((entry) => entry.kind === 'one-off' && entry.host === host);

/** A journal that remembers in memory and tells `persist` after every change. */
export class Journal implements CleanupJournal {
  private list: CleanupEntry[];

  constructor(
    initial: CleanupEntry[] = [],
    private readonly persist: (entries: CleanupEntry[]) => void = () => undefined,
  ) {
    this.list = [...initial];
  }

  record(entry: CleanupEntry): void {
    this.list = [...this.list.filter((e) => !(e.kind === entry.kind && e.host === entry.host)), entry];
    this.persist(this.list);
  }

  clear(kind: CleanupKind, host: string): void {
    const next = this.list.filter((e) => !(e.kind === kind && e.host === host));
    if (next.length === this.list.length) return;
    this.list = next;
    this.persist(this.list);
  }

  entries(): CleanupEntry[] {
    return [...this.list];
  }
}

/** The journal as saved in step state; anything unreadable is treated as empty. */
export function parseJournal(text: string): CleanupEntry[] {
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? (parsed as CleanupEntry[]) : [];
  } catch {
    return [];
  }
}
