import { PassThrough, type Duplex } from 'node:stream';
import { checkExit } from '../../src/ssh/exit-policy.js';
import type { ExecOptions, ExecResult, RunOptions, SshSession } from '../../src/ssh/types.js';

export type Answer = Partial<ExecResult> | ((line: string, options: ExecOptions) => Partial<ExecResult> | Promise<Partial<ExecResult>>);

export interface ScriptedCall {
  line: string;
  options: ExecOptions;
}

/**
 * The one session double of the tests: records every command, file write and tunnel; answers a
 * command by the first matching pattern (later `on` calls win), or passes it to a real session it
 * wraps, or answers exit 0 with no output. The exit-code policy is the real one.
 */
export class ScriptedSession implements SshSession {
  readonly calls: ScriptedCall[] = [];
  readonly files: Array<{ path: string; mode: number; content: string }> = [];
  readonly forwards: string[] = [];
  closed = 0;
  /** What the session reports as its command-timeout (the answers decide whether a command timed out). */
  commandTimeoutMs = 30 * 60_000;
  private readonly answers: Array<{ pattern: RegExp | string; answer: Answer }> = [];
  private writeFailure: Error | undefined;

  constructor(
    readonly host = 'web1',
    /** The real session commands without a scripted answer go to (an answer may call it too). */
    readonly real?: SshSession,
  ) {}

  /** Answers commands whose line contains `pattern` (a string) or matches it (a RegExp). */
  on(pattern: RegExp | string, answer: Answer): this {
    this.answers.unshift({ pattern, answer });
    return this;
  }

  /** Makes every later writeFile fail with `error`. */
  failWrites(error: Error): this {
    this.writeFailure = error;
    return this;
  }

  /** The recorded command lines. */
  get lines(): string[] {
    return this.calls.map((call) => call.line);
  }

  /** How many recorded commands match. */
  count(pattern: RegExp | string): number {
    return this.lines.filter((line) => matches(line, pattern)).length;
  }

  async exec(line: string, options: ExecOptions = {}): Promise<ExecResult> {
    this.calls.push({ line, options });
    const scripted = this.answers.find(({ pattern }) => matches(line, pattern));
    if (!scripted && this.real) return this.real.exec(line, options);
    const answer = scripted ? (typeof scripted.answer === 'function' ? await scripted.answer(line, options) : scripted.answer) : {};
    return { code: 0, stdout: '', stderr: '', timedOut: false, ...answer };
  }

  async run(line: string, options: RunOptions): Promise<ExecResult> {
    return checkExit(this.host, await this.exec(line, options), options);
  }

  async writeFile(path: string, content: string | Buffer, mode: number): Promise<void> {
    this.files.push({ path, mode, content: content.toString() });
    if (this.writeFailure) throw this.writeFailure;
    await this.real?.writeFile(path, content, mode);
  }

  async forward(host: string, port: number): Promise<Duplex> {
    this.forwards.push(`${host}:${port}`);
    return this.real ? this.real.forward(host, port) : new PassThrough();
  }

  async close(): Promise<void> {
    this.closed += 1;
    await this.real?.close();
  }
}

const matches = (line: string, pattern: RegExp | string): boolean => (typeof pattern === 'string' ? line.includes(pattern) : pattern.test(line));
