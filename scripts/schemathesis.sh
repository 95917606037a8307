#!/usr/bin/env bash
# schemathesis (PyPI) against the dashboard API's own OpenAPI document on a real `switchyard serve`,
# signed in as an organization owner, with every path parameter pointing at a real resource:
# scripts/schemathesis_seed.py creates an organization, project, environments, flag, segment, SDK
# key, API token, members and an invitation, and writes the config that names them;
# scripts/schemathesis_hooks.py keeps versioned writes current and records the status codes.
# Checks: no 5xx; statuses, content types and bodies as documented; schema-invalid data refused
# and schema-valid data accepted. Prints how many operations reached a 2xx; fails on any check
# failure.
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
# Password reset mail goes to a real SMTP server (aiosmtpd) that keeps it in a Maildir.
smtp_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
.venv/bin/python -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$data/mail" >/dev/null 2>&1 &
smtp_pid=$!
# Every generated signup, login and reset comes from 127.0.0.1.
SWITCHYARD_SIGNUPS_PER_ADDRESS=1000000 SWITCHYARD_LOGIN_FAILURES_PER_ADDRESS=1000000 \
  "$bin" serve --addr "127.0.0.1:$port" --data-dir "$data" --web-dir "$data/none" \
  --smtp-url "smtp://127.0.0.1:$smtp_port" >"$data/serve.log" 2>&1 &
pid=$!
trap 'kill $pid $smtp_pid 2>/dev/null; wait $pid $smtp_pid 2>/dev/null || true; rm -rf "$data"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
token=$(SWITCHYARD_SEED_MAILDIR="$data/mail" .venv/bin/python scripts/schemathesis_seed.py "$base" "$data/schemathesis.toml")

# Logout and password change would end the session the run signs its requests with.
# Not checked: unsupported_method (the API answers an undeclared method with 404, not 405).
# Not run: the stateful phase (its requests skip the hooks that keep versions current, and the
# path parameters already point at real resources).
status=0
SWITCHYARD_FUZZ_BASE=$base SWITCHYARD_FUZZ_TOKEN=$token SWITCHYARD_FUZZ_STATS="$data/stats.json" \
  PYTHONPATH=scripts SCHEMATHESIS_HOOKS=schemathesis_hooks \
  .venv/bin/schemathesis --config-file "$data/schemathesis.toml" run "$base/api/openapi.json" \
  --checks all --exclude-checks unsupported_method \
  --phases examples,coverage,fuzzing \
  --exclude-path /api/v1/auth/logout --exclude-path /api/v1/auth/password \
  --header "Authorization: Bearer $token" \
  --max-examples "$examples" \
  --seed 1 \
  --no-color || status=$?

# Which operations answered a 2xx at least once.
curl -sf "$base/api/openapi.json" >"$data/openapi.json"
.venv/bin/python - "$data/openapi.json" "$data/stats.json" <<'PY' || status=1
import json, sys
doc, seen = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
skipped = {"POST /api/v1/auth/logout", "POST /api/v1/auth/password"}
ops = [f"{m.upper()} {p}" for p, item in doc["paths"].items() for m in item
       if m in ("get", "put", "post", "patch", "delete")]
tested = [o for o in ops if o not in skipped]
ok = [o for o in tested if any(200 <= s < 300 for s in seen.get(o, []))]
errors = sorted(o for o in tested if any(s >= 500 for s in seen.get(o, [])))
print(f"\noperations with a 2xx response: {len(ok)}/{len(tested)} "
      f"({len(ops)} in the document; not run: {', '.join(sorted(skipped))})")
for o in tested:
    if o not in ok:
        print(f"  no 2xx: {o} (saw {seen.get(o, [])})")
for o in errors:
    print(f"  5xx: {o}")
sys.exit(1 if errors else 0)
PY
exit $status
