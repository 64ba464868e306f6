#!/usr/bin/env bash
# Installs docker-compose v1 (bookworm's 1.29.2 package) into /opt/compose-v1, beside the compose
# v2 plugin that trixie's docker-compose package provides. The two packages share a name, so v1 is
# unpacked with dpkg -x rather than installed; its Python dependencies are ordinary bookworm packages.
# $LAB_COMPOSE_V1_DIR/bin is what the deploy-v1 user's SSH sessions see first on PATH (lab/up.sh):
#   docker-compose   v1, running under Debian's /usr/bin/python3
#   docker           /usr/bin/docker, except that `docker compose` fails as on a host without the plugin
# Called by lab/install.sh; idempotent (quick when v1 is already in place). Needs root.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR
source "$here/settings.sh"
# shellcheck source-path=SCRIPTDIR
source "$here/process.sh"

[ "$(id -u)" = 0 ] || die "lab/compose-v1.sh needs root"
export DEBIAN_FRONTEND=noninteractive

dir=$LAB_COMPOSE_V1_DIR
package=docker-compose=$LAB_COMPOSE_V1_PACKAGE

# The .deb's Depends (dpkg-deb -f), minus what python3 itself satisfies (python3-cached-property
# is only needed below python 3.8) and the distro/requests/yaml/distutils packages the lab already has
# (listed anyway, so a bare machine gets them too).
python_deps=(python3-distro python3-docker python3-dockerpty python3-docopt python3-dotenv
  python3-jsonschema python3-requests python3-texttable python3-websocket python3-yaml python3-distutils)

v1_works() {
  [ -x "$dir/bin/docker-compose" ] && [ -x "$dir/bin/docker" ] \
    && [ "$(cat "$dir/.package" 2>/dev/null)" = "$package" ] \
    && "$dir/bin/docker-compose" version --short 2>/dev/null | grep -q '^1\.29\.'
}

missing=()
for p in "${python_deps[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -q
  # bookworm's versions: trixie is pinned to 100 (lab/install.sh), so apt prefers bookworm's 500.
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

v1_works && exit 0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# apt-get download drops privileges to _apt, which must be able to write the target folder.
chown _apt "$work" 2>/dev/null || true
if ! (cd "$work" && apt-get download -q "$package" >"$work/download.log" 2>&1); then
  apt-get update -q
  (cd "$work" && apt-get download -q "$package" >"$work/download.log" 2>&1) \
    || die_with_log "could not download $package from Debian bookworm" "$work/download.log"
fi
deb=$(find "$work" -maxdepth 1 -name 'docker-compose_*.deb' | head -n 1)
[ -n "$deb" ] || die "apt-get download $package left no .deb in $work"

stage=$dir.new
rm -rf "$stage"
dpkg -x "$deb" "$stage"
entry=$stage/usr/bin/docker-compose
site=$dir/usr/lib/python3/dist-packages
# The entry script must run under Debian's python, which has the dependencies (python3 on PATH may
# be pyenv's), and must find the unpacked compose package and its egg-info (entry point metadata).
head -n 1 "$entry" | grep -qx '#!/usr/bin/python3' || sed -i '1s|.*|#!/usr/bin/python3|' "$entry"
sed -i "0,/^import sys\$/s||import sys\nsys.path.insert(0, '$site')  # lab/compose-v1.sh: unpacked, not installed|" "$entry"
grep -q "sys.path.insert(0, '$site')" "$entry" || die "could not patch $entry to find $site"

install -d -m 0755 "$stage/bin"
ln -s ../usr/bin/docker-compose "$stage/bin/docker-compose"
cat >"$stage/bin/docker" <<'WRAPPER'
#!/bin/sh
# lab/compose-v1.sh: docker as on a host without the compose v2 plugin. `docker compose ...` fails
# the way docker does when the plugin is missing; everything else is /usr/bin/docker.
skip=0
for arg in "$@"; do
  if [ "$skip" = 1 ]; then skip=0; continue; fi
  case $arg in
    --config | -c | --context | -H | --host | -l | --log-level | --tlscacert | --tlscert | --tlskey) skip=1 ;;
    -*) ;;
    compose)
      echo "docker: 'compose' is not a docker command." >&2
      echo "See 'docker --help'" >&2
      exit 1
      ;;
    *) break ;;
  esac
done
exec /usr/bin/docker "$@"
WRAPPER
chmod 0755 "$stage/bin/docker"
printf '%s\n' "$package" >"$stage/.package"

rm -rf "$dir"
mv "$stage" "$dir"
v1_works || die "$dir/bin/docker-compose does not run: try '$dir/bin/docker-compose version'"
say "docker-compose $("$dir/bin/docker-compose" version --short) installed in $dir"
