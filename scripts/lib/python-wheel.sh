# Shared by scripts/python-smoke.sh and scripts/python-example.sh: the interpreter and the wheel they install.
# Source it after defining die (the messages' error exit).
# shellcheck shell=bash

# Sets python: $PYTHON, else python3, which must be on PATH.
require_python() {
  python=${PYTHON:-python3}
  command -v "$python" >/dev/null 2>&1 || die "$python not found"
}

# Sets wheel: the one wheel `npx projen package:python` built in dist/python.
find_wheel() {
  local wheels
  shopt -s nullglob
  wheels=(dist/python/*.whl)
  shopt -u nullglob
  [[ ${#wheels[@]} -eq 1 ]] \
    || die "expected exactly one wheel in dist/python, found ${#wheels[@]} (run: npx projen compile && npx projen package:python)"
  # shellcheck disable=SC2034 # for the caller
  wheel=${wheels[0]}
}
