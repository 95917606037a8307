#!/usr/bin/env bash
# The Python tools of the infrastructure checks (make test-infra), pinned in infra/requirements*.txt:
# pytest and python-hcl2 into the project's .venv, checkov into its own .venv/checkov (its
# bc-python-hcl2 also installs a module named `hcl2`). Idempotent: reinstalls only when a pin changes.
set -euo pipefail
cd "$(dirname "$0")/.."

# pip install -r, once per content of the requirements file (a stamp beside the virtualenv).
install() {
  local venv=$1 reqs=$2 stamp
  stamp="$venv/.$(basename "$reqs").sha256"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  if [ -f "$stamp" ] && sha256sum --check --status "$stamp" 2>/dev/null; then
    return
  fi
  echo "installing $reqs into $venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$reqs"
  sha256sum "$reqs" > "$stamp"
}

[ -x .venv/bin/python ] || python3 -m venv .venv
install .venv infra/requirements.txt
install .venv/checkov infra/requirements-checkov.txt
