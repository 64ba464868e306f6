import { command } from './shell.js';

/** The password goes on stdin, so it never shows in the host's process list. */
export const dockerLogin = (registry: string, username: string): string =>
  command('docker', 'login', '--username', username, '--password-stdin', registry);

/** Removes images by reference; a reference still used by a container is reported and kept by docker. */
export const dockerRemoveImages = (references: string[]): string =>
  command('docker', 'image', 'rm', ...references);
