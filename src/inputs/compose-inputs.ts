import type { InputSpec } from './input-spec.js';
import { Inputs, type InputSource } from './inputs.js';

/** One action's share of a composed action (the root action runs several): its specs and its prefix. */
export interface ActionInputs {
  /** Put before the action's colliding names, e.g. `deploy` for `deploy-service`. */
  prefix: string;
  inputs: readonly InputSpec[];
}

export interface ComposedInputs {
  /** The composed action's inputs, each declared once. */
  inputs: InputSpec[];
  /** What the action of `prefix` reads, by its own input names, from the composed action's source. */
  view(prefix: string, source: InputSource): Inputs;
}

/**
 * Unions several actions' inputs. A name declared by several actions is one input when every
 * declaration is the same spec, or when `sameMeaning` lists it (the SSH connection, `app`, ...,
 * worded per action): then the first description stands, it is required when any action requires
 * it, and defaults and secrecy must agree. Any other name declared by several actions means a
 * different thing in each (`service`, `mode`, `rollback`, `keep`) and is declared once per action as
 * `<prefix>-<name>`.
 */
export function composeInputs(parts: readonly ActionInputs[], sameMeaning: readonly string[] = []): ComposedInputs {
  const declarations = new Map<string, Array<{ prefix: string; spec: InputSpec }>>();
  for (const { prefix, inputs } of parts) {
    for (const spec of inputs) declarations.set(spec.name, [...(declarations.get(spec.name) ?? []), { prefix, spec }]);
  }
  const renamed = new Map<string, Map<string, string>>(parts.map(({ prefix }) => [prefix, new Map()]));
  const inputs: InputSpec[] = [];
  for (const [name, declared] of declarations) {
    const specs = declared.map(({ spec }) => spec);
    const first = specs[0] as InputSpec;
    if (specs.every((spec) => sameSpec(spec, first))) {
      inputs.push(first);
    } else if (sameMeaning.includes(name)) {
      if (specs.some((spec) => spec.default !== first.default || Boolean(spec.secret) !== Boolean(first.secret))) {
        throw new Error(`Input \`${name}\` is shared by ${declared.map(({ prefix }) => prefix).join(', ')}, whose specs differ in default or secrecy.`);
      }
      inputs.push({ ...first, required: specs.some((spec) => spec.required) });
    } else {
      for (const { prefix, spec } of declared) {
        inputs.push({ ...spec, name: `${prefix}-${name}` });
        renamed.get(prefix)?.set(name, `${prefix}-${name}`);
      }
    }
  }
  const clash = inputs.find((spec, index) => inputs.findIndex((other) => other.name === spec.name) !== index);
  if (clash) throw new Error(`Composed input \`${clash.name}\` is declared twice: a prefixed name collides with another input.`);
  return {
    inputs,
    view(prefix, source) {
      const part = parts.find((candidate) => candidate.prefix === prefix);
      const names = renamed.get(prefix);
      if (!part || !names) throw new Error(`No action with prefix \`${prefix}\` in this composition.`);
      return new Inputs(part.inputs, (name) => source(names.get(name) ?? name));
    },
  };
}

/** Equal as action.yml and Inputs see them (a section heading is layout). */
function sameSpec(a: InputSpec, b: InputSpec): boolean {
  return a.description === b.description && Boolean(a.required) === Boolean(b.required) && a.default === b.default && Boolean(a.secret) === Boolean(b.secret);
}
