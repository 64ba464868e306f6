#!/bin/sh
# The lab postgres image's entrypoint, after the official image's: on first start (no PG_VERSION in
# PGDATA) it creates the cluster with POSTGRES_USER (default postgres) as superuser, password
# POSTGRES_PASSWORD, and the database POSTGRES_DB (default: the user's name). Connections over
# the network need the password (scram-sha-256); the local socket trusts, as in the official image.
set -eu

if [ "${1:-}" != postgres ]; then
  exec "$@"
fi
shift

user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}
host_auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$host_auth" != trust ]; then
    echo "Database is uninitialized and POSTGRES_PASSWORD is not set: set it (or POSTGRES_HOST_AUTH_METHOD=trust)." >&2
    exit 1
  fi
  # The password reaches initdb through a private file, never a command line.
  pwfile=$(mktemp)
  printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$pwfile"
  initdb --pgdata="$PGDATA" --username="$user" --pwfile="$pwfile" --auth-local=trust --auth-host="$host_auth" >/dev/null
  rm -f "$pwfile"
  printf "\nlisten_addresses = '*'\n" >>"$PGDATA/postgresql.conf"
  printf '\nhost all all all %s\n' "$host_auth" >>"$PGDATA/pg_hba.conf"
  if [ "$db" != postgres ]; then
    pg_ctl --pgdata="$PGDATA" --options="-c listen_addresses=''" --wait --silent start
    psql --quiet -v ON_ERROR_STOP=1 --username="$user" --dbname=postgres --set=db="$db" <<'SQL'
CREATE DATABASE :"db";
SQL
    pg_ctl --pgdata="$PGDATA" --mode=fast --wait --silent stop
  fi
  echo "PostgreSQL init process complete; ready for start up."
fi

# docker stop sends TERM, which postgres takes as a "smart" shutdown that waits for every client
# to leave; the official image asks for INT (fast shutdown) with STOPSIGNAL, which docker import
# cannot set. So this shell stays PID 1 and passes TERM on as INT.
postgres "$@" &
pid=$!
trap 'kill -INT "$pid"' TERM INT
while :; do
  status=0
  wait "$pid" || status=$?
  # wait also returns when a trapped signal arrives; then postgres is still shutting down.
  kill -0 "$pid" 2>/dev/null || break
done
exit "$status"
