import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ScriptResult {
  exitCode: number;
  /** What the script wrote to $GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** What the script wrote to $GITHUB_ENV, for the later steps of the job. */
  exported: Record<string, string>;
  stdout: string;
}

/**
 * Runs a `run:` script as the runner runs a `shell: bash` step (`bash --noprofile --norc -eo
 * pipefail`), with only `env` and PATH set, in `cwd` (the workspace), and reads back its step
 * outputs and exported variables. Asynchronous, so a job's stand-ins keep answering meanwhile.
 */
export async function runStepScript(script: string, env: Record<string, string>, cwd?: string): Promise<ScriptResult> {
  const dir = mkdtempSync(join(tmpdir(), 'step-'));
  try {
    const outputFile = join(dir, 'output');
    const envFile = join(dir, 'env');
    const scriptFile = join(dir, 'script.sh');
    writeFileSync(outputFile, '');
    writeFileSync(envFile, '');
    writeFileSync(scriptFile, script);
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', scriptFile], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env, GITHUB_OUTPUT: outputFile, GITHUB_ENV: envFile },
      ...(cwd ? { cwd } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    // As before, stderr is read (so the script never blocks on it) and not kept.
    child.stderr.resume();
    const exitCode = await new Promise<number>((resolve) => child.on('close', (status) => resolve(status ?? -1)));
    return { exitCode, outputs: parseOutputFile(readFileSync(outputFile, 'utf8')), exported: parseOutputFile(readFileSync(envFile, 'utf8')), stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `name=value` lines and `name<<DELIMITER` blocks, as the runner reads $GITHUB_OUTPUT and $GITHUB_ENV. */
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
