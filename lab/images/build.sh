#!/usr/bin/env bash
# Builds the lab's images without any public registry and pushes them to the lab registry:
# the busybox sample bots (bots.sh), PostgreSQL 15 (postgres.sh), Redis 7 (redis.sh) and the
# grammY sample bot (grammy-bot.sh). Each is a root filesystem made on this machine and
# `docker import`ed once per tag with the tag's settings.
# A family is skipped when the registry already holds all its tags and .lab/images/<family>.sha256
# matches its current sources; LAB_REBUILD=1 forces a rebuild.
# Usage: build.sh [FAMILY...] (default: all). Needs dockerd and the lab registry up (lab/up.sh runs
# this after starting them).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lab/settings.sh
source "$here/../settings.sh"
# shellcheck source=lab/process.sh
source "$here/../process.sh"
# shellcheck source=lab/images/rootfs.sh
source "$here/rootfs.sh"

families=(bots postgres redis grammy-bot)

# registry_has REF: REF (sample/NAME:TAG) is in the lab registry.
registry_has() {
  local ref=$1 listing
  listing=$(curl -fsS -u "$LAB_REGISTRY_USER:$LAB_REGISTRY_PASSWORD" \
    "http://$LAB_REGISTRY/v2/${ref%:*}/tags/list" 2>/dev/null) || return 1
  grep -q "\"${ref##*:}\"" <<<"$listing"
}

login_root() {
  # Root stays logged in so tests can `docker run`/pull the samples. deploy is left logged out:
  # the suite's own registry login is what must make a pull on the "droplet" work.
  if ! grep -qs "\"$LAB_REGISTRY\"" "${DOCKER_CONFIG:-$HOME/.docker}/config.json"; then
    local output
    output=$(docker login "$LAB_REGISTRY" -u "$LAB_REGISTRY_USER" --password-stdin \
      <<<"$LAB_REGISTRY_PASSWORD" 2>&1) || die "docker login $LAB_REGISTRY failed: $output"
  fi
}

# import_push TAR REF CHANGE...: imports the root filesystem TAR as REF (sample/NAME:TAG) with the
# given `docker import --change` instructions and pushes it.
import_push() {
  local tar=$1 ref=$LAB_REGISTRY/$2 changes=() change
  shift 2
  for change in "$@"; do
    changes+=(--change "$change")
  done
  docker import "${changes[@]}" "$tar" "$ref" >/dev/null
  docker push -q "$ref" >/dev/null
  say "image $ref pushed"
}

# build_family FAMILY: FAMILY.sh sets image_refs and image_sources and defines image_versions (the
# host software copied in) and build_images WORKDIR; a subshell keeps families apart.
build_family() (
  local family=$1 stamp=$LAB/images/$1.sha256 digest ref
  # shellcheck source=/dev/null
  source "$here/$family.sh"
  # Changing a family's sources, these scripts or the host packages it copies must reach the
  # registry without anyone remembering LAB_REBUILD.
  digest=$({ cat "$here/build.sh" "$here/rootfs.sh" "$here/$family.sh" "${image_sources[@]}"; image_versions; } |
    sha256sum | cut -d' ' -f1)
  if [ "${LAB_REBUILD:-0}" != 1 ] && [ "$(cat "$stamp" 2>/dev/null)" = "$digest" ]; then
    local missing=0
    for ref in "${image_refs[@]}"; do
      registry_has "$ref" || missing=1
    done
    [ "$missing" = 0 ] && return 0
  fi
  say "building the $family images"
  local started=$SECONDS
  mkdir -p "$LAB/images/$family"
  build_images "$LAB/images/$family"
  # The pushed images are all that is needed; the work dir (a few hundred MB) goes.
  rm -rf "$LAB/images/$family"
  echo "$digest" >"$stamp"
  say "built the $family images in $((SECONDS - started)) s"
)

main() {
  local requested=("$@") family pids=() failed=0 pid
  [ "${#requested[@]}" -gt 0 ] || requested=("${families[@]}")
  for family in "${requested[@]}"; do
    [ -f "$here/$family.sh" ] || die "no image family '$family' (known: ${families[*]})"
  done
  mkdir -p "$LAB/images"
  login_root
  # Families share nothing but the registry: building them side by side keeps a first run short.
  for family in "${requested[@]}"; do
    build_family "$family" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || failed=1
  done
  [ "$failed" = 0 ] || die "building the lab images failed (see the messages above)"
}

main "$@"
