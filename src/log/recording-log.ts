import type { Log } from './log.js';
import { secretParts } from './secret-parts.js';

/** A Log that keeps every line, applying masks the way the runner does; used by tests and benchmarks. */
export class RecordingLog implements Log {
  readonly lines: string[] = [];
  private readonly secrets: string[] = [];

  constructor(private readonly echo: (line: string) => void = () => {}) {}

  info(line: string): void {
    this.push(line);
  }
  warning(line: string): void {
    this.push(`warning: ${line}`);
  }
  debug(line: string): void {
    this.push(`debug: ${line}`);
  }
  hostOutput(lines: string[]): void {
    for (const line of lines) this.push(line);
  }
  mask(secret: string): void {
    for (const part of secretParts(secret)) if (!this.secrets.includes(part)) this.secrets.push(part);
    this.secrets.sort((a, b) => b.length - a.length);
  }
  async group<T>(title: string, work: () => Promise<T>): Promise<T> {
    this.push(`::group::${title}`);
    try {
      return await work();
    } finally {
      this.push('::endgroup::');
    }
  }
  get text(): string {
    return this.lines.join('\n');
  }
  private push(line: string): void {
    const masked = this.secrets.reduce((text, secret) => text.split(secret).join('***'), line);
    this.lines.push(masked);
    this.echo(masked);
  }
}
