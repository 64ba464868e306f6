/**
 * Where the core reports progress. The core never imports @actions/core: entries pass the
 * runner-backed log, tests pass a recording one, so every module below src/runner is testable
 * without the Actions runtime.
 */
export interface Log {
  info(line: string): void;
  warning(line: string): void;
  debug(line: string): void;
  /** Registers a value that must never appear in the log (each line of it, for multi-line values). */
  mask(secret: string): void;
  /** Runs `work` inside a collapsible log group. */
  group<T>(title: string, work: () => Promise<T>): Promise<T>;
}
