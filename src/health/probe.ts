import { messageOf } from '../errors/message-of.js';

/** The outcome of checking one target once. */
export interface ProbeResult {
  ok: boolean;
  /** What was seen, short: an HTTP status (`503`), `timeout`, `ECONNREFUSED`, `running`, `unhealthy`... */
  status: string;
  /** Why the check failed, e.g. `json status was "starting", expected "healthy"`. */
  reason?: string;
  /** The response body (capped), kept for the failure message. */
  body?: string;
  /** A verdict, not a state to wait out (a container seen restarting): the gate fails at once. */
  fatal?: boolean;
}

/** One thing the gate checks (a URL, a container), once per attempt. */
export interface Probe {
  /** How the target is named in the log and the summary. */
  readonly label: string;
  /**
   * Checks once; stops work and settles soon after `signal` aborts. Never rejects. `timeoutMs` is
   * when `signal` will abort (this attempt's share of attempt-timeout): work the probe starts on the
   * host must be bounded by it too, or a hung check outlives its attempt there.
   */
  check(signal: AbortSignal, timeoutMs: number): Promise<ProbeResult>;
  /**
   * Resolves once the work earlier checks started on a host has ended there (a check that was cut
   * at its timeout may still be being killed). Called before the SSH connection closes, since a
   * command still running then would be left behind on the host. Never rejects.
   */
  settle?(): Promise<void>;
}

/** A short status for an error thrown while probing (`ECONNREFUSED`, `timeout`, or the message). */
export function errorResult(error: unknown, signal: AbortSignal): ProbeResult {
  if (signal.aborted) return { ok: false, status: 'timeout', reason: 'no answer within attempt-timeout' };
  const code = (error as { code?: unknown } | null)?.code;
  const message = messageOf(error);
  return { ok: false, status: typeof code === 'string' ? code : 'error', reason: message };
}
