#!/usr/bin/env bash
# schemathesis (PyPI) against the dashboard API's own OpenAPI document on a real `switchyard serve`:
# generated requests to every operation, signed in as an organization owner; any 5xx fails.
# Usage: scripts/schemathesis.sh [MAX_EXAMPLES per operation, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-20}
bin=${SWITCHYARD_BIN:-target/release/switchyard}
if [ ! -x .venv/bin/schemathesis ]; then
  echo "installing schemathesis into .venv"
  .venv/bin/pip install --quiet 'schemathesis>=4,<5'
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
data=$(mktemp -d)
"$bin" serve --addr "127.0.0.1:$port" --data-dir "$data" --web-dir "$data/none" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
token=$(curl -sf "$base/api/v1/auth/signup" -H 'Content-Type: application/json' \
  -d '{"email":"fuzz@example.com","password":"correct horse battery","name":"Fuzz","organization":"Fuzz"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
# Logout and password change would end the session the run signs its requests with.
.venv/bin/schemathesis run "$base/api/openapi.json" \
  --checks not_a_server_error \
  --exclude-path /api/v1/auth/logout --exclude-path /api/v1/auth/password \
  --header "Authorization: Bearer $token" \
  --max-examples "$examples" \
  --seed 1 \
  --no-color
