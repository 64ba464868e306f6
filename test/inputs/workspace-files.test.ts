import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { InputError } from '../../src/inputs/input-error.js';
import { WorkspaceFiles } from '../../src/inputs/workspace-files.js';

describe('WorkspaceFiles', () => {
  const outside = mkdtempSync(join(tmpdir(), 'outside-'));
  const root = mkdtempSync(join(tmpdir(), 'workspace-'));
  writeFileSync(join(outside, 'secret.yml'), 'services: {}\n');
  mkdirSync(join(root, 'deploy'));
  writeFileSync(join(root, 'deploy', 'compose.yml'), 'services:\n  bot: {}\n');
  symlinkSync(join(outside, 'secret.yml'), join(root, 'escape.yml'));
  symlinkSync(join(root, 'deploy', 'compose.yml'), join(root, 'inside.yml'));
  const files = new WorkspaceFiles(root);

  it('reads files by their path in the workspace, absolute or relative, and through links that stay inside', () => {
    expect(files.read('deploy/compose.yml', 'compose-file')).toBe('services:\n  bot: {}\n');
    expect(files.read('./deploy/../deploy/compose.yml', 'compose-file')).toBe('services:\n  bot: {}\n');
    expect(files.read(join(root, 'deploy/compose.yml'), 'compose-file')).toBe('services:\n  bot: {}\n');
    expect(files.read('inside.yml', 'compose-file')).toBe('services:\n  bot: {}\n');
  });

  it.each([
    ['an absolute path elsewhere', join(outside, 'secret.yml')],
    ['a path climbing out', relative(root, join(outside, 'secret.yml'))],
    ['a path climbing out from a subfolder', 'deploy/../../x.yml'],
    ['the system files', '/etc/passwd'],
  ])('refuses %s, naming the input', (_, path) => {
    expect(() => files.read(path, 'compose-file')).toThrow(InputError);
    expect(() => files.read(path, 'compose-file')).toThrow(/^Input `compose-file` names .*, which is outside the repository: give a path inside /);
  });

  it('refuses a symbolic link leading out of the workspace', () => {
    expect(() => files.read('escape.yml', 'compose-file')).toThrow(/^Input `compose-file` names escape.yml, a symbolic link to .* outside the repository/);
    expect(files.has('escape.yml')).toBe(false);
  });

  it('says when a file is missing, and `has` finds only files inside', () => {
    expect(() => files.read('nope.yml', 'compose-file')).toThrow('Input `compose-file` names nope.yml, which was not found in');
    expect(files.has('deploy/compose.yml')).toBe(true);
    expect(files.has('deploy')).toBe(false);
    expect(files.has('nope.yml')).toBe(false);
    expect(files.has(join(outside, 'secret.yml'))).toBe(false);
  });
});
