import { command, script, withEnv } from './shell.js';

/** Droplets have either the compose v2 plugin (`docker compose`) or the v1 binary (`docker-compose`). */
export type ComposeFlavor = 'v2' | 'v1';

export const detectCompose = script(
  'if docker compose version >/dev/null 2>&1; then echo v2; ' +
    'elif command -v docker-compose >/dev/null 2>&1; then echo v1; else echo none; fi',
);

export function parseComposeFlavor(stdout: string): ComposeFlavor | undefined {
  const answer = stdout.trim().split('\n').pop();
  return answer === 'v2' || answer === 'v1' ? answer : undefined;
}

/** One compose project as the suite runs it: a release folder, its files and its variables. */
export interface ComposeProject {
  flavor: ComposeFlavor;
  /** `<app>`, or `<app>-blue` / `<app>-green`. */
  name: string;
  directory: string;
  /** Absolute paths of the compose files, in order. */
  files: string[];
  envFile: string;
  /** APP, VERSION, IMAGE, ...: set for every compose command (never secrets: they show in ps). */
  variables: Record<string, string>;
  /** A private Docker client config holding this deploy's registry login (see makeDockerConfig). */
  dockerConfig?: string;
}

export function compose(project: ComposeProject, ...args: string[]): string {
  const binary = project.flavor === 'v2' ? ['docker', 'compose'] : ['docker-compose'];
  const files = project.files.flatMap((file) => ['-f', file]);
  return withEnv(
    { ...project.variables, ...(project.dockerConfig ? { DOCKER_CONFIG: project.dockerConfig } : {}) },
    command(...binary, '-p', project.name, '--project-directory', project.directory, ...files,
      '--env-file', project.envFile, ...args),
  );
}

/** Pulls the images of some services of the project, or of all of them when none are named. */
export const composePull = (project: ComposeProject, services: string[] = []): string => compose(project, 'pull', ...services);

/** The project as compose resolves it (YAML, variables replaced): which image each service runs. */
export const composeConfig = (project: ComposeProject): string => compose(project, 'config');

export const composeUp = (project: ComposeProject): string => compose(project, 'up', '-d', '--remove-orphans');

/** Stops some services of the project (the bot, leaving its database running), or all of them; never pass []. */
export const composeStop = (project: ComposeProject, services: string[] | 'all'): string =>
  compose(project, 'stop', ...(services === 'all' ? [] : services));

/**
 * SIGKILLs some services of the project, or all of them: a stop whose client was killed goes on in
 * Docker's daemon, which would kill the container at the end of its grace period, after the
 * previous release was started again.
 */
export const composeKill = (project: ComposeProject, services: string[] | 'all'): string =>
  compose(project, 'kill', ...(services === 'all' ? [] : services));

/**
 * A one-off container of `service` running `shellCommand` under sh -c (migrations before the
 * switch), under a name of ours: Docker's daemon owns it, so a timed-out or cancelled run stops it
 * by that name.
 */
export const composeRunOnce = (project: ComposeProject, service: string, shellCommand: string, name: string): string =>
  compose(project, 'run', '--rm', '-T', '--name', name, service, 'sh', '-c', shellCommand);

/** Starts only `services` of a project, without the services they depend on (those run in the shared project). */
export const composeUpServices = (project: ComposeProject, services: string[]): string => compose(project, 'up', '-d', '--no-deps', ...services);

/** Creates `services`' containers without starting them: all a handover can do before the old bot stops. */
export const composeCreate = (project: ComposeProject, services: string[]): string => compose(project, 'up', '--no-start', '--no-deps', ...services);

export const composeStart = (project: ComposeProject, services: string[]): string => compose(project, 'start', ...services);

/** Stops and removes `services`' containers. */
export const composeRemove = (project: ComposeProject, services: string[]): string => compose(project, 'rm', '-s', '-f', ...services);

/** The names of the services the project's files declare. */
export const composeServiceNames = (project: ComposeProject): string => compose(project, 'config', '--services');

/** The IDs of `services`' containers, started or not (the ones `composeCreate` made). */
export const composeContainerIds = (project: ComposeProject, services: string[]): string => compose(project, 'ps', '-a', '-q', ...services);

/**
 * The handover of a polling bot in one round trip: the old services stop, and only once they have
 * (`&&`), the containers created beforehand start with plain `docker start` (no second compose
 * run), printing the stop's and the start's end in nanoseconds: `handover <stopped> <started>`.
 */
export function stopThenStart(previous: ComposeProject | undefined, services: string[], containerIds: string[]): string {
  const start = `${command('docker', 'start', ...containerIds)} >/dev/null && echo "handover $stopped $(date +%s%N)"`;
  return previous ? `${composeStop(previous, services)} && stopped=$(date +%s%N) && ${start}` : `stopped=$(date +%s%N) && ${start}`;
}
