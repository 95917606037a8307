#!/usr/bin/env bash
# cargo-lambda and zig (for cross-compiling to Lambda's arm64), from PyPI into the project's .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
if [ ! -x .venv/bin/cargo-lambda ]; then
  echo "installing cargo-lambda and ziglang into .venv"
  .venv/bin/pip install --quiet 'cargo-lambda>=1.9,<2' 'ziglang>=0.13'
fi
