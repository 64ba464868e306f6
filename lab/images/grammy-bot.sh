# The grammY sample bot (sample/grammy-bot:v1, :v2) from lab/samples/grammy-bot: the Node 24
# binary and the libraries ldd lists, busybox, and the app installed with `npm ci --omit=dev`.
# Both tags hold the same code; the tag is baked in as VERSION, which the bot reports.
# shellcheck shell=bash disable=SC2034  # image_refs and image_sources are read by build.sh

grammy_app=$here/../samples/grammy-bot
grammy_tags=(v1 v2)
image_refs=(sample/grammy-bot:v1 sample/grammy-bot:v2)
image_sources=("$grammy_app/bot.js" "$grammy_app/package.json" "$grammy_app/package-lock.json")

# The image runs what the bots run in production: Node 24. LAB_NODE names the binary when the
# `node` on PATH is another version (lab machines keep Node 24 in /opt/node24).
grammy_node() {
  local candidate
  for candidate in "${LAB_NODE:-}" "$(command -v node || true)" /opt/node24/bin/node; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    if [[ "$("$candidate" --version)" == v24.* ]]; then
      echo "$candidate"
      return 0
    fi
  done
  die "the grammy-bot image needs a Node 24 binary: put it first on PATH or set LAB_NODE"
}

image_versions() {
  dpkg-query -W busybox-static
  "$(grammy_node)" --version
}

build_images() {
  local work=$1 rootfs=$1/rootfs app=$1/app node tag
  node=$(grammy_node)
  command -v npm >/dev/null || die "the grammy-bot image needs npm (to install grammY) on PATH"
  rm -rf "$app"
  mkdir -p "$app"
  cp "${image_sources[@]}" "$app/"
  # npm runs on that same Node; grammY needs no install scripts, so none run.
  (cd "$app" && PATH=$(dirname "$node"):$PATH npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null) ||
    die "npm ci for the grammy-bot image failed"
  rootfs_init "$rootfs"
  rootfs_user "$rootfs" bot 1000 /home/bot
  rootfs_copy "$rootfs" "$node" /usr/local/bin/node
  rootfs_libs "$rootfs" "$rootfs/usr/local/bin/node"
  cp -a "$app" "$rootfs/app"
  chown -R 0:0 "$rootfs/app"
  rootfs_tar "$rootfs" "$work/rootfs.tar"
  for tag in "${grammy_tags[@]}"; do
    import_push "$work/rootfs.tar" "sample/grammy-bot:$tag" \
      'CMD ["/usr/local/bin/node","/app/bot.js"]' \
      'ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin' \
      'ENV NODE_ENV=production' \
      "ENV VERSION=$tag" \
      'USER bot' \
      'WORKDIR /app' \
      'EXPOSE 8080/tcp' \
      'LABEL org.opencontainers.image.title=grammy-bot' \
      "LABEL org.opencontainers.image.version=$tag"
  done
}
