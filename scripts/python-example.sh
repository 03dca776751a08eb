#!/usr/bin/env bash
# The Python example app (examples/python/app.py) against the wheel built by `npx projen package:python`
# (dist/python/*.whl): install the wheel and cdk-nag into a fresh virtualenv, synthesize the Python app and the
# TypeScript one (examples/app.ts) with the repository's CDK CLI, in two configurations (no context; a domain, an
# alarm address and a region outside us-east-1), then check that
#   - the Python synth passes the four compliance packs (examples/summary.ts reports 0 findings), and
#   - both apps give the same stacks (environments, dependencies), the same construct tree, the same resource
#     logical IDs and types in every stack, identical stateful resources (databases, caches, buckets, keys,
#     secrets, log groups, backup vaults, anything retained on delete) and the same compliance acknowledgments.
# Asset hashes and CDK metadata are ignored. The other resources' properties, template outputs and parameters
# must match too when both sides use the same aws-cdk-lib; otherwise their differences are printed as notes.
#
# aws-cdk-lib in the virtualenv: the version the TypeScript app uses (node_modules) when PyPI has it, else the
# newest the wheel admits (as scripts/python-smoke.sh). cdk-nag: the version in node_modules.
#
# Run from the repository root:  scripts/python-example.sh
# Environment: PYTHON (default python3) - interpreter used to create the virtualenv.
#              AWS_CDK_LIB_VERSION - pin aws-cdk-lib in the virtualenv to this version instead.
#              STRICT=1|0 - force or relax the comparison of every property (default: 1 when the aws-cdk-lib
#              versions of both sides are equal).
set -euo pipefail

NAME='python-example'
# shellcheck source=lib/example-common.sh
source "$(dirname "$0")/lib/example-common.sh"
# shellcheck source=lib/python-wheel.sh
source "$(dirname "$0")/lib/python-wheel.sh"

[[ -f package.json && -f examples/app.ts && -f examples/python/app.py && -f examples/summary.ts ]] \
  || die "run from the repository root (package.json, examples/app.ts, examples/python/app.py not found in $PWD)"
[[ -x node_modules/.bin/cdk && -x node_modules/.bin/ts-node ]] || die "node_modules/.bin/cdk not found (run: npm ci)"

require_python

find_wheel
# The TypeScript app compiles src/ on the fly: if src/ changed since the wheel was built, the two may differ.
warn_if_stale "$wheel" "npx projen compile && npx projen package:python"

ts_cdk=$(node -p "require('aws-cdk-lib/package.json').version")
nag=${CDK_NAG_VERSION:-$(node -p "require('cdk-nag/package.json').version")}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/python-example.XXXXXX")
tmp=$(cd "$tmp" && pwd -P)
venv="$tmp/venv"

export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1
export PIP_DISABLE_PIP_VERSION_CHECK=1

# Two configurations: the default one, and one with every context key outside us-east-1 (every stack appears).

# synth <language> <config> <app directory>: runs `cdk synth` with the context of <config> into
# $tmp/<config>/<language>.out, its output in .log and "<exit status> <seconds>" in .status. Run in the background.
synth() {
  local language=$1 config=$2 dir=$3 status=0 s context=()
  mapfile -t context < <(context_of "$config")
  s=$(date +%s%N)
  (cd "$dir" && npx cdk synth --quiet --no-notices -o "$tmp/$config/$language.out" "${context[@]}") \
    >"$tmp/$config/$language.log" 2>&1 || status=$?
  echo "$status $(secs_since "$s")" >"$tmp/$config/$language.status"
}

# check_synth <language> <config>: after `wait`, prints the timing; on failure, the end of the log.
check_synth() {
  local status seconds
  read -r status seconds <"$tmp/$2/$1.status"
  if [[ $status -ne 0 ]]; then
    tail -n 40 "$tmp/$2/$1.log" >&2
    die "$1 synth ($2 configuration) failed with exit $status after ${seconds}s; log above"
  fi
  log "$1 synth, $2 configuration: ${seconds}s"
}

