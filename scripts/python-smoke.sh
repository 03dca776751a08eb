#!/usr/bin/env bash
# Smoke test of the Python package: install the wheel built by `npx projen package:python`
# (dist/python/*.whl) into a fresh virtualenv, where pip resolves aws-cdk-lib from PyPI to the newest
# version the wheel admits (the wheel requires the peer floor of package.json, or newer), then synthesize
# stacks with it (scripts/python_smoke.py) and check the templates.
#
# Run from the repository root:  scripts/python-smoke.sh
# Environment: PYTHON (default python3) - interpreter used to create the virtualenv.
set -euo pipefail

start_ns=$(date +%s%N)
tmp=""

finish() {
  local status=$?
  if [[ -n "$tmp" ]]; then rm -rf "$tmp"; fi
  local elapsed
  elapsed=$(awk -v s="$start_ns" -v e="$(date +%s%N)" 'BEGIN { printf "%.1f", (e - s) / 1e9 }')
  if [[ $status -eq 0 ]]; then
    echo "python-smoke: OK in ${elapsed}s"
  else
    echo "python-smoke: FAILED (exit $status) after ${elapsed}s" >&2
  fi
  exit "$status"
}
trap finish EXIT

log() { echo "python-smoke: $*"; }
die() { echo "python-smoke: error: $*" >&2; exit 1; }
# shellcheck source=lib/python-wheel.sh
source "$(dirname "$0")/lib/python-wheel.sh"

[[ -f package.json && -f scripts/python_smoke.py ]] \
  || die "run from the repository root (package.json and scripts/python_smoke.py not found in $PWD)"

require_python

floor=$("$python" -c 'import json; print(json.load(open("package.json"))["peerDependencies"]["aws-cdk-lib"])') \
  || die "cannot read peerDependencies[\"aws-cdk-lib\"] from package.json"

find_wheel

tmp=$(mktemp -d "${TMPDIR:-/tmp}/python-smoke.XXXXXX")
venv="$tmp/venv"

log "creating virtualenv $venv ($("$python" --version 2>&1))"
"$python" -m venv "$venv"

log "installing $wheel (aws-cdk-lib $floor, resolved by pip from PyPI)"
if ! "$venv/bin/python" -m pip install -q --disable-pip-version-check "$wheel"; then
  die "pip install failed (is an aws-cdk-lib matching $floor published on PyPI? check: $python -m pip index versions aws-cdk-lib)"
fi
log "installed: $("$venv/bin/python" -m pip list --disable-pip-version-check --format=freeze 2>/dev/null \
  | grep -iE '^(cdk-production-webapp|aws-cdk-lib|constructs|jsii)==' | tr '\n' ' ')"

log "running scripts/python_smoke.py"
"$venv/bin/python" scripts/python_smoke.py
