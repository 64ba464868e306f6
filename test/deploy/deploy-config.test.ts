import { WorkspaceFiles } from '../../src/inputs/workspace-files.js';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { readDeployConfig } from '../../src/deploy/deploy-config.js';
import { sshDeployAction } from '../../src/actions/ssh-deploy.js';
import { Inputs } from '../../src/inputs/inputs.js';
import { RecordingLog } from '../../src/log/recording-log.js';

/** Compose files are read before anything connects: readDeployConfig is all that runs before the SSH connection. */
describe('readDeployConfig compose files', () => {
  const outside = mkdtempSync(join(tmpdir(), 'outside-'));
  const workspace = mkdtempSync(join(tmpdir(), 'workspace-'));
  writeFileSync(join(outside, 'compose.yml'), 'services:\n  stolen: {}\n');
  symlinkSync(join(outside, 'compose.yml'), join(workspace, 'linked.yml'));
  const read = (composeFile: string): unknown =>
    readDeployConfig(new Inputs(sshDeployAction.inputs, (name: string) => ({ app: 'bot', version: 'v1', 'compose-file': composeFile })[name] ?? ''), new RecordingLog(), new WorkspaceFiles(workspace));

  it.each([join(outside, 'compose.yml'), relative(workspace, join(outside, 'compose.yml')), 'linked.yml'])(
    'refuses %s, outside the repository',
    (path) => {
      expect(() => read(path)).toThrow(/^Input `compose-file` names .* outside the repository/);
    },
  );
});