for config in "${configs[@]}"; do mkdir -p "$tmp/$config"; done

# The TypeScript synths need no virtualenv: they run while pip installs.
log "synthesizing examples/app.ts (aws-cdk-lib $ts_cdk): ${configs[*]}"
for config in "${configs[@]}"; do synth typescript "$config" examples & done

s=$(date +%s%N)
log "creating virtualenv $venv ($("$python" --version 2>&1))"
"$python" -m venv "$venv"
# --no-compile: byte-compiling all of aws-cdk-lib takes longer than compiling, on import, the modules the app uses.
pip_install() { "$venv/bin/python" -m pip install -q --no-compile "$wheel" "cdk-nag==$nag" "$@" 2>&1; }
if [[ -n "${AWS_CDK_LIB_VERSION:-}" ]]; then
  log "installing $wheel, cdk-nag $nag, aws-cdk-lib $AWS_CDK_LIB_VERSION"
  pip_install "aws-cdk-lib==$AWS_CDK_LIB_VERSION" || die "pip install failed"
else
  log "installing $wheel, cdk-nag $nag, aws-cdk-lib $ts_cdk if PyPI has it (as the TypeScript app), else the newest"
  if ! out=$(pip_install "aws-cdk-lib==$ts_cdk"); then
    grep -q "No matching distribution found for aws-cdk-lib" <<<"$out" || { echo "$out" >&2; die "pip install failed"; }
    log "aws-cdk-lib $ts_cdk is not on PyPI: installing the newest the wheel admits"
    pip_install || die "pip install failed (is an aws-cdk-lib matching the wheel's requirement on PyPI?)"
  fi
fi
py_cdk=$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("aws-cdk-lib"))')
log "installed: $("$venv/bin/python" -m pip list --format=freeze 2>/dev/null \
  | grep -iE '^(cdk-production-webapp|aws-cdk-lib|constructs|cdk-nag|jsii)==' | tr '\n' ' ')"
# Import once, so that the parallel synths find the modules compiled (and a broken install fails here).
out=$("$venv/bin/python" -c 'import aws_cdk, cdk_nag, cdk_production_webapp' 2>&1) \
  || { echo "$out" >&2; die "cannot import the installed packages"; }
log "virtualenv ready in $(secs_since "$s")s"

# The CLI runs cdk.json's "python3 app.py": the virtualenv's python3, first on PATH.
export PATH="$venv/bin:$PATH" VIRTUAL_ENV="$venv"
[[ $(command -v python3) == "$venv/bin/python3" ]] || die "python3 on PATH is $(command -v python3), not the virtualenv's"

log "synthesizing examples/python/app.py (aws-cdk-lib $py_cdk): ${configs[*]}"
for config in "${configs[@]}"; do synth python "$config" examples/python & done
wait
for config in "${configs[@]}"; do
  check_synth typescript "$config"
  check_synth python "$config"
done

for config in "${configs[@]}"; do
  s=$(date +%s%N)
  log "examples/summary.ts over the Python synth, $config configuration:"
  npx ts-node --transpile-only --project tsconfig.dev.json examples/summary.ts "$tmp/$config/python.out" \
    | tee "$tmp/$config/summary.txt" | grep -vE '^ +[0-9]+ ' | sed 's/^/    /' \
    || die "examples/summary.ts failed over the Python synth ($config configuration)"
  grep -qx 'Unacknowledged compliance findings: 0' "$tmp/$config/summary.txt" \
    || die "compliance findings in the Python synth ($config configuration)"
  log "summary, $config configuration: $(secs_since "$s")s"
done

strict=${STRICT:-$([[ "$py_cdk" == "$ts_cdk" ]] && echo 1 || echo 0)}
s=$(date +%s%N)
log "comparing Python and TypeScript synths (aws-cdk-lib $py_cdk and $ts_cdk; other properties: $([[ $strict == 1 ]] && echo strictly || echo 'notes only, as the versions differ'))"
"$python" scripts/compare_assemblies.py "$tmp" "$strict" python "${configs[@]}"
log "comparison: $(secs_since "$s")s"
