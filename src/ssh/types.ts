import type { Duplex, Readable, Writable } from 'node:stream';

/** How the host's identity is checked. There is no default: one of these must be chosen. */
export type HostKeyPolicy =
  | { kind: 'known-hosts'; lines: string[] }
  | { kind: 'fingerprints'; fingerprints: string[] }
  /** Explicit opt-out (`insecure-skip-host-key-check: true`); logs a loud warning. */
  | { kind: 'insecure' };

export interface Endpoint {
  host: string;
  port: number;
  username: string;
  /** OpenSSH or PEM private key text, as pasted into a secret (CRLF or a missing final newline allowed). */
  privateKey: string;
  passphrase?: string;
  hostKeys: HostKeyPolicy;
}

export interface ConnectOptions extends Endpoint {
  /** A jump host the connection goes through (`proxy-*` inputs). */
  jump?: Endpoint;
  connectTimeoutMs: number;
  /** Default limit for each command; 0 means none. */
  commandTimeoutMs: number;
  keepaliveIntervalMs?: number;
}

export interface ExecOptions {
  /**
   * Written to the command's stdin, then stdin is closed. Secrets and scripts travel this way; a
   * stream is piped with backpressure and closes stdin when it ends.
   */
  stdin?: string | Buffer | Readable;
  /** Takes stdout's raw bytes as they arrive (with backpressure), ended when the command ends; the result's stdout is then empty. */
  stdout?: Writable;
  /** Aborting stops the command and everything it started, as a timeout does. */
  signal?: AbortSignal;
  /** Overrides the connection's command timeout for this command; 0 means none. */
  timeoutMs?: number;
  /** Stream each line to the log as it arrives (default true). */
  stream?: boolean;
}

export interface RunOptions extends ExecOptions {
  /** What the command does, as the subject of the error sentence ("Pulling images"). */
  what: string;
  /** A non-zero exit is an answer the caller reads, not a failure (toolkit exec's ignoreReturnCode). */
  allowFailure?: boolean;
}

export interface ExecResult {
  /** The remote exit code; 128+n when the command was killed by signal n, as a shell reports it. */
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** One SSH connection to one host, reused for every command, transfer and tunnel of an action run. */
export interface SshSession {
  readonly host: string;
  /** The command-timeout every command gets unless it asks for its own; 0 means none. */
  readonly commandTimeoutMs: number;
  /** Runs a command line (already quoted by the caller); never rejects for a non-zero exit. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /**
   * Runs a command under the one exit-code policy: throws a CommandError on a timeout or a non-zero
   * exit, unless `allowFailure` makes the exit code an answer.
   */
  run(command: string, options: RunOptions): Promise<ExecResult>;
  /** Writes a file over SFTP, created with `mode` from the first byte (no window where it is readable). */
  writeFile(path: string, content: string | Buffer, mode: number): Promise<void>;
  /** A TCP stream to host:port as seen from the remote host (direct-tcpip). */
  forward(host: string, port: number): Promise<Duplex>;
  close(): Promise<void>;
}
