#!/usr/bin/env bash
# Runs the unit tests against the oldest aws-cdk-lib the library supports (the floor of its peer dependency),
# in a scratch copy of the project with its own node_modules, so that the floor we publish is one we test.
set -euo pipefail
cd "$(dirname "$0")/.."

# Outside the repository: nothing resolves back to the project's own node_modules.
work=$(mktemp -d "${TMPDIR:-/tmp}/cdk-floor.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r src test docs assets README.md tsconfig.json tsconfig.dev.json "$work/"

node - "$work" <<'JS'
const fs = require('fs');
const path = require('path');
const root = require(path.resolve('package.json'));
const lock = require(path.resolve('package-lock.json'));
const floor = root.peerDependencies['aws-cdk-lib'].replace(/^\^/, '');
const installed = (name) => lock.packages[`node_modules/${name}`].version;
const devDependencies = { 'aws-cdk-lib': floor, constructs: installed('constructs') };
for (const name of ['cdk-nag', '@aws-cdk/cloudformation-diff', 'jest', 'ts-jest', '@types/jest', '@types/node', 'typescript']) {
  devDependencies[name] = installed(name);
}
const pkg = { name: 'cdk-floor-test', private: true, devDependencies, jest: { ...root.jest, reporters: ['default'], collectCoverage: false } };
fs.writeFileSync(path.join(process.argv[2], 'package.json'), JSON.stringify(pkg, null, 2));
console.log(`aws-cdk-lib floor: ${floor}; dev dependencies: ${JSON.stringify(devDependencies)}`);
JS

cd "$work"
npm install --no-audit --no-fund --loglevel=error >/dev/null
echo "testing against aws-cdk-lib $(node -p "require('aws-cdk-lib/package.json').version")"
npx jest --ci
