# Root filesystems for images made without a base image: host binaries, the libraries ldd lists for
# them, busybox for a shell, and just enough of /etc for a non-root user. Sourced by lab/images/build.sh.
# shellcheck shell=bash

# rootfs_init DIR: an empty tree with busybox as /bin/sh (and its applets), /tmp 1777, and an
# /etc/nsswitch.conf so that names resolve through /etc/hosts (compose's extra_hosts) and then DNS.
rootfs_init() {
  local rootfs=$1
  rm -rf "$rootfs"
  mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,proc,sys,dev,root,run,var/run}
  install -d -m 1777 "$rootfs/tmp"
  cp /bin/busybox "$rootfs/bin/busybox"
  # Inside the chroot the applet links point at /bin/busybox, which is where the image has it.
  chroot "$rootfs" /bin/busybox --install -s
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
}

# rootfs_user DIR NAME ID HOME: adds a user and its group (same id) and creates HOME owned by it.
# Fixed ids keep the layer the same on every build and match the official images (999 for
# postgres and redis, 1000 for node's user).
rootfs_user() {
  local rootfs=$1 name=$2 id=$3 home=$4
  printf '%s:x:%s:%s:%s:%s:/bin/sh\n' "$name" "$id" "$id" "$name" "$home" >>"$rootfs/etc/passwd"
  printf '%s:x:%s:\n' "$name" "$id" >>"$rootfs/etc/group"
  install -d -m 0755 -o "$id" -g "$id" "$rootfs$home"
}

# rootfs_copy DIR SOURCE [TARGET]: copies a host file (symlinks followed) to TARGET (default: the
# same path) inside the tree. A busybox applet link of that name is replaced, not written through.
rootfs_copy() {
  local rootfs=$1 source=$2 target=${3:-$2}
  mkdir -p "$rootfs$(dirname "$target")"
  cp -L --remove-destination "$source" "$rootfs$target"
}

# rootfs_libs DIR FILE...: copies the shared libraries the FILEs need, as ldd lists them (the
# loader included), to the same paths inside the tree.
rootfs_libs() {
  local rootfs=$1 listing lib
  shift
  # ldd fails for files that are not dynamic executables (data files among modules): skip those.
  listing=$(ldd "$@" 2>/dev/null || true)
  if grep -q 'not found' <<<"$listing"; then
    die "ldd cannot find libraries for the image: $(grep 'not found' <<<"$listing" | sort -u | tr -s ' \t\n' ' ')"
  fi
  while read -r lib; do
    [ -e "$rootfs$lib" ] || rootfs_copy "$rootfs" "$lib"
  done < <(awk '$2 == "=>" && $3 ~ /^\// { print $3 } NF == 2 && $1 ~ /^\// { print $1 }' <<<"$listing" | sort -u)
}

# rootfs_tar DIR TAR: fixed order and times (owners stay as set), so the same inputs give the same
# layer digest on every build.
rootfs_tar() {
  tar --numeric-owner --mtime=@0 --sort=name -C "$1" -cf "$2" .
}
