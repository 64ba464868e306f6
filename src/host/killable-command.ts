import { randomBytes } from 'node:crypto';
import { quote, script } from './shell.js';

/**
 * Remote commands are wrapped so a timeout can kill everything they started. sshd setsid()s the
 * session's shell, so that shell leads a process group holding every non-job-controlled descendant
 * (background children included); the wrapper prints the shell's PID (= that PGID) first and then
 * `exec`s the command under sh, so the user's login shell (bash, dash, ...) does not change what
 * the command means. The marker carries a per-command random token so output can never fake it.
 */
export interface KillableCommand {
  line: string;
  marker: string;
}

export function killableCommand(command: string): KillableCommand {
  const marker = `bot-deploy-pgid-${randomBytes(6).toString('hex')}=`;
  return { marker, line: `echo ${marker}$$; exec sh -c ${quote(command)}` };
}

/** How long the group gets to exit on SIGTERM before SIGKILL. */
export const KILL_GRACE_SECONDS = 1;

/**
 * Kills the process group `$1`: TERM, a grace period, then KILL. `kill -SIG -PGID` is the one form
 * dash, bash and busybox all accept (dash rejects `kill -TERM -- -PGID`).
 */
export function killGroupCommand(pgid: number): string {
  return script(`kill -TERM "-$1" 2>/dev/null || exit 0; sleep ${KILL_GRACE_SECONDS}; kill -KILL "-$1" 2>/dev/null; exit 0`, String(pgid));
}

/** Bytes of login-shell chatter (rc files that echo) tolerated before the marker; beyond that it is not coming. */
const MAX_HEAD = 64 * 1024;

/** Removes the marker line from the front of stdout, reports the PGID, and passes everything else on. */
export class MarkerFilter {
  private head: Buffer | undefined = Buffer.alloc(0);

  constructor(
    private readonly marker: string,
    private readonly onPgid: (pgid: number) => void,
    private readonly forward: (chunk: Buffer) => void,
  ) {}

  write(chunk: Buffer): void {
    if (this.head === undefined) return this.forward(chunk);
    const head = Buffer.concat([this.head, chunk]);
    const at = head.indexOf(this.marker);
    const newline = at === -1 ? -1 : head.indexOf(0x0a, at);
    if (newline === -1) {
      this.head = head.length > MAX_HEAD ? undefined : head;
      if (this.head === undefined) this.forward(head);
      return;
    }
    this.head = undefined;
    const pgid = Number(head.toString('latin1', at + this.marker.length, newline));
    if (Number.isInteger(pgid) && pgid > 1) this.onPgid(pgid);
    this.forward(head.subarray(0, at));
    this.forward(head.subarray(newline + 1));
  }

  /** Flushes what was held back when the marker never came (e.g. the command could not start). */
  end(): void {
    const head = this.head;
    this.head = undefined;
    if (head !== undefined && head.length > 0) this.forward(head);
  }
}
