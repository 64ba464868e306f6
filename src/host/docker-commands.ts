import { command, script, withEnv } from './shell.js';

/**
 * A private Docker client config for one deploy's registry login, so the password never stays on
 * the host in ~/.docker/config.json: it starts as a copy of the user's own config (other logins,
 * credential helpers) and links the user's CLI plugins (a compose plugin installed per user).
 */
export const makeDockerConfig = (dir: string): string =>
  script(
    'rm -rf "$1" && (umask 077 && mkdir -p "$1") && ' +
      '{ [ ! -f "$HOME/.docker/config.json" ] || cp "$HOME/.docker/config.json" "$1/config.json"; } && ' +
      '{ [ ! -d "$HOME/.docker/cli-plugins" ] || ln -s "$HOME/.docker/cli-plugins" "$1/cli-plugins"; }',
    dir,
  );

export const removeDockerConfig = (dir: string): string => command('rm', '-rf', '--', dir);

/** The password goes on stdin, so it never shows in the host's process list. */
export const dockerLogin = (registry: string, username: string, configDir: string): string =>
  withEnv({ DOCKER_CONFIG: configDir }, command('docker', 'login', '--username', username, '--password-stdin', registry));

/** Removes images by reference; a reference still used by a container is reported and kept by docker. */
export const dockerRemoveImages = (references: string[]): string =>
  command('docker', 'image', 'rm', ...references);
