import type { InputSpec } from '../inputs/input-spec.js';

/** How a health check is judged and paced: declared by health-gate and blue-green-switch. */
export const healthCheckInputSpecs: readonly InputSpec[] = [
  { name: 'expect-status', section: 'what healthy means', default: '200', description: 'HTTP status(es) that count as healthy, e.g. `200` or `200,204`.' },
  {
    name: 'expect-json',
    description:
      'Conditions on the JSON body, one per line or comma-separated: `status == healthy`, `version == v1.2.3`, `!=`, ' +
      'numeric `>=` `<=` `>` `<`, nested paths `a.b.c` and `items[0].x`, quoted values `"a b"`. All must hold.',
  },
  { name: 'expect-body', description: 'A regular expression (JavaScript syntax) the body must match.' },
  { name: 'headers', description: 'Request headers, one `Name: value` per line. Values are masked in the log.' },
  { name: 'interval', section: 'pacing', default: '1s', description: 'Time from the start of one attempt to the start of the next.' },
  { name: 'attempt-timeout', default: '5s', description: 'How long one attempt may take before it counts as failed.' },
  { name: 'deadline', default: '120s', description: 'How long to wait for `success-threshold` passes in a row before failing.' },
  { name: 'success-threshold', default: '3', description: 'Consecutive passing attempts (of every target) needed to pass.' },
  {
    name: 'soak',
    default: '0',
    description: 'After passing, keep checking for this long (e.g. `2m`); `0` skips the soak. Otherwise at least `interval`, so the soak checks at least once.',
  },
  {
    name: 'max-failure-ratio',
    default: '0',
    description: 'During the soak, the share of attempts allowed to fail (`0` to `1`); more fails the gate.',
  },
];
