# The busybox sample bots (webhook-bot, polling-bot; tags v1, v2, broken): busybox and the scripts
# in bot/. The tag decides the baked-in version and whether the bot is broken.
# shellcheck shell=bash disable=SC2034  # image_refs and image_sources are read by build.sh

bot_images=(webhook-bot polling-bot)
bot_tags=(v1 v2 broken)
image_refs=()
for image in "${bot_images[@]}"; do
  for tag in "${bot_tags[@]}"; do
    image_refs+=("sample/$image:$tag")
  done
done
image_sources=("$here"/bot/*.sh)

image_versions() {
  dpkg-query -W busybox-static
}

build_images() {
  local work=$1 rootfs=$1/rootfs image tag cmd
  rootfs_init "$rootfs"
  mkdir -p "$rootfs/bot"
  install -m 0755 "$here"/bot/*.sh "$rootfs/bot/"
  rootfs_tar "$rootfs" "$work/rootfs.tar"
  for image in "${bot_images[@]}"; do
    case "$image" in
      webhook-bot) cmd='["/bin/sh","/bot/webhook-bot.sh"]' ;;
      polling-bot) cmd='["/bin/sh","/bot/polling-bot.sh"]' ;;
    esac
    for tag in "${bot_tags[@]}"; do
      local changes=(
        "CMD $cmd"
        'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin'
        "ENV BOT_VERSION=$tag"
        "ENV BOT_BROKEN=$([ "$tag" = broken ] && echo 1 || echo 0)"
        "LABEL org.opencontainers.image.version=$tag"
        "LABEL org.opencontainers.image.title=$image"
      )
      [ "$image" = webhook-bot ] && changes+=('EXPOSE 8080/tcp')
      import_push "$work/rootfs.tar" "sample/$image:$tag" "${changes[@]}"
    done
  done
}
