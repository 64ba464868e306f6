# Redis 7 (sample/redis:7) from Debian's redis-server and redis-tools: redis-server and redis-cli,
# listening on 6379 on every interface with protected mode off (clients come from the compose
# network, as with the official image), data in /data.
# shellcheck shell=bash disable=SC2034  # image_refs and image_sources are read by build.sh

image_refs=(sample/redis:7)
image_sources=()

image_versions() {
  dpkg-query -W busybox-static redis-server redis-tools
}

build_images() {
  local work=$1 rootfs=$1/rootfs
  [ -x /usr/bin/redis-server ] || die "redis-server is missing: run 'bash lab/install.sh' first"
  rootfs_init "$rootfs"
  rootfs_user "$rootfs" redis 999 /data
  # /usr/bin/redis-server is a link to redis-check-rdb: the binary picks its role from argv[0].
  rootfs_copy "$rootfs" /usr/bin/redis-server /usr/local/bin/redis-server
  rootfs_copy "$rootfs" /usr/bin/redis-cli /usr/local/bin/redis-cli
  rootfs_libs "$rootfs" "$rootfs"/usr/local/bin/redis-*
  rootfs_tar "$rootfs" "$work/rootfs.tar"
  import_push "$work/rootfs.tar" sample/redis:7 \
    'CMD ["redis-server","--protected-mode","no"]' \
    'ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin' \
    'USER redis' \
    'WORKDIR /data' \
    'VOLUME /data' \
    'EXPOSE 6379/tcp' \
    'LABEL org.opencontainers.image.title=redis' \
    'LABEL org.opencontainers.image.version=7'
}
