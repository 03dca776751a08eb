#!/usr/bin/env bash
# The moto bridge's patches, each probed against stock moto and against the bridged moto (probe.py): every patch must
# still be needed and must work. From a fresh clone: scripts/verify/moto/patches.sh (npx projen verify:moto:patches).
# Environment: MOTO_VENV (default <repo>/.venv-moto, shared with deploy.sh).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
# shellcheck source=scripts/lib/moto-venv.sh
. "$root/scripts/lib/moto-venv.sh"
venv=${MOTO_VENV:-$root/.venv-moto}

moto_venv "$venv"
command -v node >/dev/null || { echo "patches.sh: the custom resource probes need Node.js (node)" >&2; exit 2; }
exec "$venv/bin/python" "$here/probe.py"
