#!/usr/bin/env bash
# Brings up the droplet lab on 127.0.0.1: dockerd, sshd (:2222, users deploy and deploy-v1), a private registry
# (:5000), nginx (:8080), PostgreSQL 15 (:5433), moto S3 (:9000) and the sample bot images.
# State lives in <repo>/.lab. Idempotent and quick when everything already runs; concurrent runs
# queue on .lab/up.lock. Needs root and the packages from lab/install.sh. See lab/README.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR
source "$here/settings.sh"
# shellcheck source-path=SCRIPTDIR
source "$here/process.sh"

[ "$(id -u)" = 0 ] || die "lab/up.sh needs root (it creates a user, sudoers and system services)"
# The repo path lands in sudoers rules and service command lines, which split on whitespace.
[[ "$LAB_REPO" =~ [[:space:]] ]] && die "the repo path '$LAB_REPO' contains whitespace; clone it elsewhere"
for tool in dockerd docker sshd nginx docker-registry htpasswd "$LAB_PG_BIN/initdb" busybox ssh-keygen visudo curl; do
  command -v "$tool" >/dev/null || die "$tool is missing: run 'bash lab/install.sh' first"
done

mkdir -p "$LAB"
chmod 0755 "$LAB"
exec 9>"$LAB/up.lock"
flock -w 600 9 || die "another lab/up.sh held $LAB/up.lock for 10 minutes"

# deploy (sshd sessions), postgres (its data dir) and www-data must reach into .lab; a checkout
# under a private home directory would hide it, so open the search bit on each ancestor.
open_path_to_lab() {
  runuser -u nobody -- test -x "$LAB" 2>/dev/null && return 0
  local dir=$LAB
  while [ "$dir" != / ]; do
    if ! runuser -u nobody -- test -x "$dir" 2>/dev/null; then
      chmod o+x "$dir"
      say "made $dir searchable by other users (services run as deploy, postgres, www-data)"
    fi
    dir=$(dirname "$dir")
  done
}

up_dockerd() {
  docker info >/dev/null 2>&1 && return 0
  if ! pid_alive "$LAB/dockerd.pid"; then
    say "starting dockerd"
    start_detached "$LAB/dockerd.pid" "$LAB/dockerd.log" dockerd
  fi
  wait_ready dockerd 60 "$LAB/dockerd.log" "$LAB/dockerd.pid" docker info
}

