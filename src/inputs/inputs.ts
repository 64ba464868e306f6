import { parseDuration } from './duration.js';
import { InputError } from './input-error.js';
import type { InputSpec } from './input-spec.js';

/** Reads one input by name, exactly as given; '' when unset. */
export type InputSource = (name: string) => string;

/** Which input of another action each of this action's inputs feeds: this action's name → that action's. */
export type InputRoutes = Readonly<Record<string, string>>;

/** The other way round: that action's name → this action's. */
export function outerNames(routes: InputRoutes): Map<string, string> {
  return new Map(Object.entries(routes).map(([outer, inner]) => [inner, outer]));
}

/**
 * Typed, validated access to an action's inputs. An input left empty takes its spec's default (the
 * runner passes action.yml defaults itself, but a workflow may still pass ''), and reading a name
 * the specs do not declare is a bug.
 */
export class Inputs {
  private readonly specs: ReadonlyMap<string, InputSpec>;

  constructor(
    specs: readonly InputSpec[],
    private readonly source: InputSource,
  ) {
    this.specs = new Map(specs.map((spec) => [spec.name, spec]));
  }

  /** The trimmed value, or the default ('' without one). */
  optional(name: string): string {
    const spec = this.spec(name);
    // Trimming a key or a passphrase would change it: secrets are read with raw() only.
    if (spec.secret) throw new Error(`Input \`${name}\` is a secret and must be read untrimmed, with raw().`);
    const value = this.source(name).trim();
    return value === '' ? (spec.default ?? '') : value;
  }

  required(name: string, hint = ''): string {
    const value = this.optional(name);
    if (value === '') throw new InputError(`Input \`${name}\` is required${hint ? `: ${hint}` : ''}.`);
    return value;
  }

  /** The value exactly as given (keys, passphrases, dotenv text: surrounding whitespace is data). */
  raw(name: string): string {
    const value = this.source(name);
    return value === '' ? (this.spec(name).default ?? '') : value;
  }

  /**
   * Whether the workflow set the input to something other than its default; the runner passes
   * defaults like given values, so a value equal to the default counts as not given.
   */
  given(name: string): boolean {
    const value = this.source(name).trim();
    return value !== '' && value !== (this.spec(name).default ?? '');
  }

  bool(name: string): boolean {
    const value = this.required(name).toLowerCase();
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw new InputError(`Input \`${name}\` must be true or false, not "${value}".`);
  }

  integer(name: string, min = 0): number {
    const value = this.required(name);
    if (!/^\d+$/.test(value) || Number(value) < min) {
      throw new InputError(`Input \`${name}\` must be a whole number of at least ${min}, not "${value}".`);
    }
    return Number(value);
  }

  number(name: string): number {
    const value = this.required(name);
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) throw new InputError(`Input \`${name}\` must be a number, not "${value}".`);
    return parsed;
  }

  durationMs(name: string): number {
    return parseDuration(this.required(name), name);
  }

  /** Items separated by commas or newlines, blanks dropped. */
  list(name: string): string[] {
    return splitList(this.optional(name));
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T {
    const value = this.required(name);
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InputError(`Input \`${name}\` must be one of ${allowed.join(', ')}, not "${value}".`);
    }
    return value as T;
  }

  /**
   * Another action's inputs as this action's workflow gave them: each of `routes` (this action's
   * name → that action's) read from here, `fixed` values set by the caller, and that action's own
   * defaults for everything else, so an input of this action never leaks into one it was not meant for.
   */
  routed(specs: readonly InputSpec[], routes: InputRoutes, fixed: Readonly<Record<string, string>> = {}): Inputs {
    const outerName = outerNames(routes);
    return new Inputs(specs, (name) => {
      const outer = outerName.get(name);
      return fixed[name] ?? (outer === undefined ? '' : this.source(outer));
    });
  }

  private spec(name: string): InputSpec {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`Input \`${name}\` is read but not declared in the action's input specs.`);
    return spec;
  }
}

export function splitList(text: string): string[] {
  return text.split(/[,\n]/).map((item) => item.trim()).filter((item) => item !== '');
}
