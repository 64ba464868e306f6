/**
 * Where the core reports progress. The core never imports @actions/core: entries pass the
 * runner-backed log, tests pass a recording one, so every module below src/runner is testable
 * without the Actions runtime.
 */
export interface Log {
  info(line: string): void;
  warning(line: string): void;
  debug(line: string): void;
  /**
   * Lines a host printed, shown verbatim but never read as workflow commands: a host (or anyone who
   * controls what it prints) must not be able to mask, warn or stop commands in our log.
   */
  hostOutput(lines: string[]): void;
  /** Registers a value that must never appear in the log, in every part it can appear as (see secretParts). */
  mask(secret: string): void;
  /** Runs `work` inside a collapsible log group. */
  group<T>(title: string, work: () => Promise<T>): Promise<T>;
}
