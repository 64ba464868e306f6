#!/usr/bin/env bash
# The main job: on a fresh Debian/Ubuntu machine (as root), set everything up, bring the droplet lab
# up, and deploy the sample webhook bot into it with the suite's own dist bundles, run exactly as the
# GitHub runner runs them (INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files); then
# back its database up to the lab's S3 store and restore it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bash scripts/setup-machine.sh >/dev/null
export PATH="/opt/node24/bin:$PATH"
bash lab/up.sh

lab=$root/.lab
app=demo-bot
app_dir=/srv/bot-deploy-lab/$app
port=18080
work=$(mktemp -d)
known_hosts="[127.0.0.1]:2222 $(cut -d' ' -f1,2 "$lab/sshd/ssh_host_ed25519_key.pub")"

# Runs one action's bundle like the runner: inputs as INPUT_<NAME> (dashes kept, so via env(1));
# inputs left out take their defaults inside the bundle.
# The runner hides ::add-mask:: and ::debug:: commands and renders groups, errors and warnings.
as_runner_shows() {
  sed -u -e '/^::add-mask::/d' -e '/^::debug::/d' -e '/^::endgroup::/d' \
    -e 's/^::group::/  > /' -e 's/^::error::/Error: /' -e 's/^::warning::/Warning: /'
}

run_action() {
  local action=$1 status=0; shift
  : > "$work/output"; : > "$work/summary"; : > "$work/state"; : > "$work/env"
  env GITHUB_OUTPUT="$work/output" GITHUB_STEP_SUMMARY="$work/summary" GITHUB_STATE="$work/state" GITHUB_ENV="$work/env" GITHUB_ACTIONS=true \
    GITHUB_ACTOR="$(id -un)" GITHUB_REPOSITORY=acme/demo-bot GITHUB_RUN_ID="$RANDOM" \
    GITHUB_SHA="$(git rev-parse HEAD 2>/dev/null || echo 0000000)" GITHUB_WORKSPACE="$root" \
    INPUT_HOST=127.0.0.1 INPUT_PORT=2222 INPUT_USER=deploy \
    "INPUT_PRIVATE-KEY=$(cat "$lab/keys/id_ed25519")" "INPUT_KNOWN-HOSTS=$known_hosts" \
    "$@" node "dist/$action/index.js" 2>&1 | as_runner_shows || status=$?
  echo "--- outputs of $action (exit code $status):"; grep -v '^ghadelimiter' "$work/output" | sed 's/<<.*$/ =/' | paste -sd' ' | sed 's/ = /=/g'
  return "$status"
}

deploy() {
  echo; echo "=== ssh-deploy $1"
  run_action ssh-deploy INPUT_APP=$app "INPUT_APP-DIR=$app_dir" "INPUT_VERSION=$1" "${@:2}" \
    INPUT_IMAGE=127.0.0.1:5000/sample/webhook-bot "INPUT_COMPOSE-FILE=lab/samples/webhook-bot/compose.yml" \
    "INPUT_ENV=BOT_TOKEN=123456:demo-secret-token
HOST_PORT=$port" INPUT_REGISTRY=127.0.0.1:5000 INPUT_REGISTRY-USERNAME=ci "INPUT_REGISTRY-PASSWORD=lab-registry-secret"
}

gate() {
  echo; echo "=== health-gate $1 (via SSH, from the host's loopback)"
  run_action health-gate "INPUT_URL=http://127.0.0.1:$port/health" INPUT_VIA-SSH=true \
    "INPUT_EXPECT-JSON=status == healthy
version == $1" INPUT_SUCCESS-THRESHOLD=2 INPUT_INTERVAL=500ms "INPUT_DEADLINE=${2:-60s}"
}

# The story a bot repo's pipeline tells: v1, then v2, then a release that never becomes healthy,
# which the gate fails and the pipeline rolls back. Any other outcome fails the demo.
deploy v1
gate v1
deploy v2
gate v2
deploy broken
if gate broken 5s; then
  echo "demo: the gate passed a broken release" >&2; exit 1
fi
echo; echo "=== the gate failed: rolling back"
run_action ssh-deploy INPUT_APP=$app "INPUT_APP-DIR=$app_dir" INPUT_ROLLBACK=true
gate v2

# The bot's database, backed up before a release as cd-production does, then restored: a backup
# nobody has restored is not a backup. PostgreSQL runs as the `db` service of its own compose project.
echo; echo "=== the bot's database: PostgreSQL as compose service db (project $app-db)"
db_dir=$work/db; mkdir -p "$db_dir"
cat > "$db_dir/compose.yml" <<YML
services:
  db:
    image: 127.0.0.1:5000/sample/postgres:15
    environment: { POSTGRES_USER: bot, POSTGRES_PASSWORD: demo-db-secret, POSTGRES_DB: bot }
    labels: { dev.bot-deploy.app: $app, dev.bot-deploy.lab: "true" }
YML
docker compose -p "$app-db" -f "$db_dir/compose.yml" up -d --quiet-pull 2>/dev/null
db_sql() { docker exec -i "$(docker ps -q --filter label=com.docker.compose.project=$app-db)" psql -X -q -At -U bot -d bot "$@"; }
for _ in $(seq 60); do db_sql -c 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.5; done
db_sql -c "SET client_min_messages = warning; DROP TABLE IF EXISTS chats; CREATE TABLE chats (id bigint PRIMARY KEY, title text); INSERT INTO chats SELECT g, 'chat ' || g FROM generate_series(1, 5000) g;"
curl -fs -X PUT http://127.0.0.1:9000/demo-backups >/dev/null || true
backup() {
  run_action pg-backup-to-spaces INPUT_APP=$app "INPUT_APP-DIR=$app_dir" "INPUT_COMPOSE-PROJECT=$app-db" INPUT_DATABASE=bot INPUT_DB-USER=bot \
    "INPUT_SPACES-ENDPOINT=http://127.0.0.1:9000" INPUT_SPACES-BUCKET=demo-backups INPUT_SPACES-PREFIX=demo \
    INPUT_SPACES-ACCESS-KEY-ID=lab "INPUT_SPACES-SECRET-ACCESS-KEY=lab-s3-secret" "$@"
}
echo; echo "=== pg-backup-to-spaces: back up v2's database, proven by a restore into a scratch database"
backup INPUT_VERSION=v2 INPUT_VERIFY=restore INPUT_KEEP=last=3
echo; echo "=== an accident: most chats deleted ($(db_sql -c 'SELECT count(*) FROM chats') before)"
db_sql -c 'DELETE FROM chats WHERE id > 10'
echo; echo "=== pg-backup-to-spaces: list, then restore the newest backup"
backup INPUT_MODE=list
backup INPUT_MODE=restore INPUT_CONFIRM=bot
echo "--- chats after the restore: $(db_sql -c 'SELECT count(*) FROM chats')"

echo; echo "=== what is on the host now"
ls -l "$app_dir" "$app_dir/releases"
echo "--- state.json:"; cat "$app_dir/state.json"
echo "--- deploys.log:"; cat "$app_dir/deploys.log"
echo "--- containers:"; docker ps --filter "label=dev.bot-deploy.app=$app" --format '{{.Names}}  {{.Image}}  {{.Status}}  version={{.Label "dev.bot-deploy.version"}}'
echo "--- GET http://127.0.0.1:$port/health:"; curl -s "http://127.0.0.1:$port/health"; echo
echo "--- job summary (markdown) of the last step:"; cat "$work/summary"
