import type { Readable, Writable } from 'node:stream';
import type { PgIo, PgRunner, PgRunResult, PgTool } from '../../src/backup/pg-runner.js';

/** What a scripted tool does. */
export interface PgAnswer {
  /** Exit code; 0 unless given. */
  code?: number;
  /**
   * Bytes the tool prints, chunk by chunk, with backpressure: into io.stdout when the caller gave
   * one, else collected as the result's stdout. A tool given a stdin stream prints once its first
   * input arrived (a psql session answers what it was asked).
   */
  stdout?: string | Buffer | Array<string | Buffer>;
  stderr?: string;
  /** Bytes of a stdin stream the tool reads before it exits; all of them (to its end) unless given. */
  reads?: number;
  /** After printing, waits for io.signal instead of exiting (a dump that is still running). */
  hangs?: boolean;
  /**
   * Ends stdout, then reports the exit this much later: over SSH the exit status arrives after the
   * end of the output, so a reader must not take the end of a stream for success.
   */
  exitAfterMs?: number;
}

/** A call as the matchers see it, before it runs. */
export interface PgRequest {
  tool: PgTool;
  args: string[];
  /** stdin when given as text (a psql script). */
  script?: string;
  stdinStream: boolean;
  stdoutStream: boolean;
}

/** A call as it ran. */
export interface PgCall extends PgRequest {
  /** The stdin bytes the tool received (the script, or what it read of the stream). */
  stdin: Buffer;
  /** Stopped by io.signal. */
  aborted: boolean;
  result?: PgRunResult;
}

type Script = PgAnswer | ((request: PgRequest) => PgAnswer | Promise<PgAnswer>);

export const SNAPSHOT_ID = '00000003-0000001B-1';
export const SERVER_VERSION = '16.4';
export const ROW_COUNTS: Record<string, number> = { 'public.users': 3, 'public.messages': 7 };

/**
 * PostgreSQL's client tools, scripted: each call is answered by the last matching `on` (or exit 0
 * with no output), and recorded with the stdin bytes the tool received, in order. io.signal stops a
 * running tool as a kill does: it exits 143. By default the snapshot session (psql with a stdin and
 * a stdout stream) answers SNAPSHOT_ID, ROW_COUNTS and SERVER_VERSION, and `--version` prints 16.4.
 */
export class FakePg implements PgRunner {
  readonly calls: PgCall[] = [];
  /** What happened, in order: "pg_dump started", "psql read to the end", "pg_dump exited 0", "pg_dump killed". */
  readonly events: string[] = [];
  readonly versions = new Map<PgTool, PgRunResult>();
  private readonly scripts: Array<{ match: (request: PgRequest) => boolean; answer: Script }> = [];

  constructor(readonly where = 'fake-db:5432') {
    this.snapshot({});
    for (const tool of ['pg_dump', 'pg_restore', 'psql'] as const) this.versions.set(tool, { code: 0, stdout: `${tool} (PostgreSQL) ${SERVER_VERSION}\n`, stderr: '' });
  }

  /** Answers calls of `tool` (those `match` accepts, when given); later calls of `on` win. */
  on(tool: PgTool, answer: Script): this;
  on(tool: PgTool, match: (request: PgRequest) => boolean, answer: Script): this;
  on(tool: PgTool, matchOrAnswer: ((request: PgRequest) => boolean) | Script, answer?: Script): this {
    const match = answer === undefined ? () => true : (matchOrAnswer as (request: PgRequest) => boolean);
    this.scripts.unshift({ match: (request) => request.tool === tool && match(request), answer: answer ?? (matchOrAnswer as Script) });
    return this;
  }

  /** Answers psql scripts equal to `script` (names arrive as variables, the script is fixed). */
  onScript(script: string, answer: Script): this {
    return this.on('psql', (request) => request.script === script, answer);
  }

  /** The three lines the snapshot session (psql with a stdin and a stdout stream) answers. */
  snapshot({ id = SNAPSHOT_ID, rowCounts = ROW_COUNTS, serverVersion = SERVER_VERSION }: { id?: string; rowCounts?: Record<string, number>; serverVersion?: string }): this {
    return this.snapshotAnswers({ stdout: `${id}\n${JSON.stringify(rowCounts)}\n${serverVersion}\n` });
  }

  /** What the snapshot session does instead of the defaults: e.g. fail, or say less. */
  snapshotAnswers(answer: PgAnswer): this {
    return this.on('psql', (request) => request.stdinStream && request.stdoutStream, answer);
  }

  /** The calls of `tool`, in order. */
  callsOf(tool: PgTool): PgCall[] {
    return this.calls.filter((call) => call.tool === tool);
  }

  /** The psql scripts run (text stdin), each with its -v variables, in order. */
  get scriptsRun(): Array<{ script: string; variables: Record<string, string>; database: string }> {
    return this.callsOf('psql')
      .filter((call) => call.script !== undefined)
      .map((call) => ({ script: call.script as string, variables: variablesOf(call.args), database: databaseOf(call.args) }));
  }

  async version(tool: PgTool): Promise<PgRunResult> {
    return this.versions.get(tool) ?? { code: 127, stdout: '', stderr: `${tool}: command not found` };
  }

