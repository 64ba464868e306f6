#!/usr/bin/env bash
# Stops what lab/up.sh started and removes the containers that the suite and the tests ran in the
# lab. Keeps .lab (keys, registry data, database) and the images, so the next up.sh is quick.
# Idempotent: what is not running is skipped.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR
source "$here/settings.sh"
# shellcheck source-path=SCRIPTDIR
source "$here/process.sh"

[ "$(id -u)" = 0 ] || die "lab/down.sh needs root"

# Containers the suite labelled, the tests' own, and compose projects whose files live in the lab.
remove_lab_containers() {
  local ids=() id workdir project projects=()
  mapfile -t ids < <(
    docker ps -aq --filter "label=$LAB_APP_LABEL"
    docker ps -aq --filter "label=$LAB_TEST_LABEL"
    for id in $(docker ps -aq --filter label=com.docker.compose.project.working_dir); do
      workdir=$(docker inspect -f '{{index .Config.Labels "com.docker.compose.project.working_dir"}}' "$id")
      case "$workdir" in "$LAB_APP_ROOT"/* | "$LAB_APP_ROOT_V1"/* | "$LAB_REPO"/*) echo "$id" ;; esac
    done
  )
  [ "${#ids[@]}" -gt 0 ] || return 0
  mapfile -t ids < <(printf '%s\n' "${ids[@]}" | sort -u)
  mapfile -t projects < <(
    docker inspect -f '{{index .Config.Labels "com.docker.compose.project"}}' "${ids[@]}" | sed '/^$/d' | sort -u
  )
  docker rm -f "${ids[@]}" >/dev/null
  say "removed ${#ids[@]} lab container(s)"
  for project in "${projects[@]}"; do
    docker network ls -q --filter "label=com.docker.compose.project=$project" | xargs -r docker network rm >/dev/null
  done
}

if [ -d "$LAB" ]; then
  if docker info >/dev/null 2>&1; then
    remove_lab_containers
  fi
  stop_pidfile "moto S3" "$LAB/moto.pid"
  stop_pidfile nginx "$LAB/nginx/nginx.pid"
  stop_pidfile registry "$LAB/registry/registry.pid"
  if pid_alive "$LAB/pg/data/postmaster.pid"; then
    runuser -u postgres -- "$LAB_PG_BIN/pg_ctl" -D "$LAB/pg/data" -m fast -w stop >/dev/null
    say "stopped postgres"
  fi
  stop_pidfile sshd "$LAB/sshd/sshd.pid"
  # Only a dockerd that up.sh started: one that was already running belongs to the machine.
  stop_pidfile dockerd "$LAB/dockerd.pid" 30
fi
say "down (state kept in $LAB)"
