import { InputError } from '../inputs/input-error.js';

export type Operator = '==' | '!=' | '>=' | '<=' | '>' | '<';

/** One `expect-json` condition, e.g. `version == v1.2.3` or `checks.db.latency_ms < 50`. */
export interface JsonCondition {
  /** The condition as the user wrote it, for messages. */
  text: string;
  /** The path as written (`items[0].x`), for messages. */
  path: string;
  /** Object keys and array indexes, in order. */
  segments: Array<string | number>;
  operator: Operator;
  /** The expected value as text; for ordering operators it is also a finite number. */
  value: string;
}

// Longest operators first, so `>=` is not read as `>` followed by `=...`.
const OPERATORS: Operator[] = ['==', '!=', '>=', '<=', '>', '<'];
const ORDERING = new Set<Operator>(['>=', '<=', '>', '<']);

/** Parses `expect-json`: conditions one per line or separated by commas (commas inside quotes are data). */
export function parseJsonConditions(text: string, inputName = 'expect-json'): JsonCondition[] {
  return splitOutsideQuotes(text).map((item) => parseCondition(item, inputName));
}

/** Why the document fails `condition`, or undefined when it holds. */
function checkJsonCondition(document: unknown, condition: JsonCondition): string | undefined {
  const actual = lookup(document, condition.segments);
  const expected = ORDERING.has(condition.operator) ? condition.value : JSON.stringify(condition.value);
  const expectation = `expected ${condition.operator === '==' ? '' : `${condition.operator} `}${expected}`;
  if (actual === undefined) return `json ${condition.path} was missing, ${expectation}`;
  if (holds(actual, condition)) return undefined;
  return `json ${condition.path} was ${describe(actual)}, ${expectation}`;
}

/** Why `body` fails the conditions (the first one that fails), or undefined when all hold. */
export function checkJsonBody(body: string, conditions: JsonCondition[]): string | undefined {
  if (conditions.length === 0) return undefined;
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return 'body is not JSON';
  }
  for (const condition of conditions) {
    const failure = checkJsonCondition(document, condition);
    if (failure) return failure;
  }
  return undefined;
}

function parseCondition(text: string, inputName: string): JsonCondition {
  const bad = (why: string): InputError =>
    new InputError(`Input \`${inputName}\` has a bad condition "${text}": ${why} (write e.g. \`status == healthy\` or \`checks.db.latency_ms < 50\`).`);
  const found = findOperator(text);
  if (!found) throw bad(`it needs one of ${OPERATORS.join(' ')}`);
  const path = text.slice(0, found.index).trim();
  const segments = parsePath(path);
  if (!segments) throw bad(`"${path}" is not a path such as a.b.c or items[0].x`);
  const value = parseValue(text.slice(found.index + found.operator.length).trim());
  if (value === undefined) throw bad('the value is missing or its quotes are unbalanced');
  if (ORDERING.has(found.operator) && !isNumeric(value)) throw bad(`${found.operator} needs a number, not "${value}"`);
  return { text, path, segments, operator: found.operator, value };
}

/** The first operator outside the path, i.e. before any quoted value. */
function findOperator(text: string): { index: number; operator: Operator } | undefined {
  for (let index = 0; index < text.length; index += 1) {
    if (text[index] === '"') return undefined;
    const operator = OPERATORS.find((candidate) => text.startsWith(candidate, index));
    if (operator) return { index, operator };
  }
  return undefined;
}

function parsePath(path: string): Array<string | number> | undefined {
  if (!/^[A-Za-z_$][\w$-]*(?:\.[A-Za-z_$][\w$-]*|\[\d+\])*$/.test(path)) return undefined;
  return [...path.matchAll(/([A-Za-z_$][\w$-]*)|\[(\d+)\]/g)].map((match) =>
    match[2] === undefined ? (match[1] ?? '') : Number(match[2]),
  );
}

/** A bare value is taken as written; a quoted one may hold spaces, commas and `\"`. */
function parseValue(text: string): string | undefined {
  if (text === '') return undefined;
  if (!text.startsWith('"')) return text.includes('"') ? undefined : text;
  const match = /^"((?:[^"\\]|\\.)*)"$/.exec(text);
  return match ? (match[1] ?? '').replace(/\\(.)/g, '$1') : undefined;
}

function splitOutsideQuotes(text: string): string[] {
  const items: string[] = [];
  let current = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] ?? '';
    if (quoted && char === '\\') {
      current += char + (text[index + 1] ?? '');
      index += 1;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (!quoted && (char === ',' || char === '\n')) {
      items.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  items.push(current);
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

function lookup(document: unknown, segments: Array<string | number>): unknown {
  let node = document;
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(node)) return undefined;
      node = node[segment];
    } else {
      if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, segment)) return undefined;
      node = (node as Record<string, unknown>)[segment];
    }
  }
  return node;
}

function holds(actual: unknown, condition: JsonCondition): boolean {
  if (ORDERING.has(condition.operator)) {
    // Numbers sent as strings ("uptime": "42") still compare as numbers.
    const number = typeof actual === 'number' ? actual : typeof actual === 'string' && isNumeric(actual) ? Number(actual) : undefined;
    if (number === undefined) return false;
    const expected = Number(condition.value);
    if (condition.operator === '>=') return number >= expected;
    if (condition.operator === '<=') return number <= expected;
    return condition.operator === '>' ? number > expected : number < expected;
  }
  // Values are written as text, so `ok == true` and `count == 3` match JSON true and 3.
  const equal = isScalar(actual) && scalarText(actual) === condition.value;
  return condition.operator === '==' ? equal : !equal;
}

function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function scalarText(value: string | number | boolean | null): string {
  return typeof value === 'string' ? value : String(value);
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function isNumeric(text: string): boolean {
  return text.trim() !== '' && Number.isFinite(Number(text));
}
