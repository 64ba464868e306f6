#!/usr/bin/env bash
# The baseline a typical hand-written deploy script uses: the same steps as ssh-deploy's recreate
# deploy, one `ssh`/`scp` call (so one connection) per step. Used by deploy-ssh-cost.mjs.
# Usage: baseline-deploy.sh <app> <app-dir> <version> <host-port>
set -euo pipefail
app=$1 app_dir=$2 version=$3 port=$4
root=$(cd "$(dirname "$0")/.." && pwd)
lab=$root/.lab
kh=$(mktemp)
echo "[127.0.0.1]:2222 $(cut -d' ' -f1,2 "$lab/sshd/ssh_host_ed25519_key.pub")" > "$kh"
opts=(-i "$lab/keys/id_ecdsa" -o "UserKnownHostsFile=$kh" -o StrictHostKeyChecking=yes -o BatchMode=yes)
on_host() { ssh "${opts[@]}" -p 2222 deploy@127.0.0.1 "$@"; }
rel=$app_dir/releases/$version
image=127.0.0.1:5000/sample/webhook-bot
env_file=$(mktemp)
printf 'BOT_TOKEN=123456:bench\nHOST_PORT=%s\nAPP=%s\nVERSION=%s\nIMAGE=%s:%s\n' "$port" "$app" "$version" "$image" "$version" > "$env_file"
compose="docker compose -p $app --project-directory $rel -f $rel/compose.yml --env-file $rel/.env"

on_host "mkdir -p $rel"
scp -q "${opts[@]}" -P 2222 "$root/lab/samples/webhook-bot/compose.yml" "deploy@127.0.0.1:$rel/compose.yml"
scp -q "${opts[@]}" -P 2222 "$env_file" "deploy@127.0.0.1:$rel/.env"
on_host "docker login -u ci --password-stdin 127.0.0.1:5000" <<< "lab-registry-secret" >/dev/null 2>&1
on_host "$compose pull -q"
on_host "$compose up -d --remove-orphans" 2>/dev/null
on_host "ln -sfn releases/$version $app_dir/current"
on_host "echo '{\"version\":\"$version\",\"result\":\"success\"}' >> $app_dir/deploys.log"
rm -f "$kh" "$env_file"
