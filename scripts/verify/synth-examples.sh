#!/usr/bin/env bash
# Synthesizes the examples app in every configuration the offline deploy proof checks, one cloud assembly each:
#
#   <out>/us-east-1         -c region=us-east-1 (edge and home region are the same; backups replicate to us-west-2)
#   <out>/eu-west-1         -c region=eu-west-1 (adds the us-east-1 companion stacks; backups replicate to eu-central-1)
#   <out>/eu-west-1-domain  eu-west-1 with a domain: viewer certificate, HTTPS to the origin, Route 53 records
#
# Usage: scripts/verify/synth-examples.sh [out]      (default out: .tmp/verify, which git ignores)
#
# It also writes <out>/assemblies.txt, the paths of the assemblies it made, one a line.
#
# The synthesis is offline and account-agnostic: AWS credentials and CDK_DEFAULT_ACCOUNT are hidden from the CDK CLI,
# so no context lookup is attempted and the templates are the same on every machine. The example runs its four cdk-nag
# packs and aws-cdk-lib's template rules, so a compliance finding fails this step too.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$root/.tmp/verify}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# label|context arguments
configs=(
  'us-east-1|-c region=us-east-1'
  'eu-west-1|-c region=eu-west-1'
  'eu-west-1-domain|-c region=eu-west-1 -c domainName=www.example.com -c hostedZoneId=Z0123456789EXAMPLE -c zoneName=example.com'
)

cdk="$root/node_modules/.bin/cdk"
[ -x "$cdk" ] || { echo "synth-examples: $cdk is missing: run npm ci first" >&2; exit 1; }

started=$(date +%s)
pids=()
labels=()
for config in "${configs[@]}"; do
  label="${config%%|*}"
  read -r -a context <<< "${config#*|}"
  rm -rf "${out:?}/$label"
  labels+=("$label")
  (
    cd "$root/examples"
    env -u CDK_DEFAULT_ACCOUNT -u CDK_DEFAULT_REGION -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY \
      -u AWS_SESSION_TOKEN AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true \
      "$cdk" synth --quiet --no-notices -o "$out/$label" "${context[@]}"
  ) > "$out/$label.synth.log" 2>&1 &
  pids+=($!)
done

failed=0
for i in "${!pids[@]}"; do
  if wait "${pids[$i]}"; then
    printf 'synth-examples: %-17s %s template(s) in %s\n' "${labels[$i]}" \
      "$(find "$out/${labels[$i]}" -maxdepth 1 -name '*.template.json' | wc -l)" "$out/${labels[$i]}"
  else
    failed=1
    echo "synth-examples: ${labels[$i]} FAILED; its output:" >&2
    grep -v -e 'End-of-Life' -e 'EOL' "$out/${labels[$i]}.synth.log" | tail -40 >&2 || true
  fi
done
[ "$failed" -eq 0 ] || exit 1
# The assemblies of this run, one path a line, for the scripts that check them (cfn-lint.sh, cfn-guard.sh).
printf '%s\n' "${labels[@]/#/$out/}" > "$out/assemblies.txt"
echo "synth-examples: ${#labels[@]} configurations synthesized in $(( $(date +%s) - started ))s"
