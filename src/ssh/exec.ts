import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import type { Log } from '../log/log.js';
import { killableCommand, killGroupCommand, MarkerFilter } from '../host/killable-command.js';
import { LineStream } from './line-stream.js';
import { SshError } from './ssh-error.js';
import type { ExecResult } from './types.js';

export interface CommandRun {
  command: string;
  stdin?: string | Buffer | Readable;
  /** Takes stdout's bytes as they come (with backpressure) instead of the log and the result. */
  stdout?: Writable;
  /** Stops the command like a timeout does (its whole process group). */
  signal?: AbortSignal;
  /** 0 means none. */
  timeoutMs: number;
  stream: boolean;
}

/**
 * After the exit status arrives, output may still be in flight; a background child that kept stdout
 * open would hold the channel forever, so we wait this long for the close and then close it ourselves.
 */
const DRAIN_MS = 150;
/**
 * A timed-out command whose exit status never came (its PGID never arrived, or the group survived
 * the kill) is abandoned this long after the timeout: well past the kill's grace period.
 */
const ABANDON_MS = 3000;
/** What `timeout(1)` reports, used when a timed-out command gave no exit status at all. */
const TIMED_OUT_CODE = 124;

/** Runs one command on its own channel of an open connection; see SshSession.exec. */
export function runCommand(client: Client, host: string, run: CommandRun, log: Log): Promise<ExecResult> {
  const { line, marker } = killableCommand(run.command);
  return new Promise((resolve, reject) => {
    client.exec(line, (error, channel) => {
      if (error) reject(new SshError(`Could not start a command on ${host}: ${error.message.replace(/\.$/, '')}.`));
      else follow(channel);
    });

    function follow(channel: ClientChannel): void {
      const emit = (lines: string[]): void => {
        if (run.stream) log.hostOutput(lines);
      };
      const stdout = new LineStream(emit);
      const stderr = new LineStream(emit);
      let pgid: number | undefined;
      let code: number | undefined;
      let timedOut = false;
      let stopping = false;
      let killing: Promise<void> | undefined;
      let settled = false;
      let drain: NodeJS.Timeout | undefined;
      let abandon: NodeJS.Timeout | undefined;

      const kill = (): void => {
        if (pgid !== undefined && !killing) killing = killGroup(client, pgid, host, log);
      };
      const stdoutFilter = new MarkerFilter(
        marker,
        (found) => {
          pgid = found;
          if (stopping) kill();
        },
        run.stdout ? (chunk) => toSink(run.stdout as Writable, chunk) : (chunk) => stdout.write(chunk),
      );
      const stop = (): void => {
        if (stopping) return;
        stopping = true;
        kill();
        abandon = setTimeout(finish, ABANDON_MS);
      };
      const timer =
        run.timeoutMs > 0
          ? setTimeout(() => {
              timedOut = true;
              stop();
            }, run.timeoutMs)
          : undefined;
      const onAbort = (): void => stop();
      run.signal?.addEventListener('abort', onAbort, { once: true });
      if (run.signal?.aborted) stop();

      /** Holds the channel while the sink is full, so a slow consumer never makes us buffer a whole dump. */
      function toSink(sink: Writable, chunk: Buffer): void {
        if (chunk.length === 0 || sink.writableEnded || sink.destroyed) return;
        if (!sink.write(chunk)) {
          channel.pause();
          sink.once('drain', () => channel.resume());
        }
      }

      // A sink that closes early (its consumer failed) would leave the channel paused for good: drain it instead.
      run.stdout?.once('close', () => channel.resume());
      channel.on('data', (chunk: Buffer) => stdoutFilter.write(chunk));
      channel.stderr.on('data', (chunk: Buffer) => stderr.write(chunk));
      channel.on('exit', (status: number | null, signal?: string) => {
        code = status ?? signalExitCode(signal);
        // Streamed stdout may still sit in a paused channel: its end, not a timer, says it is all here.
        if (!run.stdout) drain = setTimeout(finish, DRAIN_MS);
      });
      channel.on('close', finish);
      // Always end stdin: a command that reads it must see EOF rather than wait forever.
      if (run.stdin === undefined) channel.end();
      else if (typeof run.stdin === 'string' || Buffer.isBuffer(run.stdin)) channel.end(run.stdin);
      else run.stdin.pipe(channel);

      async function finish(): Promise<void> {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(drain);
        clearTimeout(abandon);
        run.signal?.removeEventListener('abort', onAbort);
        if (run.stdin !== undefined && typeof run.stdin !== 'string' && !Buffer.isBuffer(run.stdin)) run.stdin.unpipe(channel);
        channel.close();
        await killing;
        stdoutFilter.end();
        run.stdout?.end();
        stdout.end();
        stderr.end();
        if (code === undefined && !stopping) {
          reject(new SshError(`Lost the connection to ${host} while a command was running: check the host's health and network, then re-run the job.`));
          return;
        }
        resolve({ code: code ?? TIMED_OUT_CODE, stdout: stdout.text, stderr: stderr.text, timedOut });
      }
    }
  });
}

/** 128+n, as a shell reports a command killed by signal n. */
function signalExitCode(signal: string | undefined): number {
  const number = signal === undefined ? undefined : constants.signals[signal as keyof typeof constants.signals];
  return 128 + (number ?? 0);
}

/** Kills a timed-out command's process group over a second channel of the same connection. */
function killGroup(client: Client, pgid: number, host: string, log: Log): Promise<void> {
  return new Promise((resolve) => {
    client.exec(killGroupCommand(pgid), (error, channel) => {
      if (error) {
        log.warning(`Could not stop a timed-out command on ${host} (process group ${pgid}): ${error.message}; it may still be running.`);
        resolve();
        return;
      }
      channel.on('close', () => resolve());
      channel.resume();
      channel.stderr.resume();
      channel.end();
    });
  });
}
