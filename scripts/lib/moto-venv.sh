# The pinned moto, in one Python venv shared by the moto deploy (scripts/verify/moto/deploy.sh), the bridge's probes
# (scripts/verify/moto/patches.sh) and the sample application's harness (scripts/app/harness.sh). A moto upgrade
# starts here: bump MOTO_VERSION, then run `npx projen verify:moto:patches` (see scripts/verify/moto/bridge/).
# shellcheck shell=bash

MOTO_VERSION=5.2.6

# moto_venv DIR: makes DIR a venv with moto[server]==MOTO_VERSION, reusing it while the installed version matches.
moto_venv() {
  local venv=$1
  if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
  if [ "$("$venv/bin/python" -c 'import moto; print(moto.__version__)' 2>/dev/null)" != "$MOTO_VERSION" ]; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  fi
}
