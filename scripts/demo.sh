#!/usr/bin/env bash
# The main job: on a fresh Debian/Ubuntu machine (as root), set everything up, bring the droplet lab
# up, and take the sample webhook bot through the whole production pipeline with the root action
# (backup, stage, blue-green switch behind nginx, soak, rollback), then restore its database from
# the backups it took. The suite's own dist bundles run exactly as the GitHub runner runs them
# (INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bash scripts/setup-machine.sh >/dev/null
export PATH="/opt/node24/bin:$PATH"
bash lab/up.sh

lab=$root/.lab
app=demo-bot
app_dir=/srv/bot-deploy-lab/$app
site_port=18080 blue_port=18081 green_port=18082
upstream_file=$lab/nginx/upstreams/$app.conf
work=$(mktemp -d)
known_hosts="[127.0.0.1]:2222 $(cut -d' ' -f1,2 "$lab/sshd/ssh_host_ed25519_key.pub")"

# Runs one bundle like the runner: inputs as INPUT_<NAME> (dashes kept, so via env(1));
# inputs left out take their defaults inside the bundle.
# The runner hides ::add-mask:: and ::debug:: commands and renders groups, errors and warnings.
as_runner_shows() {
  sed -u -e '/^::add-mask::/d' -e '/^::debug::/d' -e '/^::endgroup::/d' -e '/^::stop-commands::/d' -e '/^::[0-9a-f]\{32\}::$/d' \
    -e 's/^::group::/  > /' -e 's/^::error::/Error: /' -e 's/^::warning::/Warning: /'
}

run_action() {
  local bundle=$1 status=0; shift
  : > "$work/output"; : > "$work/summary"; : > "$work/state"; : > "$work/env"
  env GITHUB_OUTPUT="$work/output" GITHUB_STEP_SUMMARY="$work/summary" GITHUB_STATE="$work/state" GITHUB_ENV="$work/env" GITHUB_ACTIONS=true \
    GITHUB_ACTOR="$(id -un)" GITHUB_REPOSITORY=acme/demo-bot GITHUB_RUN_ID="$RANDOM" \
    GITHUB_SHA="$(git rev-parse HEAD 2>/dev/null || echo 0000000)" GITHUB_WORKSPACE="$root" \
    INPUT_HOST=127.0.0.1 INPUT_PORT=2222 INPUT_USER=deploy \
    "INPUT_PRIVATE-KEY=$(cat "$lab/keys/id_ed25519")" "INPUT_KNOWN-HOSTS=$known_hosts" \
    "$@" node "dist/$bundle/index.js" 2>&1 | as_runner_shows || status=$?
  echo "--- outputs of $bundle (exit code $status):"; grep -v '^ghadelimiter' "$work/output" | sed 's/<<.*$/ =/' | paste -sd' ' | sed 's/ = /=/g'
  return "$status"
}

# Each run starts from an empty droplet: what an earlier demo left goes first.
docker ps -aq --filter "label=dev.bot-deploy.app=$app" | xargs -r docker rm -f >/dev/null
rm -rf "$app_dir" "$upstream_file"

# The bot's stack on the droplet: PostgreSQL as compose service db of project demo-bot (the
# stateful services the colors share), and the nginx site in front, set up once by the team.
echo "=== the droplet: the bot's database, and an nginx site that proxies to the upstream the suite owns"
db_dir=$work/db; mkdir -p "$db_dir"
cat > "$db_dir/compose.yml" <<YML
services:
  db:
    image: 127.0.0.1:5000/sample/postgres:15
    environment: { POSTGRES_USER: bot, POSTGRES_PASSWORD: demo-db-secret, POSTGRES_DB: bot }
    labels: { dev.bot-deploy.app: $app, dev.bot-deploy.lab: "true" }
YML
docker compose -p "$app" -f "$db_dir/compose.yml" up -d --quiet-pull 2>/dev/null
db_sql() { docker exec -i "$(docker ps -q --filter label=com.docker.compose.project=$app --filter label=com.docker.compose.service=db)" psql -X -q -At -U bot -d bot "$@"; }
for _ in $(seq 60); do db_sql -c 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.5; done
db_sql -c "SET client_min_messages = warning; DROP TABLE IF EXISTS chats; CREATE TABLE chats (id bigint PRIMARY KEY, title text); INSERT INTO chats SELECT g, 'chat ' || g FROM generate_series(1, 5000) g;"
curl -fs -X PUT http://127.0.0.1:9000/demo-backups >/dev/null || true
[ -s "$upstream_file" ] || echo "upstream $app { server 127.0.0.1:$blue_port; }" > "$upstream_file"
chown deploy "$upstream_file"
echo "server { listen 127.0.0.1:$site_port; location / { proxy_pass http://$app; } }" > "$lab/nginx/sites/$app.conf"
nginx -s reload -c "$lab/nginx/nginx.conf"

