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

# shellcheck source=../lib/verify-assemblies.sh
source "$root/scripts/lib/verify-assemblies.sh"
resolve_assemblies cfn-guard.sh "$root" "$@"

cd "$root"
status=0
NODE_NO_WARNINGS=1 "$root/node_modules/.bin/ts-node" --transpile-only --project "$root/tsconfig.dev.json" \
  "$root/scripts/verify/cfn-guard.ts" "${args[@]}" || status=$?
echo "cfn-guard.sh: done in $(( $(date +%s) - started ))s (exit status $status)"
exit "$status"
