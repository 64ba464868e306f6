import { parseDuration } from './duration.js';
import { InputError } from './input-error.js';

/** Reads one input by name; '' when unset (the contract of @actions/core's getInput). */
export type InputSource = (name: string) => string;

/** Typed, validated access to an action's inputs. */
export class Inputs {
  constructor(private readonly source: InputSource) {}

  /** The trimmed value, or '' when unset. */
  optional(name: string): string {
    return this.source(name).trim();
  }

  required(name: string, hint = ''): string {
    const value = this.optional(name);
    if (value === '') throw new InputError(`Input \`${name}\` is required${hint ? `: ${hint}` : ''}.`);
    return value;
  }

  /** The value exactly as given (for keys and dotenv text, where trailing whitespace is data). */
  raw(name: string): string {
    return this.source(name);
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.optional(name).toLowerCase();
    if (value === '') return fallback;
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw new InputError(`Input \`${name}\` must be true or false, not "${value}".`);
  }

  integer(name: string, fallback: number, min = 0): number {
    const value = this.optional(name);
    if (value === '') return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min) {
      throw new InputError(`Input \`${name}\` must be a whole number of at least ${min}, not "${value}".`);
    }
    return Number(value);
  }

  number(name: string, fallback: number): number {
    const value = this.optional(name);
    if (value === '') return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) throw new InputError(`Input \`${name}\` must be a number, not "${value}".`);
    return parsed;
  }

  durationMs(name: string, fallback: string): number {
    const value = this.optional(name);
    return parseDuration(value === '' ? fallback : value, name);
  }

  /** Items separated by commas or newlines, blanks dropped. */
  list(name: string): string[] {
    return splitList(this.optional(name));
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.optional(name);
    if (value === '') return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InputError(`Input \`${name}\` must be one of ${allowed.join(', ')}, not "${value}".`);
    }
    return value as T;
  }
}

export function splitList(text: string): string[] {
  return text.split(/[,\n]/).map((item) => item.trim()).filter((item) => item !== '');
}
