import { healthGateAction } from '../../src/actions/health-gate.js';
import { sshDeployAction } from '../../src/actions/ssh-deploy.js';
import { sshInputSpecs } from '../../src/ssh/ssh-input-specs.js';
import { composeInputs } from '../../src/inputs/compose-inputs.js';
import type { InputSpec } from '../../src/inputs/input-spec.js';

const spec = (name: string, extra: Partial<InputSpec> = {}): InputSpec => ({ name, description: `${name} of the switch`, ...extra });
const appSpec = sshDeployAction.inputs.find((input) => input.name === 'app') as InputSpec;
/** A made-up third action: `app` copied from ssh-deploy, its own `service`, `mode` and `rollback`. */
const switchInputs: InputSpec[] = [appSpec, spec('service'), spec('mode', { default: 'blue-green' }), spec('rollback', { default: 'true' }), spec('keep')];
const backupInputs: InputSpec[] = [spec('mode', { default: 'dump' }), spec('keep', { default: '7' })];
const sameMeaning = [...sshInputSpecs.map((input) => input.name), 'app'];

const parts = [
  { prefix: 'deploy', inputs: sshDeployAction.inputs },
  { prefix: 'gate', inputs: healthGateAction.inputs },
  { prefix: 'switch', inputs: switchInputs },
  { prefix: 'backup', inputs: backupInputs },
];

describe('composeInputs', () => {
  const composed = composeInputs(parts, sameMeaning);
  const names = composed.inputs.map((input) => input.name);
  const find = (name: string): InputSpec | undefined => composed.inputs.find((input) => input.name === name);

  it('declares each name once, prefixing those that mean different things per action', () => {
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['deploy-service', 'gate-service', 'switch-service', 'deploy-rollback', 'switch-rollback', 'switch-mode', 'backup-mode', 'switch-keep', 'backup-keep']));
    for (const name of ['service', 'rollback', 'mode', 'keep']) expect(names).not.toContain(name);
    expect(find('backup-mode')).toEqual({ name: 'backup-mode', description: 'mode of the switch', default: 'dump' });
  });

  it('shares the SSH connection and app once, required when any action requires it', () => {
    for (const name of sameMeaning) expect(names.filter((candidate) => candidate === name)).toEqual([name]);
    // health-gate declares host optional and worded for its own use; ssh-deploy's declaration stands.
    expect(find('host')).toEqual(sshInputSpecs[0]);
    expect(find('app')?.required).toBe(true);
    // Only the gate reads these: declared as they are.
    expect(find('via-ssh')).toEqual(healthGateAction.inputs.find((input) => input.name === 'via-ssh'));
  });

  it('gives each action its own names, read from the composed ones', () => {
    const values: Record<string, string> = { 'switch-mode': 'canary', 'deploy-service': 'bot', 'gate-service': 'worker', app: 'faceit-bot', 'deploy-rollback': 'true' };
    const source = (name: string): string => values[name] ?? '';
    const deploy = composed.view('deploy', source);
    const gate = composed.view('gate', source);
    const switcher = composed.view('switch', source);
    expect([deploy.optional('service'), deploy.optional('app'), deploy.bool('rollback')]).toEqual(['bot', 'faceit-bot', true]);
    expect([gate.optional('service'), gate.optional('app')]).toEqual(['worker', 'faceit-bot']);
    expect([switcher.optional('mode'), switcher.bool('rollback')]).toEqual(['canary', true]);
    expect(composed.view('backup', source).optional('mode')).toBe('dump');
  });

  it('refuses a shared name whose actions disagree on its default, and a prefix that lands on another name', () => {
    expect(() => composeInputs([{ prefix: 'a', inputs: [spec('port', { default: '22' })] }, { prefix: 'b', inputs: [spec('port', { default: '2222', description: 'other' })] }], ['port'])).toThrow(
      'Input `port` is shared by a, b, whose specs differ in default or secrecy.',
    );
    expect(() => composeInputs([{ prefix: 'a', inputs: [spec('mode'), spec('a-mode')] }, { prefix: 'b', inputs: [spec('mode', { description: 'other' })] }])).toThrow(
      'Composed input `a-mode` is declared twice: a prefixed name collides with another input.',
    );
  });
});
