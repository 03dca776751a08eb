#!/usr/bin/env bash
# Offline deploy proof, cfn-lint rung: lints every template of the examples app with cfn-lint (PyPI), pinned in
# scripts/verify/requirements-lint.txt and installed into .venv-verify/ (created on first use, reused after).
#
# Usage: scripts/verify/cfn-lint.sh                  synthesize the example (synth-examples.sh) and lint the result
#        scripts/verify/cfn-lint.sh <cdk.out> ...    lint these cloud assemblies as they are
#        scripts/verify/cfn-lint.sh --reuse          lint the assemblies of the last synth-examples.sh run
#
# Settings and ignored checks (each with its reason): .cfnlintrc.yaml. Exits non-zero on any error or un-ignored
# warning. Python 3.11 to 3.14 is required (cfn-lint 1.58.0 and its pinned dependencies); set PYTHON to choose one.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/.venv-verify"
requirements="$root/scripts/verify/requirements-lint.txt"
started=$(date +%s)

if [ ! -x "$venv/bin/python" ]; then
  python="${PYTHON:-python3}"
  "$python" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 15) else 1)' || {
    echo "cfn-lint.sh: $python is Python $("$python" -c 'import platform; print(platform.python_version())'); 3.11 to 3.14 is needed (set PYTHON)" >&2
    exit 1
  }
  echo "cfn-lint.sh: creating $venv"
  "$python" -m venv "$venv"
fi
# Install again only when the requirements change (a stamp per requirements file: other rungs may share the venv).
stamp="$venv/.requirements-lint.sha256"
digest="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  echo "$digest" > "$stamp"
fi

# shellcheck source=../lib/verify-assemblies.sh
source "$root/scripts/lib/verify-assemblies.sh"
resolve_assemblies cfn-lint.sh "$root" "$@"

cd "$root"
status=0
"$venv/bin/python" "$root/scripts/verify/cfn_lint_run.py" --config "$root/.cfnlintrc.yaml" "${args[@]}" || status=$?
echo "cfn-lint.sh: done in $(( $(date +%s) - started ))s (exit status $status)"
exit "$status"
