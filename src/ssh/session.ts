import type { Duplex } from 'node:stream';
import type { Client, SFTPWrapper } from 'ssh2';
import { freeSpace, parseFreeBytes } from '../host/disk-commands.js';
import type { Log } from '../log/log.js';
import { runCommand } from './exec.js';
import { checkExit } from './exit-policy.js';
import { writeFileAtomic } from './sftp-write.js';
import { SshError } from './ssh-error.js';
import type { ConnectOptions, ExecOptions, ExecResult, RunOptions, SshSession } from './types.js';

/** An open connection to one host (through its jump host, if any), shared by everything an action does there. */
export class Session implements SshSession {
  readonly host: string;
  readonly commandTimeoutMs: number;
  private readonly closed: Promise<void>[];
  private sftpChannel: Promise<SFTPWrapper> | undefined;

  /** `connections`: the target's first, then the jump host's it tunnels through. */
  constructor(
    options: ConnectOptions,
    private readonly connections: [Client, ...Client[]],
    private readonly log: Log,
  ) {
    this.host = options.host;
    this.commandTimeoutMs = options.commandTimeoutMs;
    this.closed = connections.map((client) => new Promise<void>((resolve) => client.once('close', () => resolve())));
  }

  private get client(): Client {
    return this.connections[0];
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return runCommand(
      this.client,
      this.host,
      {
        command,
        stdin: options.stdin,
        stdout: options.stdout,
        signal: options.signal,
        timeoutMs: options.timeoutMs ?? this.commandTimeoutMs,
        stream: options.stream ?? true,
      },
      this.log,
    );
  }

  async run(command: string, options: RunOptions): Promise<ExecResult> {
    return checkExit(this.host, await this.exec(command, options), options);
  }

  async writeFile(path: string, content: string | Buffer, mode: number): Promise<void> {
    await writeFileAtomic(await this.sftp(), this.host, path, Buffer.from(content), mode, (dir) => this.freeBytes(dir));
  }

  forward(host: string, port: number): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      this.client.forwardOut('127.0.0.1', 0, host, port, (error, stream) => {
        if (error) reject(new SshError(`${this.host} could not open a tunnel to ${host}:${port} (${error.message}): check that something listens there and that sshd allows TCP forwarding.`));
        else resolve(stream);
      });
    });
  }

  async close(): Promise<void> {
    for (const client of this.connections) client.end();
    await Promise.all(this.closed);
  }

  /** Free bytes on the filesystem holding `dir`, or undefined when the host cannot say (a failed transfer's diagnosis). */
  private async freeBytes(dir: string): Promise<number | undefined> {
    const result = await this.exec(freeSpace(dir), { stream: false }).catch(() => undefined);
    return result?.code === 0 ? parseFreeBytes(result.stdout) : undefined;
  }

  /** The SFTP subsystem, opened on first use and then kept for every later transfer. */
  private sftp(): Promise<SFTPWrapper> {
    this.sftpChannel ??= new Promise<SFTPWrapper>((resolve, reject) => {
      this.client.sftp((error, sftp) => {
        if (error) reject(new SshError(`${this.host} refused the SFTP subsystem (${error.message}): enable \`Subsystem sftp\` in its sshd_config.`));
        else resolve(sftp);
      });
    }).catch((error: unknown) => {
      this.sftpChannel = undefined;
      throw error;
    });
    return this.sftpChannel;
  }
}
