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

/** Stops and removes a container by name; succeeds when there is none. */
export const removeContainer = (name: string): string =>
  script('if docker container inspect "$1" >/dev/null 2>&1; then docker rm -f "$1" >/dev/null; fi', name);

/** `<app>-predeploy-<run token>`: one per run, and found again by its prefix under the lock. */
export const oneOffName = (app: string, token: string): string => `${app}-predeploy-${token}`;

/** Removes the one-off containers that earlier runs of `app` left (their runs died); only under the deploy lock. */
export const removeLeftoverOneOffs = (app: string): string =>
  script('docker ps -aq --filter "name=^$1" | xargs -r docker rm -f >/dev/null', oneOffName(app, ''));
