import { command } from './shell.js';

/** The free space of the filesystem holding `dir`, in the POSIX format (one line per filesystem, 1024-byte blocks). */
export const freeSpace = (dir: string): string => command('df', '-Pk', '--', dir);

/** Bytes available to unprivileged users, from freeSpace's output; undefined when it cannot be read. */
export function parseFreeBytes(output: string): number | undefined {
  const available = output.trim().split('\n')[1]?.trim().split(/\s+/)[3];
  return available !== undefined && /^\d+$/.test(available) ? Number(available) * 1024 : undefined;
}
