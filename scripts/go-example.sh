#!/usr/bin/env bash
# The Go example app (examples/go) against the Go module built by `npx projen package:go` (dist/go): synthesize the
# Go app and the TypeScript one (examples/app.ts) with the repository's CDK CLI, in two configurations (no context;
# a domain, an alarm address and a region outside us-east-1), then check with scripts/compare_assemblies.py that
# both give the same stacks, construct tree, resource logical IDs and types, stateful resources and compliance
# acknowledgments, and, both being on the same aws-cdk-lib, the same properties everywhere.
# cdk-nag 3 has no Go module on the Go proxy yet: the Go app does not run the compliance packs itself (the
# acknowledgments it carries are compared).
#
# Run from the repository root:  scripts/go-example.sh
set -euo pipefail

NAME=go-example
# shellcheck source=lib/example-common.sh
source "$(dirname "$0")/lib/example-common.sh"

require_repository examples/go/go.mod
command -v go >/dev/null 2>&1 || die "go not found"
module=dist/go/cdkproductionwebapp
[[ -f $module/go.mod ]] || die "$module/go.mod not found (run: npx projen compile && npx projen package:go)"
warn_if_stale "$module/go.mod" "npx projen package:go"
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/go-example.XXXXXX")
for config in "${configs[@]}"; do mkdir -p "$tmp/$config"; done

s=$(date +%s%N)
(cd examples/go && go build -o "$tmp/example" . >"$tmp/go.log" 2>&1) \
  || { tail -n 40 "$tmp/go.log" >&2; die "go could not build examples/go"; }
go_cdk=$(cd examples/go && go list -m -f '{{.Version}}' github.com/aws/aws-cdk-go/awscdk/v2 | sed 's/^v//')
log "examples/go built in $(secs_since "$s")s against $module and aws-cdk-go $go_cdk"

for config in "${configs[@]}"; do
  synth_example typescript "$config" examples
  synth_example go "$config" examples/go
done

ts_cdk=$(node -p "require('aws-cdk-lib/package.json').version")
strict=$([[ "$go_cdk" == "$ts_cdk" ]] && echo 1 || echo 0)
log "comparing Go and TypeScript synths (aws-cdk-lib $go_cdk and $ts_cdk; other properties: $([[ $strict == 1 ]] && echo strictly || echo 'notes only, as the versions differ'))"
python3 scripts/compare_assemblies.py "$tmp" "$strict" go "${configs[@]}"
