import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ScriptResult {
  exitCode: number;
  /** What the script wrote to $GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  stdout: string;
}

/**
 * Runs a `run:` script as the runner runs a `shell: bash` step (`bash --noprofile --norc -eo
 * pipefail`), with only `env` and PATH set, and reads back its step outputs.
 */
export function runStepScript(script: string, env: Record<string, string>): ScriptResult {
  const dir = mkdtempSync(join(tmpdir(), 'step-'));
  try {
    const outputFile = join(dir, 'output');
    const scriptFile = join(dir, 'script.sh');
    writeFileSync(outputFile, '');
    writeFileSync(scriptFile, script);
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', scriptFile], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env, GITHUB_OUTPUT: outputFile },
      encoding: 'utf8',
    });
    return { exitCode: result.status ?? -1, outputs: parseOutputFile(readFileSync(outputFile, 'utf8')), stdout: result.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `name=value` lines and `name<<DELIMITER` blocks, as the runner reads $GITHUB_OUTPUT. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2] as string, i + 1);
      if (end < 0) throw new Error(`unterminated ${heredoc[1]} in $GITHUB_OUTPUT`);
      outputs[heredoc[1] as string] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}
