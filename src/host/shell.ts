/**
 * POSIX shell quoting. Every command line sent to a host is built from arguments passed through
 * `quote`, so no input can change the shape of a command.
 */
export function quote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_\-./:=@%+,]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** One command line from separate arguments, each quoted. */
export function command(...args: string[]): string {
  return args.map(quote).join(' ');
}

/**
 * Runs a fixed shell script with positional arguments: `sh -c <script> sh <args...>`.
 * The script is a constant of this code base; only the arguments carry input, and they arrive as
 * "$1", "$2", ... so they are never parsed as shell.
 */
export function script(body: string, ...args: string[]): string {
  return command('sh', '-c', body, 'sh', ...args);
}

/** `VAR=value ... <command>` via env(1), values quoted; never used for secrets (they would show in ps). */
export function withEnv(vars: Record<string, string>, line: string): string {
  const assignments = Object.entries(vars).map(([name, value]) => quote(`${name}=${value}`));
  return assignments.length === 0 ? line : `env ${assignments.join(' ')} ${line}`;
}
