#!/usr/bin/env bash
# The TypeScript consumer check, like scripts/python-smoke.sh for Python: install the packed npm tarball
# (dist/js/*.tgz, built by `npx projen package:js`) into a fresh app outside the repository, with aws-cdk-lib at the
# floor of the peer dependency (package.json) and at the newest version on npm, each in its own app. Each app is
# compiled with tsc (strict, the repository's TypeScript) and synthesizes ProductionWebApp with a domain
# (route53.HostedZone.fromHostedZoneAttributes) in a stack with an explicit environment (eu-west-1), with
# aws-cdk-lib's built-in CloudFormation rules on; then the synthesized stacks are checked (scripts/ts_consumer_check.js).
#
# Run from the repository root:  scripts/ts-consumer.sh   (or: npx projen example:typescript)
set -euo pipefail

NAME=ts-consumer
# shellcheck source=lib/script-common.sh
source "$(dirname "$0")/lib/script-common.sh"

[[ -f package.json && -f scripts/ts_consumer_check.js && -x node_modules/.bin/tsc ]] \
  || die "run from the repository root (package.json, scripts/ts_consumer_check.js, node_modules/.bin/tsc)"
root=$PWD
shopt -s nullglob
tarballs=(dist/js/*.tgz)
shopt -u nullglob
[[ ${#tarballs[@]} -eq 1 ]] || die "expected exactly one tarball in dist/js, found ${#tarballs[@]} (run: npx projen compile && npx projen package:js)"
tgz=$root/${tarballs[0]}
name=$(node -p "require('./package.json').name")
floor=$(node -p "require('./package.json').peerDependencies['aws-cdk-lib'].replace(/^\\^/, '')")
constructs=$(node -p "require('./package.json').peerDependencies.constructs")
newest=$(npm view aws-cdk-lib version) || die "npm view aws-cdk-lib version failed"
versions=("$floor")
[[ "$newest" != "$floor" ]] && versions+=("$newest")
log "tarball $(basename "$tgz"); aws-cdk-lib: floor $floor, newest $newest; $(node_modules/.bin/tsc --version)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ts-consumer.XXXXXX")
for version in "${versions[@]}"; do
  s=$(date +%s%N)
  app=$tmp/app-$version
  mkdir -p "$app"
  cat > "$app/package.json" <<JSON
{ "name": "ts-consumer-app", "version": "0.0.0", "private": true }
JSON
  cat > "$app/tsconfig.json" <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "strict": true,
    "noImplicitReturns": true,
    "noUnusedLocals": true,
    "noUnusedParameters": true,
    "noFallthroughCasesInSwitch": true,
    "skipLibCheck": true,
    "types": [],
    "outDir": "build"
  },
  "files": ["app.ts"]
}
JSON
  cat > "$app/app.ts" <<'TS'
import { App, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ProductionWebApp } from 'cdk-production-webapp';

// The output folder comes from CDK_OUTDIR; aws-cdk-lib's built-in CloudFormation rules fail the synth on an error.
const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
const stack = new Stack(app, 'Consumer', { env: { account: '123456789012', region: 'eu-west-1' } });
const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
  hostedZoneId: 'Z0123456789EXAMPLE',
  zoneName: 'example.com',
});
const webApp: ProductionWebApp = new ProductionWebApp(stack, 'App', {
  domainName: 'www.example.com',
  hostedZone,
  alarmEmail: 'ops@example.com',
});
if (!webApp.node.id) {
  throw new Error('no construct');
}
app.synth();
TS
  (cd "$app" && npm install --no-audit --no-fund --prefer-offline --loglevel=error \
    "$tgz" "aws-cdk-lib@$version" "constructs@$constructs" >"$app/npm.log" 2>&1) \
    || { tail -n 30 "$app/npm.log" >&2; die "npm install failed with aws-cdk-lib $version"; }
  installed=$(cd "$app" && node -p "require('aws-cdk-lib/package.json').version + ' / $name ' + require('$name/package.json').version")
  (cd "$app" && "$root/node_modules/.bin/tsc" -p tsconfig.json) || die "tsc --strict failed with aws-cdk-lib $version"
  (cd "$app" && CDK_OUTDIR="$app/cdk.out" node build/app.js >"$app/synth.log" 2>&1) \
    || { tail -n 30 "$app/synth.log" >&2; die "synth failed with aws-cdk-lib $version"; }
  summary=$(node scripts/ts_consumer_check.js "$app/cdk.out") || die "the synthesized stacks are not as expected (aws-cdk-lib $version)"
  log "aws-cdk-lib $installed: tsc --strict OK, synth OK: $summary ($(secs_since "$s")s)"
done
