import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { sshDeployInputs } from '../../src/deploy/deploy-config.js';
import { healthGateInputs } from '../../src/health/health-gate-inputs.js';
import type { InputSpec } from '../../src/inputs/input-spec.js';

const root = new URL('../..', import.meta.url).pathname;

interface ActionYml {
  name: string;
  description: string;
  branding: { icon: string; color: string };
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

const actions: Array<{ action: string; inputs: InputSpec[]; outputs: string[] }> = [
  { action: 'ssh-deploy', inputs: sshDeployInputs, outputs: ['release', 'previous-release', 'release-dir', 'duration-ms'] },
  { action: 'health-gate', inputs: healthGateInputs, outputs: ['healthy', 'attempts', 'elapsed-ms', 'last-status'] },
];

const readAction = (action: string): ActionYml => YAML.parse(readFileSync(join(root, action, 'action.yml'), 'utf8')) as ActionYml;

describe.each(actions)('$action/action.yml', ({ action, inputs, outputs }) => {
  const yml = readAction(action);

  it('runs its committed bundle on node24', () => {
    expect(yml.runs).toEqual({ using: 'node24', main: `../dist/${action}/index.js` });
    expect(yml.name).toContain(action);
    expect(yml.description.length).toBeGreaterThan(20);
    expect(yml.branding.icon && yml.branding.color).toBeTruthy();
  });

  it('declares exactly the inputs the code reads, with the same defaults, flags and descriptions', () => {
    expect(Object.keys(yml.inputs)).toEqual(inputs.map((spec) => spec.name));
    for (const spec of inputs) {
      expect([spec.name, yml.inputs[spec.name]]).toEqual([
        spec.name,
        { description: spec.description, required: spec.required ?? false, ...(spec.default ? { default: spec.default } : {}) },
      ]);
    }
  });

  it('declares and describes the outputs of product.md', () => {
    expect(Object.keys(yml.outputs)).toEqual(outputs);
    for (const name of outputs) expect(yml.outputs[name]?.description.length).toBeGreaterThan(10);
  });
});

it('every input name read anywhere in src/ is declared by some action', () => {
  const declared = new Set(actions.flatMap(({ inputs }) => inputs.map((spec) => spec.name)));
  const read = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (path.endsWith('.ts')) {
        for (const match of readFileSync(path, 'utf8').matchAll(/inputs\.(?:optional|required|raw|bool|integer|number|durationMs|list|oneOf)\(\s*'([a-z-]+)'/g)) {
          read.add(match[1] as string);
        }
      }
    }
  };
  walk(join(root, 'src'));
  expect(read.size).toBeGreaterThan(20);
  expect([...read].filter((name) => !declared.has(name))).toEqual([]);
});