# The root action: the whole production pipeline in one step (what cd-production does in a job):
# back the database up, stage the release, switch colors behind nginx, soak, roll back on failure.
release() {
  run_action bot-deploy INPUT_APP=$app "INPUT_APP-DIR=$app_dir" INPUT_SERVICE=bot \
    INPUT_IMAGE=127.0.0.1:5000/sample/webhook-bot "INPUT_COMPOSE-FILE=lab/samples/webhook-bot/compose.yml" \
    "INPUT_ENV=BOT_TOKEN=123456:demo-secret-token" INPUT_REGISTRY=127.0.0.1:5000 INPUT_REGISTRY-USERNAME=ci "INPUT_REGISTRY-PASSWORD=lab-registry-secret" \
    "INPUT_BLUE-PORT=$blue_port" "INPUT_GREEN-PORT=$green_port" "INPUT_NGINX-UPSTREAM-FILE=$upstream_file" \
    "INPUT_NGINX-TEST-COMMAND=sudo -n /usr/sbin/nginx -t -c $lab/nginx/nginx.conf" \
    "INPUT_NGINX-RELOAD-COMMAND=sudo -n /usr/sbin/nginx -s reload -c $lab/nginx/nginx.conf" \
    "INPUT_NGINX-CHECK-URL=http://127.0.0.1:$site_port/health" \
    INPUT_INTERVAL=500ms INPUT_SUCCESS-THRESHOLD=2 INPUT_DEADLINE=20s INPUT_DRAIN-TIMEOUT=2s INPUT_SOAK=3s \
    INPUT_DATABASE=bot INPUT_DB-USER=bot "INPUT_SPACES-ENDPOINT=http://127.0.0.1:9000" INPUT_SPACES-BUCKET=demo-backups \
    INPUT_SPACES-PREFIX=demo INPUT_SPACES-ACCESS-KEY-ID=lab "INPUT_SPACES-SECRET-ACCESS-KEY=lab-s3-secret" INPUT_BACKUP-KEEP=last=5 \
    "$@"
}
serving() { curl -s "http://127.0.0.1:$site_port/health"; echo; }

# The story a bot repo's pipeline tells: v1, then v2, then a release that never becomes healthy
# (the switch's gate stops it before it gets traffic and v2 keeps serving), then a manual rollback
# to v1. Any other outcome fails the demo.
echo; echo "=== bot-deploy (root action): deploy v1"
release INPUT_VERSION=v1
echo "--- through nginx: $(serving)"
echo; echo "=== bot-deploy: deploy v2"
release INPUT_VERSION=v2
echo "--- through nginx: $(serving)"
echo; echo "=== bot-deploy: deploy a broken release"
if release INPUT_VERSION=broken; then
  echo "demo: a broken release was deployed" >&2; exit 1
fi
grep -q '^status<<' "$work/output" && grep -A1 '^status<<' "$work/output" | grep -qx rolled-back || { echo "demo: the broken release was not rolled back" >&2; exit 1; }
echo "--- through nginx: $(serving)"
echo; echo "=== bot-deploy: roll back to v1 on request"
release INPUT_ROLLBACK=true INPUT_VERSION=v1
echo "--- through nginx: $(serving)"

# A backup nobody has restored is not a backup: the ones taken before each deploy, then a restore.
backup() {
  run_action pg-backup-to-spaces INPUT_APP=$app "INPUT_APP-DIR=$app_dir" INPUT_DATABASE=bot INPUT_DB-USER=bot \
    "INPUT_SPACES-ENDPOINT=http://127.0.0.1:9000" INPUT_SPACES-BUCKET=demo-backups INPUT_SPACES-PREFIX=demo \
    INPUT_SPACES-ACCESS-KEY-ID=lab "INPUT_SPACES-SECRET-ACCESS-KEY=lab-s3-secret" "$@"
}
echo; echo "=== an accident: most chats deleted ($(db_sql -c 'SELECT count(*) FROM chats') before)"
db_sql -c 'DELETE FROM chats WHERE id > 10'
echo; echo "=== pg-backup-to-spaces: list the backups taken before each deploy, then restore the newest"
backup INPUT_MODE=list
backup INPUT_MODE=restore INPUT_CONFIRM=bot
echo "--- chats after the restore: $(db_sql -c 'SELECT count(*) FROM chats')"

echo; echo "=== what is on the host now"
ls -l "$app_dir" "$app_dir/releases"
echo "--- state.json:"; cat "$app_dir/state.json"
echo "--- deploys.log:"; cat "$app_dir/deploys.log"
echo "--- containers:"; docker ps --filter "label=dev.bot-deploy.app=$app" --format '{{.Names}}  {{.Image}}  {{.Status}}  version={{.Label "dev.bot-deploy.version"}}'
echo "--- GET http://127.0.0.1:$site_port/health (through nginx):"; serving
echo "--- job summary (markdown) of the last step:"; cat "$work/summary"
