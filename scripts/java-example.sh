#!/usr/bin/env bash
# The Java example app (examples/java) against the Maven package built by `npx projen package:java` (dist/java):
# synthesize the Java app and the TypeScript one (examples/app.ts) with the repository's CDK CLI, in two
# configurations (no context; a domain, an alarm address and a region outside us-east-1), then check that
#   - the Java synth passes the four compliance packs (examples/summary.ts reports 0 findings), and
#   - both apps give the same stacks, construct tree, resource logical IDs and types, identical stateful resources
#     and the same compliance acknowledgments (scripts/compare_assemblies.py, as for the Python example).
# Maven resolves aws-cdk-lib to the version the Java package requires (the peer floor) and cdk-nag's Java package.
#
# Run from the repository root:  scripts/java-example.sh
# Environment: MAVEN_REPO - Maven's local repository (default ~/.m2/repository).
set -euo pipefail

NAME=java-example
# shellcheck source=lib/example-common.sh
source "$(dirname "$0")/lib/example-common.sh"

require_repository examples/java/pom.xml
command -v mvn >/dev/null 2>&1 || die "mvn not found"
shopt -s nullglob
jars=(dist/java/io/github/cdk-production-webapp/cdk-production-webapp/*/cdk-production-webapp-*[0-9].jar)
shopt -u nullglob
[[ ${#jars[@]} -eq 1 ]] || die "expected one package jar in dist/java, found ${#jars[@]} (run: npx projen compile && npx projen package:java)"
warn_if_stale "${jars[0]}" "npx projen package:java"

# Maven keeps a release it has seen: drop the library's copy, so that this run resolves the one just built.
repo=${MAVEN_REPO:-$HOME/.m2/repository}
rm -rf "$repo/io/github/cdk-production-webapp"
export MAVEN_OPTS="${MAVEN_OPTS:-} -Dmaven.repo.local=$repo"
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/java-example.XXXXXX")

for config in "${configs[@]}"; do mkdir -p "$tmp/$config"; done
s=$(date +%s%N)
(cd examples/java && mvn -q -B compile dependency:list -DoutputFile="$tmp/dependencies.txt" \
  -DincludeArtifactIds=cdk-production-webapp,aws-cdk-lib,cdknag,jsii-runtime >"$tmp/maven.log" 2>&1) \
  || { tail -n 40 "$tmp/maven.log" >&2; die "mvn could not build examples/java"; }
log "examples/java built in $(secs_since "$s")s against: $(grep -oE '[a-z.-]+:[a-z-]+:jar:[^:]+' "$tmp/dependencies.txt" \
  | cut -d: -f2,4 | sort | tr '\n' ' ')"
java_cdk=$(grep -oE 'software\.amazon\.awscdk:aws-cdk-lib:jar:[^:]+' "$tmp/dependencies.txt" | cut -d: -f4)

for config in "${configs[@]}"; do
  synth_example typescript "$config" examples
  synth_example java "$config" examples/java
done

for config in "${configs[@]}"; do
  npx ts-node --transpile-only --project tsconfig.dev.json examples/summary.ts "$tmp/$config/java.out" >"$tmp/$config/summary.txt" \
    || { cat "$tmp/$config/summary.txt" >&2; die "examples/summary.ts failed over the Java synth ($config configuration)"; }
  grep -qx 'Unacknowledged compliance findings: 0' "$tmp/$config/summary.txt" \
    || { cat "$tmp/$config/summary.txt" >&2; die "compliance findings in the Java synth ($config configuration)"; }
  log "Java synth, $config configuration: $(grep -E '^(Example system|Unacknowledged|Acknowledged)' "$tmp/$config/summary.txt" | tr '\n' ' ')"
done

ts_cdk=$(node -p "require('aws-cdk-lib/package.json').version")
strict=$([[ "$java_cdk" == "$ts_cdk" ]] && echo 1 || echo 0)
log "comparing Java and TypeScript synths (aws-cdk-lib $java_cdk and $ts_cdk; other properties: $([[ $strict == 1 ]] && echo strictly || echo 'notes only, as the versions differ'))"
python3 scripts/compare_assemblies.py "$tmp" "$strict" java "${configs[@]}"
