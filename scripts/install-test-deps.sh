#!/usr/bin/env bash
# Installs what the test suites start for real: redis-server (Debian package) and the moto server
# (a DynamoDB-compatible endpoint, in a project-local virtualenv at .venv/), and the official
# clients the suites judge Switchyard with (in .venv/ and node_modules/). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

# apt waits up to 10 minutes for another apt (a new cloud machine's first-boot upgrades) instead of
# failing at once.
apt_install() {
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  local apt=($sudo apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
  "${apt[@]}" install -y "$@" >/dev/null 2>&1 || {
    "${apt[@]}" update >/dev/null
    "${apt[@]}" install -y "$@" >/dev/null
  }
}

if ! command -v redis-server >/dev/null 2>&1; then
  echo "installing redis-server (apt)"
  apt_install redis-server
fi

# Debian's Chromium, driven by playwright-core in the sdk-js and dashboard browser tests.
if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium (apt)"
  apt_install chromium
fi

if [ ! -x .venv/bin/moto_server ]; then
  echo "installing moto[server] into .venv"
  python3 -m venv .venv
  .venv/bin/pip install --quiet 'moto[server]>=5,<6'
fi

# aiosmtpd: a real SMTP server on loopback that receives the password reset mail in the tests.
if ! .venv/bin/python -c 'import aiosmtpd' 2>/dev/null; then
  echo "installing aiosmtpd into .venv"
  .venv/bin/pip install --quiet 'aiosmtpd>=1.4,<2'
fi

# pyotp: the reference TOTP implementation the two-factor tests take their codes from.
if ! .venv/bin/python -c 'import pyotp' 2>/dev/null; then
  echo "installing pyotp into .venv"
  .venv/bin/pip install --quiet 'pyotp>=2.9,<3'
fi

# The official Standard Webhooks verifier, which judges every webhook signature in the tests.
if ! .venv/bin/python -c 'import standardwebhooks' 2>/dev/null; then
  echo "installing standardwebhooks into .venv"
  .venv/bin/pip install --quiet 'standardwebhooks>=1,<2'
fi

# The official Python MCP SDK, whose clients (stdio and streamable HTTP) judge Switchyard's MCP
# server in realtime/tests/mcp_clients.rs.
if ! .venv/bin/python -c 'import mcp.client.streamable_http' 2>/dev/null; then
  echo "installing the MCP Python SDK (mcp) into .venv"
  .venv/bin/pip install --quiet 'mcp>=2,<3'
fi

# OpenFeature's flagd-core (the JavaScript in-process flagd engine), which evaluates exported
# flagd documents in core's differential test (core/tests/flagd_core.rs).
if [ ! -d core/tests/flagd-core/node_modules/@openfeature/flagd-core ]; then
  echo "installing OpenFeature's flagd-core (npm)"
  (cd core/tests/flagd-core && npm ci --no-audit --no-fund --silent)
fi

# PyPI's flagd-core (the Python in-process flagd engine), the second reference evaluator of core's
# differential test (core/tests/flagd_differential.rs).
if ! .venv/bin/python -c 'import openfeature.contrib.tools.flagd.core' 2>/dev/null; then
  echo "installing OpenFeature's flagd-core into .venv"
  .venv/bin/pip install --quiet 'openfeature-flagd-core==2.0.0'
fi

# The official flagd providers, which judge the flagd gRPC services (realtime/tests/flagd_providers.rs):
# npm's (rpc and in-process modes) and PyPI's (in-process).
if [ ! -d realtime/tests/flagd-providers/node_modules/@openfeature/flagd-provider ]; then
  echo "installing OpenFeature's flagd provider (npm)"
  (cd realtime/tests/flagd-providers && npm ci --no-audit --no-fund --silent)
fi
if ! .venv/bin/python -c 'import openfeature.contrib.provider.flagd' 2>/dev/null; then
  echo "installing OpenFeature's flagd provider into .venv"
  .venv/bin/pip install --quiet 'openfeature-provider-flagd==0.6.1'
fi

# The certified OpenID provider (npm's oidc-provider) the single sign-on tests sign in through
# (functions/tests/api_sso.rs, web/e2e).
if [ ! -d functions/tests/oidc/node_modules/oidc-provider ]; then
  echo "installing the OpenID provider for the SSO tests (npm)"
  (cd functions/tests/oidc && npm ci --no-audit --no-fund --silent)
fi

# The official OpenFeature OFREP clients, for the realtime server's compatibility test.
if [ ! -d realtime/tests/openfeature/node_modules/@openfeature/web-sdk ]; then
  echo "installing the OpenFeature clients (npm)"
  (cd realtime/tests/openfeature && npm ci --no-audit --no-fund --silent)
fi
