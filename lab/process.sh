# Helpers for the lab's background services: start detached, wait for readiness, stop by pid file.
# shellcheck shell=bash

say() { printf '[lab] %s\n' "$*" >&2; }
die() { printf '[lab] ERROR: %s\n' "$*" >&2; exit 1; }

# die, showing the end of a service's log: the reason a service did not start is nearly always there.
die_with_log() {
  local message=$1 log=$2
  printf '[lab] ERROR: %s\n' "$message" >&2
  if [ -f "$log" ]; then
    printf '[lab] last lines of %s:\n' "$log" >&2
    tail -n 30 "$log" | sed 's/^/    /' >&2
  fi
  exit 1
}

# A zombie counts as gone: this machine's PID 1 reaps orphans only every second or two.
pid_running() {
  local pid=$1 stat
  kill -0 "$pid" 2>/dev/null || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat:0:1}" != Z ]
}

pid_alive() {
  local pidfile=$1 pid
  [ -s "$pidfile" ] || return 1
  pid=$(head -n 1 "$pidfile")
  [ -n "$pid" ] && pid_running "$pid"
}

tcp_open() {
  (exec 3<>"/dev/tcp/$LAB_HOST/$1") 2>/dev/null
}

# A port already taken by something this lab did not start (another checkout's lab, a system
# service) would make tests talk to the wrong server with the wrong keys: refuse, naming the owner.
require_port_free() {
  local port=$1 name=$2 owner
  tcp_open "$port" || return 0
  owner=$(ss -Hltnp "sport = :$port" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1)
  if [ -n "$owner" ]; then
    owner="pid $owner ($(tr '\0' ' ' <"/proc/$owner/cmdline" 2>/dev/null | sed 's/ $//'))"
  else
    owner='a process this shell cannot see'
  fi
  die "port $port (lab $name) is taken by $owner. Stop it (lab/down.sh in the checkout that started it) and rerun."
}

# Runs "$@" in its own session with stdio on the log and without the up.lock descriptor, so the
# service outlives this shell and never holds open a pipe of whoever ran up.sh (jest waits on those).
start_detached() {
  local pidfile=$1 log=$2
  shift 2
  setsid "$@" </dev/null >>"$log" 2>&1 9>&- &
  echo "$!" >"$pidfile"
}

# wait_ready NAME SECONDS LOG PIDFILE CHECK...: polls CHECK; fails early when the service died.
wait_ready() {
  local name=$1 timeout=$2 log=$3 pidfile=$4
  shift 4
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [ -n "$pidfile" ] && ! pid_alive "$pidfile"; then
      die_with_log "$name exited while starting" "$log"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      die_with_log "$name was not ready after ${timeout}s" "$log"
    fi
    sleep 0.2
  done
}

# stop_pidfile NAME PIDFILE [SECONDS]: TERM, bounded wait, then KILL.
stop_pidfile() {
  local name=$1 pidfile=$2 timeout=${3:-10} pid
  if ! pid_alive "$pidfile"; then
    rm -f "$pidfile"
    return 0
  fi
  pid=$(head -n 1 "$pidfile")
  kill -TERM "$pid"
  local deadline=$((SECONDS + timeout))
  while pid_running "$pid"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "$name (pid $pid) ignored TERM for ${timeout}s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$pidfile"
  say "stopped $name"
}

# write_if_changed PATH: stdin becomes PATH's content; succeeds only when the content changed,
# so callers reload a service only when its config really changed.
write_if_changed() {
  local path=$1 tmp
  tmp=$(mktemp "$path.XXXXXX")
  cat >"$tmp"
  if [ -f "$path" ] && cmp -s "$tmp" "$path"; then
    rm -f "$tmp"
    return 1
  fi
  mv -f "$tmp" "$path"
}
