#!/usr/bin/env bash
# Installs what the droplet lab and the tests need on a fresh Debian bookworm machine (as root).
# Idempotent: packages already present are left alone. Also unpacks compose v1 (lab/compose-v1.sh).
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

# compose v2 only exists in trixie; a low pin keeps every other package on bookworm.
if [ ! -f /etc/apt/sources.list.d/trixie.sources ]; then
  cat > /etc/apt/sources.list.d/trixie.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  cat > /etc/apt/preferences.d/trixie-low <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
fi

# ufw: test/droplet applies droplet/cloud-init.yaml's firewall commands (in a network namespace).
packages=(docker.io openssh-server openssh-client nginx postgresql postgresql-client redis-server
  docker-registry apache2-utils busybox-static python3-moto python3-flask python3-flask-cors
  wrk sudo procps iproute2 curl ca-certificates ufw)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ! dpkg-query -W -f='${Status}' docker-compose 2>/dev/null | grep -q 'install ok installed' \
   || ! docker compose version >/dev/null 2>&1; then
  need_compose=1
else
  need_compose=0
fi
if [ "${#missing[@]}" -gt 0 ] || [ "$need_compose" = 1 ]; then
  apt-get update -q
fi
if [ "${#missing[@]}" -gt 0 ]; then
  # Services must not start on install: the lab starts its own instances on private ports.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get install -y -q --no-install-recommends "${missing[@]}"
  rm -f /usr/sbin/policy-rc.d
fi
if [ "$need_compose" = 1 ]; then
  apt-get install -y -q --no-install-recommends -t trixie docker-compose
fi

# compose v1 for the deploy-v1 account: bookworm's docker-compose 1.29 conflicts by name with the
# v2 package above, so it is unpacked into /opt/compose-v1 instead (its Python deps are installed).
bash "$(dirname "${BASH_SOURCE[0]}")/compose-v1.sh"
