#!/usr/bin/env bash
# Installs what the test suites start for real: redis-server (Debian package) and the moto server
# (a DynamoDB-compatible endpoint, in a project-local virtualenv at .venv/). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null 2>&1; then
  echo "installing redis-server (apt)"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get install -y redis-server >/dev/null 2>&1 || {
    $sudo apt-get update >/dev/null
    $sudo apt-get install -y redis-server >/dev/null
  }
fi

# Debian's Chromium, driven by playwright-core in the sdk-js and dashboard browser tests.
if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium (apt)"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get install -y chromium >/dev/null 2>&1 || {
    $sudo apt-get update >/dev/null
    $sudo apt-get install -y chromium >/dev/null
  }
fi

if [ ! -x .venv/bin/moto_server ]; then
  echo "installing moto[server] into .venv"
  python3 -m venv .venv
  .venv/bin/pip install --quiet 'moto[server]>=5,<6'
fi

# The official OpenFeature OFREP clients, for the realtime server's compatibility test.
if [ ! -d realtime/tests/openfeature/node_modules/@openfeature/web-sdk ]; then
  echo "installing the OpenFeature clients (npm)"
  (cd realtime/tests/openfeature && npm ci --no-audit --no-fund --silent)
fi
