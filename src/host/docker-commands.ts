import { posix } from 'node:path';
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

/**
 * What still needs an image on this host, in one round trip (read by image-holders.ts):
 * `container <image>` for every container, running or stopped, of any app or none; then
 * `release <release.json>` for every release folder (staging ones too) of every app found, that is
 * every folder next to `appDir` and the app folder of every container's compose working_dir.
 * Fails, and so removes nothing, when docker cannot list the containers.
 */
export const listImageHolders = (appDir: string): string =>
  script(
    [
      "tab=$(printf '\\t')",
      `list=$(docker ps -a --format '{{.Image}}\t{{.Label "com.docker.compose.project.working_dir"}}') || exit 1`,
      `printf '%s\\n' "$list" | while IFS=$tab read -r image dir; do [ -z "$image" ] || printf 'container %s\\n' "$image"; done`,
      `{ for d in "$1"/*/; do printf '%s\\n' "\${d%/}"; done`,
      `  printf '%s\\n' "$list" | while IFS=$tab read -r image dir; do case "$dir" in */releases/?*) printf '%s\\n' "\${dir%/releases/*}";; esac; done`,
      '} | sort -u | while IFS= read -r app; do',
      '  for f in "$app"/releases/*/release.json "$app"/releases/.staging-*/release.json; do',
      `    [ ! -r "$f" ] || printf 'release %s\\n' "$(tr -d '\\n' < "$f")"`,
      '  done',
      'done',
    ].join('\n'),
    posix.dirname(appDir.replace(/\/+$/, '') || '/'),
  );

/** Prints those of `references` docker does not have. */
export const listMissingImages = (references: string[]): string =>
  script(`for r; do docker image inspect "$r" >/dev/null 2>&1 || printf '%s\\n' "$r"; done`, ...references);

/** Stops and removes a container by name; succeeds when there is none. */
export const removeContainer = (name: string): string =>
  script('if docker container inspect "$1" >/dev/null 2>&1; then docker rm -f "$1" >/dev/null; fi', name);

/** The IDs of a compose project's running containers (none: the project runs nothing). */
export const runningContainersOf = (project: string): string =>
  command('docker', 'ps', '-q', '--filter', `label=com.docker.compose.project=${project}`);

/** `<app>-predeploy-<run token>`: one per run, and found again by its prefix under the lock. */
export const oneOffName = (app: string, token: string): string => `${app}-predeploy-${token}`;

/** Removes the one-off containers that earlier runs of `app` left (their runs died); only under the deploy lock. */
export const removeLeftoverOneOffs = (app: string): string =>
  // $ids is split on purpose: one argument per container ID (hex, nothing to quote).
  script('ids=$(docker ps -aq --filter "name=^$1") || exit $?; [ -z "$ids" ] || docker rm -f $ids >/dev/null', oneOffName(app, ''));

/** Removes the private registry logins that earlier runs of the app left (their runs died); only under the deploy lock. */
export const removeLeftoverDockerConfigs = (appDir: string): string => script('rm -rf -- "$1"/.docker-auth-*', appDir);

/** The running containers of one compose service, one-off `compose run` containers excluded. */
export const runningServiceContainers = (project: string, service: string): string =>
  command(
    'docker',
    'ps',
    '-q',
    '--no-trunc',
    '--filter',
    `label=com.docker.compose.project=${project}`,
    '--filter',
    `label=com.docker.compose.service=${service}`,
    '--filter',
    'label=com.docker.compose.oneoff=False',
    '--filter',
    'status=running',
  );
