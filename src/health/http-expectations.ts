import type { HttpResponse } from './http-request.js';
import { interruptibleTest } from './interruptible-match.js';
import { checkJsonBody, type JsonCondition } from './json-conditions.js';

/** What a healthy answer looks like (`expect-status`, `expect-json`, `expect-body`). */
export interface HttpExpectations {
  statuses: number[];
  json: JsonCondition[];
  body?: RegExp;
}

/**
 * Why the response is not healthy, or undefined when it meets every expectation. Rejects with the
 * signal's reason when it aborts while `expect-body` is still matching.
 */
export async function judgeResponse(response: HttpResponse, expect: HttpExpectations, signal: AbortSignal): Promise<string | undefined> {
  if (!expect.statuses.includes(response.status)) {
    return `expected status ${expect.statuses.join(' or ')}`;
  }
  const jsonFailure = checkJsonBody(response.body, expect.json);
  if (jsonFailure) return jsonFailure;
  if (expect.body && !(await interruptibleTest(expect.body, response.body, signal))) return `body did not match /${expect.body.source}/`;
  return undefined;
}
