import { command } from '../host/shell.js';
import type { SshSession } from '../ssh/types.js';
import type { PgIo, PgRunner, PgRunResult, PgTool } from './pg-runner.js';

/**
 * The tools of the database's own container, run with `docker exec` over the action's SSH
 * connection. They log in as `user` over the container's local socket, which the postgres image
 * trusts, so no password is needed, and the client is always the server's own version.
 */
export class ContainerPg implements PgRunner {
  constructor(
    private readonly session: SshSession,
    private readonly container: string,
    private readonly user: string,
    readonly where: string,
  ) {}

  run(tool: PgTool, args: string[], io: PgIo = {}): Promise<PgRunResult> {
    return this.exec([tool, '-U', this.user, ...args], io);
  }

  version(tool: PgTool): Promise<PgRunResult> {
    return this.exec([tool, '--version'], {});
  }

  private async exec(argv: string[], io: PgIo): Promise<PgRunResult> {
    const result = await this.session.exec(command('docker', 'exec', '-i', this.container, ...argv), {
      stdin: io.stdin,
      stdout: io.stdout,
      signal: io.signal,
      // A dump or restore takes as long as the database is big; `signal` is what stops it.
      timeoutMs: 0,
      stream: false,
    });
    return { code: result.code, stdout: result.stdout, stderr: result.stderr };
  }
}
