import { script } from './shell.js';

/**
 * The deploy lock is `<app-dir>/.lock`, a one-line JSON record (owner, run URL, time, token). Every
 * change to it happens under flock(1) on `.lock.guard`, so two deploys never both see it free.
 * The holder touches it while it works; one untouched for longer than the stale limit belongs to a
 * deploy that died, and the next deploy takes it over.
 *
 * Exit codes of acquire: 0 acquired (stdout "acquired" or "took-over <age>" then the old record),
 * 3 held by someone else (stdout "held <age>" then the holder's record), anything else a failure
 * (stderr says why).
 */
export const LOCK_HELD_EXIT = 3;
/** Exit code of refresh when another deploy holds the lock now (this one stalled and was taken over). */
export const LOCK_LOST_EXIT = 4;

const GUARDED =
  'command -v flock >/dev/null || { echo "flock(1) is needed on the host (util-linux)" >&2; exit 2; }\n' +
  'exec 9>"$1.guard" || { echo "cannot write $1.guard as $(id -un)" >&2; exit 2; }\n' +
  'flock 9\n';
const HOLDER_TOKEN = 'held=$(sed -n \'s/.*"token":"\\([0-9a-f]*\\)".*/\\1/p\' "$1" 2>/dev/null)\n';

export const acquireLock = (lockFile: string, token: string, record: string, staleSeconds: number): string =>
  script(
    GUARDED +
      HOLDER_TOKEN +
      'if [ -s "$1" ] && [ "$held" != "$2" ]; then\n' +
      '  age=$(( $(date +%s) - $(stat -c %Y "$1") ))\n' +
      '  if [ "$age" -le "$4" ]; then echo "held $age"; cat "$1"; exit 3; fi\n' +
      '  echo "took-over $age"; cat "$1"\n' +
      'else echo acquired; fi\n' +
      // Through tee, not straight from printf: dash's printf reports a full disk as a bare "I/O
      // error", tee names the file and the cause. A record that could not be written leaves nothing.
      'printf \'%s\\n\' "$3" | tee "$1.tmp" >/dev/null && mv -f "$1.tmp" "$1" && exit 0\n' +
      'rm -f "$1.tmp"; exit 2',
    lockFile,
    token,
    record,
    String(staleSeconds),
  );

/** Touches the lock if this deploy still holds it; exits LOCK_LOST_EXIT otherwise. */
export const refreshLock = (lockFile: string, token: string): string =>
  script(GUARDED + HOLDER_TOKEN + `if [ "$held" = "$2" ]; then touch "$1"; else exit ${LOCK_LOST_EXIT}; fi`, lockFile, token);

export const releaseLock = (lockFile: string, token: string): string =>
  script(GUARDED + HOLDER_TOKEN + 'if [ "$held" = "$2" ]; then rm -f "$1"; fi', lockFile, token);
