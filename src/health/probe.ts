/** The outcome of checking one target once. */
export interface ProbeResult {
  ok: boolean;
  /** What was seen, short: an HTTP status (`503`), `timeout`, `ECONNREFUSED`, `running`, `unhealthy`... */
  status: string;
  /** Why the check failed, e.g. `json status was "starting", expected "healthy"`. */
  reason?: string;
  /** The response body (capped), kept for the failure message. */
  body?: string;
}

/** One thing the gate checks (a URL, a container), once per attempt. */
export interface Probe {
  /** How the target is named in the log and the summary. */
  readonly label: string;
  /** Checks once; stops work and settles soon after `signal` aborts. Never rejects. */
  check(signal: AbortSignal): Promise<ProbeResult>;
}

/** A short status for an error thrown while probing (`ECONNREFUSED`, `timeout`, or the message). */
export function errorResult(error: unknown, signal: AbortSignal): ProbeResult {
  if (signal.aborted) return { ok: false, status: 'timeout', reason: 'no answer within attempt-timeout' };
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, status: typeof code === 'string' ? code : 'error', reason: message };
}
