import { InputError } from '../inputs/input-error.js';

/** How many backups each grandfather-father-son rule keeps; a rule left out of the input keeps none. */
export interface KeepRules {
  last: number;
  daily: number;
  weekly: number;
  monthly: number;
  yearly: number;
}

type RuleName = keyof KeepRules;

const RULE_NAMES: readonly RuleName[] = ['last', 'daily', 'weekly', 'monthly', 'yearly'];
const EXAMPLE = 'last=10,daily=7,weekly=4,monthly=6';

function isRuleName(name: string): name is RuleName {
  return (RULE_NAMES as readonly string[]).includes(name);
}

/** Parses input `keep`: `name=N` rules separated by commas, spaces or newlines, e.g. `last=10,daily=7,weekly=4,monthly=6`. */
export function parseKeepRules(text: string): KeepRules {
  const parts = text.split(/[\s,]+/).filter((part) => part !== '');
  if (parts.length === 0) {
    throw new InputError(`Input \`keep\` is empty, which would delete every backup but the newest; give rules such as ${EXAMPLE}.`);
  }
  const rules: KeepRules = { last: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 };
  const seen = new Set<RuleName>();
  for (const part of parts) {
    const equals = part.indexOf('=');
    if (equals < 0) {
      throw new InputError(`Input \`keep\` has "${part}", which is not name=N; write rules such as ${EXAMPLE}.`);
    }
    const name = part.slice(0, equals);
    const count = part.slice(equals + 1);
    if (!isRuleName(name)) {
      throw new InputError(`Input \`keep\` has an unknown rule "${name}" in "${part}"; the rules are ${RULE_NAMES.join(', ')}, written name=N as in ${EXAMPLE}.`);
    }
    if (!/^\d+$/.test(count) || !Number.isSafeInteger(Number(count))) {
      throw new InputError(`Input \`keep\` has "${part}", but the count after = must be a whole number of 0 or more, as in ${EXAMPLE}.`);
    }
    if (seen.has(name)) {
      throw new InputError(`Input \`keep\` gives rule "${name}" twice; give each rule once, as in ${EXAMPLE}.`);
    }
    seen.add(name);
    rules[name] = Number(count);
  }
  if (RULE_NAMES.every((name) => rules[name] === 0)) {
    throw new InputError(`Input \`keep\` "${text.trim()}" keeps nothing, which would delete every backup but the newest; set at least one count above 0, as in ${EXAMPLE}.`);
  }
  return rules;
}

/** The rules that keep something, written as the input takes them: `last=10,daily=7,weekly=4,monthly=6`. */
export function describeKeepRules(rules: KeepRules): string {
  return RULE_NAMES.filter((name) => rules[name] > 0)
    .map((name) => `${name}=${rules[name]}`)
    .join(',');
}
