import type { HttpResponse } from './http-request.js';
import { checkJsonBody, type JsonCondition } from './json-conditions.js';

/** What a healthy answer looks like (`expect-status`, `expect-json`, `expect-body`). */
export interface HttpExpectations {
  statuses: number[];
  json: JsonCondition[];
  body?: RegExp;
}

/** Why the response is not healthy, or undefined when it meets every expectation. */
export function judgeResponse(response: HttpResponse, expect: HttpExpectations): string | undefined {
  if (!expect.statuses.includes(response.status)) {
    return `expected status ${expect.statuses.join(' or ')}`;
  }
  const jsonFailure = checkJsonBody(response.body, expect.json);
  if (jsonFailure) return jsonFailure;
  if (expect.body && !expect.body.test(response.body)) return `body did not match /${expect.body.source}/`;
  return undefined;
}
