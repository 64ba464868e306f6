import { formatDuration } from '../inputs/duration.js';
import { InputError } from '../inputs/input-error.js';
import { splitList, type Inputs } from '../inputs/inputs.js';
import type { Log } from '../log/log.js';
import type { GateSettings } from './gate.js';
import type { HttpExpectations } from './http-expectations.js';
import { parseJsonConditions } from './json-conditions.js';

/** How a health check is judged and paced: shared by health-gate and blue-green-switch. */
export interface HealthCheckConfig {
  expect: HttpExpectations;
  /** Request headers; their values are registered as secrets. */
  headers: Record<string, string>;
  gate: GateSettings;
}

export function readHealthCheck(inputs: Inputs, log: Log): HealthCheckConfig {
  const intervalMs = positive(inputs.durationMs('interval'), 'interval');
  return {
    expect: {
      statuses: readStatuses(inputs.optional('expect-status')),
      json: parseJsonConditions(inputs.optional('expect-json')),
      ...readBodyPattern(inputs.optional('expect-body')),
    },
    headers: readHeaders(inputs.optional('headers'), log),
    gate: {
      intervalMs,
      attemptTimeoutMs: positive(inputs.durationMs('attempt-timeout'), 'attempt-timeout'),
      deadlineMs: positive(inputs.durationMs('deadline'), 'deadline'),
      successThreshold: inputs.integer('success-threshold', 1),
      soakMs: readSoak(inputs.durationMs('soak'), intervalMs),
      maxFailureRatio: readRatio(inputs.number('max-failure-ratio')),
    },
  };
}

function readStatuses(text: string): number[] {
  return splitList(text).map((item) => {
    if (!/^[1-5]\d\d$/.test(item)) throw new InputError(`Input \`expect-status\` must list HTTP statuses such as 200 or 200,204, not "${item}".`);
    return Number(item);
  });
}

function readBodyPattern(text: string): { body?: RegExp } {
  if (text === '') return {};
  try {
    return { body: new RegExp(text) };
  } catch (error) {
    throw new InputError(`Input \`expect-body\` is not a valid regular expression: ${(error as Error).message}.`);
  }
}

function readHeaders(text: string, log: Log): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n').map((item) => item.trim()).filter((item) => item !== '')) {
    const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s*(.*)$/.exec(line);
    // The line may hold a token: never echo it, name only where the problem is.
    if (!match?.[1]) throw new InputError('Input `headers` must hold one `Name: value` per line; a line has no valid header name before its colon.');
    const value = match[2] ?? '';
    // The token alone (after `Bearer `) may show up too, e.g. echoed in a body: mask each long part as well.
    const parts = value.split(/\s+/).filter((part) => part.length >= 8);
    for (const secret of [value, ...parts]) if (secret !== '') log.mask(secret);
    headers[match[1]] = value;
  }
  return headers;
}

function positive(ms: number, name: string): number {
  if (ms <= 0) throw new InputError(`Input \`${name}\` must be longer than 0.`);
  return ms;
}

/** A soak shorter than one interval would end before its first check and pass having checked nothing. */
function readSoak(soakMs: number, intervalMs: number): number {
  if (soakMs !== 0 && soakMs < intervalMs) {
    throw new InputError(
      `Input \`soak\` (${formatDuration(soakMs)}) must be 0 or at least \`interval\` (${formatDuration(intervalMs)}), or the soak would end before its first check: lengthen \`soak\` or shorten \`interval\`.`,
    );
  }
  return soakMs;
}

function readRatio(ratio: number): number {
  if (ratio < 0 || ratio > 1) throw new InputError(`Input \`max-failure-ratio\` must be between 0 and 1, not ${ratio}.`);
  return ratio;
}
