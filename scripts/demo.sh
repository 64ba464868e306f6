#!/usr/bin/env bash
# The main job: on a fresh Debian/Ubuntu machine (as root), set everything up, bring the droplet lab
# up, and deploy the sample webhook bot into it with the suite's own dist bundles, run exactly as the
# GitHub runner runs them (INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files).
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

echo; echo "=== what is on the host now"
ls -l "$app_dir" "$app_dir/releases"
echo "--- state.json:"; cat "$app_dir/state.json"
echo "--- deploys.log:"; cat "$app_dir/deploys.log"
echo "--- containers:"; docker ps --filter "label=dev.bot-deploy.app=$app" --format '{{.Names}}  {{.Image}}  {{.Status}}  version={{.Label "dev.bot-deploy.version"}}'
echo "--- GET http://127.0.0.1:$port/health:"; curl -s "http://127.0.0.1:$port/health"; echo
echo "--- job summary (markdown) of the last step:"; cat "$work/summary"
