# PostgreSQL 15 (sample/postgres:15) from Debian's postgresql-15: the server, initdb, pg_ctl and the
# client tools (psql, pg_dump, pg_restore, ...), their modules and share files, and an entrypoint
# that initialises the data dir on first start from POSTGRES_USER/POSTGRES_PASSWORD/POSTGRES_DB,
# like the official image.
# shellcheck shell=bash disable=SC2034  # image_refs and image_sources are read by build.sh

image_refs=(sample/postgres:15)
image_sources=("$here/postgres/entrypoint.sh")

pg_bin=/usr/lib/postgresql/15/bin
pg_lib=/usr/lib/postgresql/15/lib

image_versions() {
  dpkg-query -W busybox-static postgresql-15 libpq5 tzdata
}

build_images() {
  local work=$1 rootfs=$1/rootfs tool module
  rootfs_init "$rootfs"
  rootfs_user "$rootfs" postgres 999 /var/lib/postgresql
  # The data dir must exist in the image: a fresh named volume copies its owner and mode.
  install -d -m 0700 -o 999 -g 999 "$rootfs/var/lib/postgresql/data"
  # Debian's builds put the server's socket (and look for it) in /var/run/postgresql.
  install -d -m 2775 -o 999 -g 999 "$rootfs/var/run/postgresql"
  for tool in postgres initdb pg_ctl pg_isready psql pg_dump pg_dumpall pg_restore createdb dropdb createuser dropuser; do
    rootfs_copy "$rootfs" "$pg_bin/$tool"
  done
  # Modules are loaded at run time (plpgsql by initdb); llvmjit would pull in LLVM (>100 MB), and
  # without it the server simply runs without JIT.
  for module in "$pg_lib"/*.so; do
    case "$module" in */llvmjit*) continue ;; esac
    rootfs_copy "$rootfs" "$module"
  done
  mkdir -p "$rootfs/usr/share/postgresql" "$rootfs/usr/lib/locale"
  cp -a /usr/share/postgresql/15 "$rootfs/usr/share/postgresql/"
  # Debian's PostgreSQL uses the system time zone database, and C.UTF-8 for a UTF-8 cluster.
  cp -a /usr/share/zoneinfo "$rootfs/usr/share/"
  cp -a /usr/lib/locale/C.utf8 "$rootfs/usr/lib/locale/"
  rootfs_libs "$rootfs" "$rootfs$pg_bin"/* "$rootfs$pg_lib"/*.so
  install -m 0755 "$here/postgres/entrypoint.sh" "$rootfs/usr/local/bin/docker-entrypoint.sh"
  rootfs_tar "$rootfs" "$work/rootfs.tar"
  import_push "$work/rootfs.tar" sample/postgres:15 \
    'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
    'CMD ["postgres"]' \
    "ENV PATH=$pg_bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin" \
    'ENV LANG=C.UTF-8' \
    'ENV PGDATA=/var/lib/postgresql/data' \
    'USER postgres' \
    'WORKDIR /var/lib/postgresql' \
    'VOLUME /var/lib/postgresql/data' \
    'EXPOSE 5432/tcp' \
    'LABEL org.opencontainers.image.title=postgres' \
    'LABEL org.opencontainers.image.version=15'
}
