#!/usr/bin/env bash
# Offline deploy proof, cfn-guard rung: checks every template of the examples app against the AWS Control Tower
# proactive controls bundled in @cdklabs/cdk-validator-cfnguard (its own cfn-guard binary and rules), and writes
# docs/verification/cfn-guard-report.md. Exemptions, each with its reason: scripts/verify/cfn-guard-exemptions.json.
#
# Usage: scripts/verify/cfn-guard.sh                          synthesize the example (synth-examples.sh) and check it
#        scripts/verify/cfn-guard.sh [options] <cdk.out> ...  check these cloud assemblies (options: see cfn-guard.ts)
#        scripts/verify/cfn-guard.sh --reuse [options]         check the assemblies of the last synth-examples.sh run
#
# Exits non-zero when a rule fails for a resource that no exemption covers.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
started=$(date +%s)

if [ "${1:-}" = '--reuse' ]; then
  # The assemblies of the last synth-examples.sh run (e.g. by the other rung), without synthesizing again.
  shift
  [ -f "$root/.tmp/verify/assemblies.txt" ] || { echo "cfn-guard.sh: no .tmp/verify/assemblies.txt: run without --reuse first" >&2; exit 2; }
  mapfile -t assemblies < "$root/.tmp/verify/assemblies.txt"
  set -- "$@" "${assemblies[@]}"
fi
if [ "$#" -eq 0 ]; then
  bash "$root/scripts/verify/synth-examples.sh" "$root/.tmp/verify"
  mapfile -t args < "$root/.tmp/verify/assemblies.txt"
else
  args=("$@")
fi

cd "$root"
status=0
NODE_NO_WARNINGS=1 "$root/node_modules/.bin/ts-node" --transpile-only --project "$root/tsconfig.dev.json" \
  "$root/scripts/verify/cfn-guard.ts" "${args[@]}" || status=$?
echo "cfn-guard.sh: done in $(( $(date +%s) - started ))s (exit status $status)"
exit "$status"