  async run(tool: PgTool, args: string[], io: PgIo = {}): Promise<PgRunResult> {
    const request: PgRequest = {
      tool,
      args: [...args],
      ...(typeof io.stdin === 'string' ? { script: io.stdin } : {}),
      stdinStream: io.stdin !== undefined && typeof io.stdin !== 'string',
      stdoutStream: io.stdout !== undefined,
    };
    const call: PgCall = { ...request, stdin: Buffer.from(request.script ?? ''), aborted: false };
    this.calls.push(call);
    const scripted = this.scripts.find(({ match }) => match(request))?.answer ?? {};
    const answer = typeof scripted === 'function' ? await scripted(request) : scripted;
    this.events.push(`${tool} started`);
    const result = await new Running(call, answer, io, this.events).result();
    call.result = result;
    this.events.push(call.aborted ? `${tool} killed` : `${tool} exited ${result.code}`);
    return result;
  }
}

/** One tool run: reads stdin, prints, exits or is killed. */
class Running {
  private readonly aborted: Promise<void>;
  private killed = false;
  private collected = '';

  constructor(
    private readonly call: PgCall,
    private readonly answer: PgAnswer,
    private readonly io: PgIo,
    private readonly events: string[],
  ) {
    const signal = io.signal;
    this.aborted = new Promise((resolve) => {
      if (signal?.aborted) resolve();
      else signal?.addEventListener('abort', () => resolve(), { once: true });
    });
    void this.aborted.then(() => {
      this.killed = true;
    });
  }

  async result(): Promise<PgRunResult> {
    const stdin = this.io.stdin !== undefined && typeof this.io.stdin !== 'string' ? this.io.stdin : undefined;
    const limit = this.answer.reads ?? Number.POSITIVE_INFINITY;
    const reading = stdin ? this.read(stdin, limit) : { first: Promise.resolve(), done: Promise.resolve() };
    // A session prints its answer once asked; a dump prints at once.
    await this.untilKilled(reading.first);
    if (!this.killed) await this.print();
    if (!this.killed && this.answer.hangs) await this.aborted;
    if (!this.killed) await this.untilKilled(reading.done);
    // The command's end ends its stdout, as LocalPg's pipe and the SSH session do.
    if (this.io.stdout && !this.io.stdout.destroyed && !this.io.stdout.writableEnded) this.io.stdout.end();
    const delay = this.answer.exitAfterMs;
    if (!this.killed && delay !== undefined) await this.untilKilled(new Promise((resolve) => setTimeout(resolve, delay)));
    this.call.aborted = this.killed;
    if (this.killed) return { code: 143, stdout: '', stderr: this.answer.stderr ?? '' };
    return { code: this.answer.code ?? 0, stdout: this.collected, stderr: this.answer.stderr ?? '' };
  }

  /**
   * Reads up to `limit` bytes, recording them; `first` settles with the first bytes (or the end),
   * `done` at the end or the limit. A stream destroyed before its end is no EOF: piped into a
   * process (LocalPg, the SSH channel), it leaves the tool waiting for input until it is killed.
   */
  private read(stdin: Readable, limit: number): { first: Promise<void>; done: Promise<void> } {
    let firstSeen: () => void = () => undefined;
    const first = new Promise<void>((resolve) => (firstSeen = resolve));
    const done = new Promise<void>((resolve) => {
      if (limit === 0) {
        firstSeen();
        resolve();
        return;
      }
      const detach = (): void => {
        stdin.off('data', onData);
        stdin.off('end', onEnd);
        stdin.off('close', detach);
        stdin.off('error', detach);
      };
      const finish = (): void => {
        detach();
        // A tool that stops reading leaves the rest in the pipe: the writer is not failed, only no longer read.
        stdin.pause();
        firstSeen();
        resolve();
      };
      const onEnd = (): void => {
        this.events.push(`${this.call.tool} read to the end`);
        finish();
      };
      const onData = (chunk: Buffer | string): void => {
        const buffer = Buffer.from(chunk);
        const room = limit - this.call.stdin.length;
        this.call.stdin = Buffer.concat([this.call.stdin, buffer.subarray(0, room)]);
        firstSeen();
        if (this.call.stdin.length >= limit) finish();
      };
      stdin.on('data', onData);
      stdin.once('end', onEnd);
      stdin.once('close', detach);
      stdin.once('error', detach);
    });
    return { first, done };
  }

  private async print(): Promise<void> {
    const { stdout } = this.answer;
    const chunks = stdout === undefined ? [] : Array.isArray(stdout) ? stdout : [stdout];
    for (const chunk of chunks) {
      if (this.killed) return;
      if (!this.io.stdout) {
        this.collected += chunk.toString();
        continue;
      }
      if (!this.io.stdout.write(chunk)) await this.untilKilled(drained(this.io.stdout));
    }
  }

  private async untilKilled(work: Promise<void>): Promise<void> {
    await Promise.race([work, this.aborted]);
  }
}

/** Resolves when `stream` drains; one that closes takes no more, and the tool blocks on its pipe until killed. */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed) return;
    const detach = (): void => {
      stream.off('drain', onDrain);
      stream.off('close', detach);
    };
    const onDrain = (): void => {
      detach();
      resolve();
    };
    stream.on('drain', onDrain);
    stream.once('close', detach);
  });
}

/** psql's `-v name=value` pairs. */
export function variablesOf(args: string[]): Record<string, string> {
  const variables: Record<string, string> = {};
  args.forEach((arg, at) => {
    if (arg !== '-v') return;
    const pair = args[at + 1] ?? '';
    const equals = pair.indexOf('=');
    variables[pair.slice(0, equals)] = pair.slice(equals + 1);
  });
  return variables;
}

/** The database a call names with -d. */
export function databaseOf(args: string[]): string {
  return args[args.indexOf('-d') + 1] ?? '';
}
