import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import type { PgIo, PgRunner, PgRunResult, PgTool } from './pg-runner.js';
import type { DatabaseUrl } from './database-url.js';

/**
 * The runner's own client tools against a database URL (a managed database). The URL's parts reach
 * them as libpq's PG* variables, so the password is never on a command line of the runner.
 */
export class LocalPg implements PgRunner {
  readonly where: string;

  constructor(private readonly url: DatabaseUrl) {
    this.where = `${url.host}:${url.port}`;
  }

  version(tool: PgTool): Promise<PgRunResult> {
    return this.run(tool, ['--version']);
  }

  run(tool: PgTool, args: string[], io: PgIo = {}): Promise<PgRunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(tool, args, {
        env: { ...process.env, ...this.url.environment },
        stdio: ['pipe', 'pipe', 'pipe'],
        signal: io.signal,
      });
      let stdout = '';
      let stderr = '';
      if (io.stdout) child.stdout.pipe(io.stdout);
      else child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      // A tool that stops reading (it failed) must not fail us with EPIPE: its exit code says why.
      child.stdin.on('error', () => undefined);
      if (io.stdin === undefined) child.stdin.end();
      else if (typeof io.stdin === 'string') child.stdin.end(io.stdin);
      else (io.stdin as Readable).pipe(child.stdin);
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') resolve({ code: 127, stdout, stderr: `${tool}: command not found` });
        else if (error.name === 'AbortError') return;
        else reject(error);
      });
      child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 + 15 : 1), stdout, stderr }));
    });
  }
}
