#!/usr/bin/env bash
# Builds the sample bot images without any public registry: a busybox-static root filesystem,
# `docker import`ed once per tag with the tag's settings, then pushed to the lab registry.
# Skipped when the registry already holds every tag built from the current scripts;
# LAB_REBUILD=1 forces a rebuild.
# Needs dockerd and the lab registry up (lab/up.sh runs this after starting them).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lab/settings.sh
source "$here/../settings.sh"
# shellcheck source=lab/process.sh
source "$here/../process.sh"

tags=(v1 v2 broken)
images=(webhook-bot polling-bot)
stamp=$LAB/images/source.sha256

registry_has_tags() {
  local image=$1 listing tag
  listing=$(curl -fsS -u "$LAB_REGISTRY_USER:$LAB_REGISTRY_PASSWORD" \
    "http://$LAB_REGISTRY/v2/sample/$image/tags/list" 2>/dev/null) || return 1
  for tag in "${tags[@]}"; do
    grep -q "\"$tag\"" <<<"$listing" || return 1
  done
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

build_rootfs_tar() {
  local work=$LAB/images rootfs=$LAB/images/rootfs
  rm -rf "$rootfs"
  mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,bot,proc,sys,dev,root}
  install -d -m 1777 "$rootfs/tmp"
  cp /bin/busybox "$rootfs/bin/busybox"
  # Inside the chroot the applet links point at /bin/busybox, which is where the image has it.
  chroot "$rootfs" /bin/busybox --install -s
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  install -m 0755 "$here"/bot/*.sh "$rootfs/bot/"
  # Fixed owners, order and times: the same scripts give the same layer digest on every build.
  tar --numeric-owner --owner=0 --group=0 --mtime=@0 --sort=name -C "$rootfs" -cf "$work/rootfs.tar" .
}

# import_image IMAGE TAG: the tag decides the baked-in version and whether the bot is broken.
import_image() {
  local image=$1 tag=$2 ref="$LAB_REGISTRY/sample/$1:$2" broken=0 cmd
  [ "$tag" = broken ] && broken=1
  case "$image" in
    webhook-bot) cmd='["/bin/sh","/bot/webhook-bot.sh"]' ;;
    polling-bot) cmd='["/bin/sh","/bot/polling-bot.sh"]' ;;
  esac
  local changes=(
    --change "CMD $cmd"
    --change 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin'
    --change "ENV BOT_VERSION=$tag"
    --change "ENV BOT_BROKEN=$broken"
    --change "LABEL org.opencontainers.image.version=$tag"
    --change "LABEL org.opencontainers.image.title=$image"
  )
  [ "$image" = webhook-bot ] && changes+=(--change 'EXPOSE 8080/tcp')
  docker import "${changes[@]}" "$LAB/images/rootfs.tar" "$ref" >/dev/null
  docker push -q "$ref" >/dev/null
  say "image $ref pushed"
}

# Changing a bot script or this file must reach the registry without anyone remembering LAB_REBUILD.
source_digest() {
  cat "$here/build.sh" "$here"/bot/*.sh | sha256sum | cut -d' ' -f1
}

main() {
  login_root
  local digest
  digest=$(source_digest)
  if [ "${LAB_REBUILD:-0}" != 1 ] && [ "$(cat "$stamp" 2>/dev/null)" = "$digest" ]; then
    local missing=0 image
    for image in "${images[@]}"; do
      registry_has_tags "$image" || missing=1
    done
    [ "$missing" = 0 ] && return 0
  fi
  say "building the sample bot images"
  build_rootfs_tar
  local image tag
  for image in "${images[@]}"; do
    for tag in "${tags[@]}"; do
      import_image "$image" "$tag"
    done
  done
  echo "$digest" >"$stamp"
}

main "$@"