up_keys() {
  local keys=$LAB/keys
  install -d -m 0700 "$keys"
  [ -f "$keys/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C lab-ed25519 -f "$keys/id_ed25519"
  [ -f "$keys/id_rsa" ] || ssh-keygen -q -t rsa -b 3072 -N '' -C lab-rsa -f "$keys/id_rsa"
  [ -f "$keys/id_ecdsa" ] || ssh-keygen -q -t ecdsa -b 256 -N '' -C lab-ecdsa -f "$keys/id_ecdsa"
  [ -f "$keys/id_rsa_pem" ] || ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -C lab-rsa-pem -f "$keys/id_rsa_pem"
  [ -f "$keys/id_ed25519_enc" ] || ssh-keygen -q -t ed25519 -N "$LAB_KEY_PASSPHRASE" -C lab-ed25519-enc -f "$keys/id_ed25519_enc"
  [ -f "$keys/id_stranger" ] || ssh-keygen -q -t ed25519 -N '' -C lab-stranger -f "$keys/id_stranger"
  chmod 0600 "$keys"/id_*
  chmod 0644 "$keys"/*.pub
}

# key_only_user USER KEY...: a bash account in the docker group that logs in with exactly these
# public keys (.lab/keys/KEY.pub) and no password.
key_only_user() {
  local user=$1
  shift
  id "$user" >/dev/null 2>&1 || useradd -m -s /bin/bash "$user"
  # useradd leaves the account locked ('!'), and sshd refuses locked accounts even for keys.
  [ "$(getent shadow "$user" | cut -d: -f2)" = '*' ] || usermod -p '*' "$user"
  [ "$(getent passwd "$user" | cut -d: -f7)" = /bin/bash ] || usermod -s /bin/bash "$user"
  id -nG "$user" | grep -qw docker || usermod -aG docker "$user"

  local home ssh_dir
  home=$(getent passwd "$user" | cut -d: -f6)
  ssh_dir=$home/.ssh
  install -d -m 0700 -o "$user" -g "$user" "$ssh_dir"
  local pub
  for pub in "$@"; do
    cat "$LAB/keys/$pub.pub"
  done | write_if_changed "$ssh_dir/authorized_keys" || true
  chown "$user:$user" "$ssh_dir/authorized_keys"
  chmod 0600 "$ssh_dir/authorized_keys"
}

up_deploy_user() {
  key_only_user "$LAB_USER" id_ed25519 id_rsa id_ecdsa id_rsa_pem id_ed25519_enc
  install -d -m 0755 -o "$LAB_USER" -g "$LAB_USER" "$LAB_APP_ROOT"
  # The product's default app dir must be out of deploy's reach, as on a fresh droplet.
  if runuser -u "$LAB_USER" -- test -w /opt; then
    chmod go-w /opt
    say "removed group/other write permission from /opt"
  fi

  local sudoers
  sudoers=$(mktemp)
  cat >"$sudoers" <<SUDO
# bot-deploy lab (lab/up.sh): deploy may test and reload the lab nginx, and nothing else.
$LAB_USER ALL=(root) NOPASSWD: /usr/sbin/nginx -t -c $LAB_NGINX_CONF, /usr/sbin/nginx -s reload -c $LAB_NGINX_CONF
SUDO
  visudo -qcf "$sudoers" >/dev/null || { rm -f "$sudoers"; die "the generated sudoers rule is invalid"; }
  if cmp -s "$sudoers" "$LAB_SUDOERS"; then
    rm -f "$sudoers"
  else
    install -m 0440 -o root -g root "$sudoers" "$LAB_SUDOERS"
    rm -f "$sudoers"
  fi
}

# deploy-v1: like deploy (ed25519 key only, no sudo), but its SSH sessions get LAB_PATH_V1 from
# sshd (SetEnv), so docker-compose is v1 1.29 and `docker compose` fails (lab/compose-v1.sh).
up_deploy_v1_user() {
  if [ ! -x "$LAB_COMPOSE_V1_DIR/bin/docker-compose" ] || [ ! -x "$LAB_COMPOSE_V1_DIR/bin/docker" ] \
     || [ "$(cat "$LAB_COMPOSE_V1_DIR/.package" 2>/dev/null)" != "docker-compose=$LAB_COMPOSE_V1_PACKAGE" ]; then
    say "compose v1 is missing from $LAB_COMPOSE_V1_DIR: running lab/compose-v1.sh"
    bash "$here/compose-v1.sh" 9>&-
  fi
  key_only_user "$LAB_USER_V1" id_ed25519
  install -d -m 0755 -o "$LAB_USER_V1" -g "$LAB_USER_V1" "$LAB_APP_ROOT_V1"
  # A login shell (ssh -t, to look around) reads /etc/profile, which resets PATH; this puts v1 back.
  local profile
  profile=$(getent passwd "$LAB_USER_V1" | cut -d: -f6)/.bash_profile
  write_if_changed "$profile" <<PROFILE || true
# lab/up.sh writes this file: $LAB_USER_V1 only has compose v1 (lab/compose-v1.sh).
[ -f ~/.profile ] && . ~/.profile
PATH=$LAB_PATH_V1
export PATH
PROFILE
  chown "$LAB_USER_V1:$LAB_USER_V1" "$profile"
  chmod 0644 "$profile"
}

up_sshd() {
  local dir=$LAB/sshd
  install -d -m 0755 "$dir"
  install -d -m 0755 /run/sshd
  [ -f "$dir/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C lab-host -f "$dir/ssh_host_ed25519_key"
  [ -f "$dir/ssh_host_rsa_key" ] || ssh-keygen -q -t rsa -b 3072 -N '' -C lab-host -f "$dir/ssh_host_rsa_key"

  local changed=0
  write_if_changed "$dir/sshd_config" <<CONF && changed=1
# bot-deploy lab sshd (lab/up.sh writes this file)
Port $LAB_SSH_PORT
ListenAddress $LAB_HOST
HostKey $dir/ssh_host_ed25519_key
HostKey $dir/ssh_host_rsa_key
PidFile $dir/sshd.pid
AllowUsers $LAB_USER $LAB_USER_V1
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
UsePAM no
# Health checks reach a bot's loopback port through the SSH connection.
AllowTcpForwarding yes
# Parallel tests and multi-step deploys open many channels and connections at once.
MaxSessions 30
MaxStartups 30:30:60
Subsystem sftp internal-sftp
LogLevel VERBOSE

# deploy-v1 only has compose v1: sshd sets PATH for its sessions, so the suite's exec sessions get
# it whatever the shell reads at startup (a non-interactive bash returns early from Debian's
# ~/.bashrc). Login shells reset it in /etc/profile; ~deploy-v1/.bash_profile sets it again.
Match User $LAB_USER_V1
  SetEnv PATH=$LAB_PATH_V1
CONF
  chmod 0644 "$dir/sshd_config"
  /usr/sbin/sshd -t -f "$dir/sshd_config" 2>"$dir/sshd-check.log" || die_with_log "sshd rejects its config" "$dir/sshd-check.log"

  if pid_alive "$dir/sshd.pid"; then
    # sshd re-executes itself with the new config on HUP.
    [ "$changed" = 1 ] && kill -HUP "$(cat "$dir/sshd.pid")"
  else
    require_port_free "$LAB_SSH_PORT" sshd
    say "starting sshd on $LAB_HOST:$LAB_SSH_PORT"
    # sshd daemonizes itself and writes PidFile; it must be started by its absolute path.
    setsid /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log" </dev/null >/dev/null 2>&1 9>&- \
      || die_with_log "sshd did not start" "$dir/sshd.log"
  fi
  wait_ready sshd 15 "$dir/sshd.log" "" tcp_open "$LAB_SSH_PORT"
}

registry_answers() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://$LAB_REGISTRY/v2/")" = 401 ]
}

up_registry() {
  local dir=$LAB/registry
  install -d -m 0700 "$dir" "$dir/data"
  if ! htpasswd -vb "$dir/htpasswd" "$LAB_REGISTRY_USER" "$LAB_REGISTRY_PASSWORD" >/dev/null 2>&1; then
    # distribution only accepts bcrypt entries.
    htpasswd -Bbn "$LAB_REGISTRY_USER" "$LAB_REGISTRY_PASSWORD" >"$dir/htpasswd"
  fi
  local changed=0
  write_if_changed "$dir/config.yml" <<CONF && changed=1
# bot-deploy lab registry (lab/up.sh writes this file)
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: $LAB_REGISTRY
  secret: bot-deploy-lab
auth:
  htpasswd:
    realm: bot-deploy-lab
    path: $dir/htpasswd
CONF
  if pid_alive "$dir/registry.pid"; then
    [ "$changed" = 1 ] || { wait_ready registry 15 "$dir/registry.log" "$dir/registry.pid" registry_answers; return 0; }
    stop_pidfile registry "$dir/registry.pid"
  fi
  require_port_free "${LAB_REGISTRY#*:}" registry
  say "starting docker-registry on $LAB_REGISTRY"
  start_detached "$dir/registry.pid" "$dir/registry.log" /usr/bin/docker-registry serve "$dir/config.yml"
  wait_ready registry 15 "$dir/registry.log" "$dir/registry.pid" registry_answers
}

nginx_answers() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://$LAB_HOST:$LAB_NGINX_PORT/lab-nginx")" = 200 ]
}

up_nginx() {
  local dir=$LAB/nginx
  install -d -m 0755 "$dir" "$dir/sites"
  # The suite writes one upstream file per app as deploy, like on a droplet.
  install -d -m 0755 -o "$LAB_USER" -g "$LAB_USER" "$dir/upstreams"
  install -d -m 0700 -o www-data -g www-data "$dir/tmp"
  local changed=0
  write_if_changed "$LAB_NGINX_CONF" <<CONF && changed=1
# bot-deploy lab nginx (lab/up.sh writes this file)
user www-data;
worker_processes 2;
worker_rlimit_nofile 8192;
pid $dir/nginx.pid;
error_log $dir/error.log warn;

events {
  worker_connections 4096;
}

http {
  include /etc/nginx/mime.types;
  access_log $dir/access.log;
  client_body_temp_path $dir/tmp/client_body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;

  include $dir/upstreams/*.conf;
  include $dir/sites/*.conf;

  # Defined after the sites so that a site listening on $LAB_HOST:$LAB_NGINX_PORT is the default
  # server there; this one only proves nginx is up when no site exists.
  server {
    listen $LAB_HOST:$LAB_NGINX_PORT;
    server_name lab-nginx;
    location = /lab-nginx { return 200 "lab nginx\n"; }
    location / { return 404; }
  }
}
CONF
  chmod 0644 "$LAB_NGINX_CONF"
  nginx -q -t -c "$LAB_NGINX_CONF" 2>"$dir/check.log" || die_with_log "nginx rejects $LAB_NGINX_CONF" "$dir/check.log"

  if pid_alive "$dir/nginx.pid"; then
    [ "$changed" = 1 ] && nginx -s reload -c "$LAB_NGINX_CONF"
  else
    require_port_free "$LAB_NGINX_PORT" nginx
    say "starting nginx on $LAB_HOST:$LAB_NGINX_PORT"
    # -e: before reading the config nginx would log to /var/log/nginx.
    setsid nginx -e "$dir/error.log" -c "$LAB_NGINX_CONF" </dev/null >/dev/null 2>&1 9>&- \
      || die_with_log "nginx did not start" "$dir/error.log"
  fi
  wait_ready nginx 15 "$dir/error.log" "$dir/nginx.pid" nginx_answers
}

pg_answers() {
  "$LAB_PG_BIN/pg_isready" -q -h "$LAB_HOST" -p "$LAB_PG_PORT"
}

up_postgres() {
  local dir=$LAB/pg
  install -d -m 0700 -o postgres -g postgres "$dir" "$dir/run"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    say "creating the PostgreSQL cluster in $dir/data"
    rm -rf "$dir/data"
    local pwfile=$dir/pwfile
    printf '%s\n' "$LAB_PG_PASSWORD" >"$pwfile"
    chown postgres:postgres "$pwfile"
    chmod 0600 "$pwfile"
    runuser -u postgres -- "$LAB_PG_BIN/initdb" -D "$dir/data" -U postgres --pwfile="$pwfile" \
      --auth-local=peer --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { rm -f "$pwfile"; die_with_log "initdb failed" "$dir/initdb.log"; }
    rm -f "$pwfile"
  fi
  if ! pid_alive "$dir/data/postmaster.pid"; then
    require_port_free "$LAB_PG_PORT" postgres
    say "starting PostgreSQL on $LAB_HOST:$LAB_PG_PORT"
    # Settings go on the command line rather than into postgresql.conf so a moved checkout still
    # gets the right socket directory.
    runuser -u postgres -- setsid "$LAB_PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
      -o "-c listen_addresses=$LAB_HOST -c port=$LAB_PG_PORT -c unix_socket_directories=$dir/run" \
      start </dev/null >/dev/null 2>&1 9>&- || die_with_log "PostgreSQL did not start" "$dir/postgres.log"
  fi
  wait_ready postgres 30 "$dir/postgres.log" "$dir/data/postmaster.pid" pg_answers
}

s3_answers() {
  curl -fs -o /dev/null "http://$LAB_HOST:$LAB_S3_PORT/"
}

# moto takes seconds to import: it starts first and is waited for last.
start_s3() {
  pid_alive "$LAB/moto.pid" && return 0
  require_port_free "$LAB_S3_PORT" "moto S3"
  say "starting moto S3 on $LAB_HOST:$LAB_S3_PORT"
  # Debian's python: moto is installed for it, not for whatever python3 comes first on PATH.
  start_detached "$LAB/moto.pid" "$LAB/moto.log" /usr/bin/python3 -m moto.server -H "$LAB_HOST" -p "$LAB_S3_PORT"
}

started=$SECONDS
open_path_to_lab
start_s3
up_keys
up_deploy_user
up_deploy_v1_user
up_dockerd
up_sshd
up_registry
up_nginx
up_postgres
wait_ready "moto S3" 60 "$LAB/moto.log" "$LAB/moto.pid" s3_answers
bash "$here/images/build.sh"
say "up in $((SECONDS - started))s: ssh deploy@$LAB_HOST:$LAB_SSH_PORT (and $LAB_USER_V1: compose v1), registry $LAB_REGISTRY, nginx :$LAB_NGINX_PORT, postgres :$LAB_PG_PORT, s3 :$LAB_S3_PORT"
