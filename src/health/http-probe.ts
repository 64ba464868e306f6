import { judgeResponse, type HttpExpectations } from './http-expectations.js';
import { httpGet, type StreamFactory } from './http-request.js';
import { errorResult, type Probe, type ProbeResult } from './probe.js';

export interface HttpProbeOptions {
  url: URL;
  expect: HttpExpectations;
  headers: Record<string, string>;
  /** Reach the URL through this (the SSH connection) instead of from the runner. */
  connect?: StreamFactory;
  /** Prefix for the label when several hosts are checked. */
  labelPrefix?: string;
}

/** Checks a URL: one GET per attempt, judged against the expectations. */
export function httpProbe(options: HttpProbeOptions): Probe {
  return {
    label: `${options.labelPrefix ?? ''}${options.url.href}`,
    async check(signal: AbortSignal): Promise<ProbeResult> {
      try {
        const response = await httpGet(options.url, { headers: options.headers, signal, connect: options.connect });
        let reason: string | undefined;
        try {
          reason = await judgeResponse(response, options.expect, signal);
        } catch (error) {
          if (!signal.aborted) throw error;
          // The app answered; the user's pattern did not finish with the answer in time.
          const pattern = options.expect.body?.source ?? '';
          return { ok: false, status: 'timeout', reason: `expect-body /${pattern}/ was still matching at attempt-timeout`, body: response.body };
        }
        return { ok: reason === undefined, status: String(response.status), body: response.body, ...(reason ? { reason } : {}) };
      } catch (error) {
        return errorResult(error, signal);
      }
    },
  };
}
