#!/usr/bin/env bash
# Runs every benchmark against the local lab and prints their tables (see README, "Benchmarks").
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/node24/bin:$PATH"
bash lab/up.sh
# The latency benchmark drives the compiled gate in lib/.
node node_modules/typescript/bin/tsc -p tsconfig.build.json
node bench/cold-start.mjs
node bench/deploy-ssh-cost.mjs
node bench/health-gate-latency.mjs
node bench/blue-green-webhook.mjs
node bench/blue-green-polling.mjs
# Generates a 1 GiB database (BENCH_PG_GB) and streams it several ways: takes several minutes.
node bench/pg-backup.mjs
