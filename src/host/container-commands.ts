import { script } from './shell.js';

/** Which container(s) container mode watches. */
export type ContainerTarget =
  | { kind: 'container'; name: string }
  /** Every container of a compose service (replicas included), found by compose's own labels. */
  | { kind: 'compose'; project: string; service: string };

/** One JSON line per container: its name, restart count and State (with Health when a healthcheck exists). */
const INSPECT_FORMAT = '{"name":{{json .Name}},"restartCount":{{.RestartCount}},"state":{{json .State}}}';

/** Exit code of the inspect script when a compose service has no container at all. */
export const NO_CONTAINER_EXIT = 3;

/**
 * Inspects the target's container(s). A compose service is resolved on every attempt, because a
 * deploy may recreate its container under a new ID while the gate is watching.
 */
export function inspectContainers(target: ContainerTarget): string {
  if (target.kind === 'container') {
    return script('exec docker inspect --type container --format "$1" "$2"', INSPECT_FORMAT, target.name);
  }
  // Only the service's own containers: a leftover `compose run` container (oneoff=True) says nothing about the service.
  return script(
    'ids=$(docker ps -aq --no-trunc --filter "label=com.docker.compose.project=$2" --filter "label=com.docker.compose.service=$3" ' +
      '--filter "label=com.docker.compose.oneoff=False") || exit $?; ' +
      `[ -n "$ids" ] || exit ${NO_CONTAINER_EXIT}; ` +
      // $ids is split on purpose: one argument per container ID (IDs are hex, nothing to quote).
      'exec docker inspect --type container --format "$1" $ids',
    INSPECT_FORMAT,
    target.project,
    target.service,
  );
}

/** How many of a crashed container's last log lines the failure shows. */
export const CRASH_LOG_LINES = 5;

/**
 * What a crash left behind: `exit=<code>` of the container's last exit since `since` (empty when
 * Docker has no event for it; a restarted container's State already reads 0 again), then its last
 * log lines, stdout and stderr.
 */
export function crashDetails(name: string, since: string): string {
  return script(
    'code=$(docker events --since "$2" --until "$(date +%s)" --filter "container=$1" --filter event=die --format "$3" | tail -n 1); ' +
      'echo "exit=$code"; exec docker logs --tail "$4" "$1" 2>&1',
    name,
    since,
    '{{index .Actor.Attributes "exitCode"}}',
    String(CRASH_LOG_LINES),
  );
}

export function describeContainerTarget(target: ContainerTarget): string {
  return target.kind === 'container' ? `container ${target.name}` : `compose service ${target.project}/${target.service}`;
}
