#!/usr/bin/env bash
# The Python Lambda handlers of src/handlers/ (the AUTH token rotation): pyflakes, then their pytest suite under
# test/handlers/, in a venv of pinned versions (.venv-handlers/, reused while the pins match). boto3 is the Lambda
# Python runtime's; the tests replace its clients with fakes, so nothing is called.
#
# Environment: HANDLERS_VENV (default <repo>/.venv-handlers).
set -euo pipefail
cd "$(dirname "$0")/.."

REQUIREMENTS=(boto3==1.44.18 pytest==9.2.0 pyflakes==4.1.0)
venv=${HANDLERS_VENV:-$PWD/.venv-handlers}
if [ "$(cat "$venv/requirements" 2>/dev/null)" != "${REQUIREMENTS[*]}" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${REQUIREMENTS[@]}"
  echo "${REQUIREMENTS[*]}" > "$venv/requirements"
fi

mapfile -t sources < <(find src/handlers test/handlers -name '*.py' | sort)
echo "pyflakes $("$venv/bin/python" -m pyflakes --version | cut -d' ' -f1): ${sources[*]}"
"$venv/bin/python" -m pyflakes "${sources[@]}"

# No bytecode or cache next to the handler: its folder is copied into the Lambda asset as it is.
rc=0
PYTHONDONTWRITEBYTECODE=1 "$venv/bin/python" -m pytest -p no:cacheprovider -q test/handlers || rc=$?
# pytest exits 5 when it collects no test: a renamed or moved test file must fail this step, not pass it.
if [ "$rc" -eq 5 ]; then echo 'pytest collected no tests under test/handlers' >&2; exit 1; fi
exit "$rc"
