import { command, script, withEnv } from './shell.js';

/** The deploy user's own Docker client config, read so a private copy can be made of it. */
export const readUserDockerConfig = script('cat "$HOME/.docker/config.json" 2>/dev/null || true');

/**
 * The folder of a private Docker client config for one deploy's registry login, so the password
 * never stays in ~/.docker: the user's contexts (rootless Docker) and CLI plugins (a compose plugin
 * installed per user) are linked in; config.json is written next (privateDockerConfig).
 */
export const makeDockerConfigDir = (dir: string): string =>
  script(
    'rm -rf "$1" && (umask 077 && mkdir -p "$1") && for d in cli-plugins contexts; do ' +
      '[ ! -d "$HOME/.docker/$d" ] || ln -s "$HOME/.docker/$d" "$1/$d" || exit 1; done',
    dir,
  );

export const removeDockerConfig = (dir: string): string => command('rm', '-rf', '--', dir);

/**
 * The user's config (other logins, proxies, the current context) without credential helpers:
 * with a `credsStore` or `credHelpers`, docker login would hand the password to the helper, which
 * keeps it after the private folder is gone.
 */
export function privateDockerConfig(userConfig: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(userConfig);
  } catch {
    parsed = {};
  }
  const config = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? { ...(parsed as Record<string, unknown>) } : {};
  delete config.credsStore;
  delete config.credHelpers;
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** The password goes on stdin, so it never shows in the host's process list. */
export const dockerLogin = (registry: string, username: string, configDir: string): string =>
  withEnv({ DOCKER_CONFIG: configDir }, command('docker', 'login', '--username', username, '--password-stdin', registry));

/** Removes images by reference; a reference still used by a container is reported and kept by docker. */
export const dockerRemoveImages = (references: string[]): string =>
  command('docker', 'image', 'rm', ...references);
