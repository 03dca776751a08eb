# Shared by scripts/verify/cfn-lint.sh and scripts/verify/cfn-guard.sh: the cloud assemblies a rung checks.
# shellcheck shell=bash

# resolve_assemblies NAME ROOT [--reuse] [ARGUMENT...] sets args to the rung's arguments:
#   none               synthesize the example (synth-examples.sh into .tmp/verify) and name its assemblies
#   --reuse [ARG...]   ARG..., then the assemblies of the last synth-examples.sh run (e.g. by the other rung)
#   ARG...             these arguments as they are
resolve_assemblies() {
  local name=$1 root=$2 list reused
  shift 2
  list="$root/.tmp/verify/assemblies.txt"
  if [ "${1:-}" = '--reuse' ]; then
    shift
    [ -f "$list" ] || { echo "$name: no .tmp/verify/assemblies.txt: run without --reuse first" >&2; exit 2; }
    mapfile -t reused < "$list"
    set -- "$@" "${reused[@]}"
  fi
  if [ "$#" -eq 0 ]; then
    bash "$root/scripts/verify/synth-examples.sh" "$root/.tmp/verify"
    mapfile -t args < "$list"
  else
    # shellcheck disable=SC2034 # for the caller
    args=("$@")
  fi
}
