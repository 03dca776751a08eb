#!/usr/bin/env bash
# Release dry run: what projen's release workflow does, without publishing, in a scratch copy of the repository.
#
#  1. Scratch copy: a clone of this repository (its history and tags, which the bump reads) with the working tree's
#     uncommitted changes applied, sharing this project's node_modules (and its README snippet cache).
#  2. Bump: `npx projen bump`, the version from the conventional commits since the latest release tag
#     (commit-and-tag-version); the first release is 0.1.0 (scripts/release/next-version.sh).
#  3. Build: `npx projen compile` (jsii, with the API compatibility check), `post-compile` (API.md, README snippets),
#     then `npx projen package-all`: npm, Python, Java, Go (NuGet where a .NET SDK exists).
#  4. Check every artifact carries the version and installs: the npm tarball in a scratch app (npm install), the
#     wheel in a scratch virtualenv (pip install, import cdk_production_webapp), the Maven jar and pom (the version in
#     the file names and the pom, the jar opens with its jsii assembly; mvn install:install-file into a scratch local
#     repository), the Go module (version file, go build of a program against it with a replace directive).
#  5. The working tree is left as it was (git status --porcelain before and after).
#
# Prints the version it produced and the duration of each phase.
# Run from anywhere in the repository:  scripts/release/dry-run.sh   (or: npx projen release:dry-run)
# Environment: KEEP=1 keeps the scratch folder (its path is printed); PYTHON (default python3).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

NAME=release-dry-run
# shellcheck source=../lib/script-common.sh
source "$(dirname "$0")/../lib/script-common.sh"
phase_ns=0
phase() { if [[ $phase_ns != 0 ]]; then log "... $(secs_since "$phase_ns")s"; fi; phase_ns=$(date +%s%N); log "$*"; }
# Runs a command quietly into $scratch/logs/$1.log; on failure prints the log's tail.
quiet() {
  local name=$1; shift
  "$@" >"$scratch/logs/$name.log" 2>&1 || { tail -n 40 "$scratch/logs/$name.log" >&2; die "$name failed: $*"; }
}

[[ -f package.json && -f .projenrc.ts && -d node_modules ]] || die "run in the repository (package.json, .projenrc.ts, node_modules)"
for tool in git node npm python3 java mvn go unzip; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done
python=${PYTHON:-python3}
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1
# The bump runs `npx commit-and-tag-version@^12`: a dev dependency, but let npx fetch it if node_modules predates it.
export npm_config_yes=true
status_before=$(git status --porcelain --untracked-files=all)
name=$(node -p "require('./package.json').name")
floor=$(node -p "require('./package.json').peerDependencies['aws-cdk-lib'].replace(/^\\^/, '')")

# --- 1. Scratch copy -------------------------------------------------------------------------------------------------
phase "scratch copy of $(git rev-parse --short HEAD) with the working tree's changes"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/release-dry-run.XXXXXX")
tmp=$scratch
mkdir -p "$scratch/logs"
repo=$scratch/repo
git clone -q --shared --no-checkout "$root" "$repo"
git -C "$repo" checkout -q --detach "$(git rev-parse HEAD)"
# Tags: a clone of a clone has them, a shallow CI checkout may not (then the bump sees a first release).
git -C "$repo" fetch -q --tags "$root" 2>/dev/null || true
git diff --binary HEAD > "$scratch/changes.patch"
if [[ -s "$scratch/changes.patch" ]]; then git -C "$repo" apply --whitespace=nowarn "$scratch/changes.patch"; fi
git ls-files --others --exclude-standard -z | (cd "$root" && xargs -0 -r cp --parents -t "$repo")
ln -s "$(cd node_modules && pwd -P)" "$repo/node_modules"
# jsii-rosetta's cache of the README snippets' translations (ignored by git), if the working tree has one.
if [[ -f .jsii.tabl.json ]]; then cp .jsii.tabl.json "$repo/"; fi
latest_tag=$(git -C "$repo" describe --tags --abbrev=0 --match 'v[0-9]*' 2>/dev/null || echo '(none)')
log "latest release tag: $latest_tag"

# --- 2. Bump ---------------------------------------------------------------------------------------------------------
phase "bump (npx projen bump: conventional commits since $latest_tag)"
cd "$repo"
quiet bump npx projen bump
version=$(cat dist/version.txt)
[[ "$version" == "$(node -p "require('./package.json').version")" ]] || die "dist/version.txt ($version) and package.json disagree"
[[ "$version" != 0.0.0 ]] || die "the bump produced 0.0.0"
log "version: $version (tag $(cat dist/releasetag.txt)); release notes: $(grep -c '^\*' dist/changelog.md || true) entries in dist/changelog.md"

# --- 3. Build and package --------------------------------------------------------------------------------------------
phase "compile (jsii, API compatibility) and post-compile (API.md, README snippets)"
quiet compile npx projen compile
grep -E '^compat: ' "$scratch/logs/compile.log" | sed "s/^/$NAME: /" || true
quiet post-compile npx projen post-compile
[[ "$(node -p "JSON.parse(require('fs').readFileSync('.jsii', 'utf8')).version")" == "$version" ]] || die ".jsii does not carry $version"

phase "package every target (npx projen package-all)"
quiet package-all npx projen package-all
grep -E '^package:dotnet: ' "$scratch/logs/package-all.log" | sed "s/^/$NAME: /" || true

# --- 4. Check every artifact -----------------------------------------------------------------------------------------
phase "npm: the tarball carries $version and installs in a scratch app"
# jsii-pacmak names it <name>@<version>.jsii.tgz (npm pack: <name>-<version>.tgz).
tgz=$(find dist/js -name "*$version*.tgz" | head -n 1)
[[ -n $tgz ]] || die "no tarball of $version in dist/js ($(ls dist/js))"
[[ "$(tar -xOzf "$tgz" package/package.json | node -p 'JSON.parse(require("fs").readFileSync(0)).version')" == "$version" ]] \
  || die "$tgz: package.json does not carry $version"
app=$scratch/npm-app
mkdir -p "$app"
(cd "$app" && npm init -y >/dev/null)
quiet npm-install bash -c "cd '$app' && npm install --no-audit --no-fund --prefer-offline '$repo/$tgz' 'aws-cdk-lib@$floor' 'constructs@^10'"
(cd "$app" && node -e "
  const m = require('$name');
  const v = require('$name/package.json').version;
  if (v !== '$version' || typeof m.ProductionWebApp !== 'function') { console.error('bad install', v); process.exit(1); }
  console.log('$NAME: npm: $name@' + v + ' installed, exports ' + Object.keys(m).length + ' names, on aws-cdk-lib ' + require('aws-cdk-lib/package.json').version);
")

phase "Python: the wheel carries $version, installs in a scratch virtualenv and imports"
whl=$(find dist/python -name "*-$version-*.whl" | head -n 1)
[[ -n "$whl" ]] || die "no wheel for $version in dist/python ($(ls dist/python))"
ls dist/python/*-"$version".tar.gz >/dev/null 2>&1 || die "no source distribution for $version in dist/python"
"$python" -m venv "$scratch/venv"
quiet pip-install "$scratch/venv/bin/python" -m pip install -q --disable-pip-version-check "$whl"
"$scratch/venv/bin/python" - "$version" <<'PY'
import importlib.metadata, sys
import cdk_production_webapp as m
v = importlib.metadata.version("cdk-production-webapp")
assert v == sys.argv[1], f"installed {v}, expected {sys.argv[1]}"
assert hasattr(m, "ProductionWebApp")
print(f"release-dry-run: Python: cdk-production-webapp {v} imported (cdk_production_webapp.ProductionWebApp), "
      f"aws-cdk-lib {importlib.metadata.version('aws-cdk-lib')}")
PY

phase "Java: the Maven jar and pom carry $version; the jar opens; mvn install:install-file"
group=$(node -p "require('./package.json').jsii.targets.java.maven.groupId")
artifact=$(node -p "require('./package.json').jsii.targets.java.maven.artifactId")
mvndir=dist/java/${group//.//}/$artifact/$version
jar=$mvndir/$artifact-$version.jar
pom=$mvndir/$artifact-$version.pom
[[ -f $jar && -f $pom ]] || die "$jar or $pom not found (dist/java: $(find dist/java -name '*.pom'))"
for extra in sources javadoc; do [[ -f $mvndir/$artifact-$version-$extra.jar ]] || die "no $extra jar in $mvndir"; done
pom_version=$("$python" -c "
import sys, xml.etree.ElementTree as ET
ns = {'m': 'http://maven.apache.org/POM/4.0.0'}
print(ET.parse(sys.argv[1]).getroot().find('m:version', ns).text)" "$pom")
[[ "$pom_version" == "$version" ]] || die "$pom says version $pom_version"
unzip -l "$jar" | grep -q "$name@$version.jsii.tgz" || die "$jar does not hold $name@$version.jsii.tgz"
quiet mvn-install mvn -B -q install:install-file -Dfile="$jar" -DpomFile="$pom" -DlocalRepositoryPath="$scratch/m2"
[[ -f "$scratch/m2/${group//.//}/$artifact/$version/$artifact-$version.jar" ]] || die "mvn install:install-file did not install $version"
log "Java: $group:$artifact:$version (pom, jar with its jsii assembly, sources, javadoc) installed into a scratch repository"

phase "Go: the module carries $version and a program builds against it"
gomod_dir=$(dirname "$(find dist/go -mindepth 2 -maxdepth 2 -name go.mod | head -n 1)")
[[ -f $gomod_dir/go.mod ]] || die "no go.mod under dist/go"
gomodule=$(awk '/^module /{print $2}' "$gomod_dir/go.mod")
[[ "$(tr -d '[:space:]' < "$gomod_dir/version")" == "$version" ]] || die "$gomod_dir/version does not say $version"
ls "$gomod_dir"/jsii/*"$version".tgz >/dev/null 2>&1 || die "$gomod_dir/jsii holds no assembly tarball of $version"
goapp=$scratch/go-app
mkdir -p "$goapp"
# The example's dependency versions (examples/go/go.mod, go.sum), the module replaced by the built one.
sed -e "s#^module .*#module dryrun#" -e "s#^replace $gomodule => .*#replace $gomodule => $repo/$gomod_dir#" \
  "$root/examples/go/go.mod" > "$goapp/go.mod"
cp "$root/examples/go/go.sum" "$goapp/"
cat > "$goapp/main.go" <<GO
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	webapp "$gomodule"
)

func main() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("DryRun"), nil)
	webapp.NewProductionWebApp(stack, jsii.String("App"), nil)
}
GO
quiet go-build bash -c "cd '$goapp' && go build -o '$scratch/go-app.bin' ."
log "Go: $gomodule (version $version) builds into a program"

phase "the working tree is unchanged"
cd "$root"
[[ "$(git status --porcelain --untracked-files=all)" == "$status_before" ]] \
  || { git status --short >&2; die "the dry run changed the working tree"; }
log "... $(secs_since "$phase_ns")s"

log "released version would be $version (tag v$version, previous: $latest_tag); npm, Python, Java and Go artifacts checked$(
  [[ -d "$repo/dist/dotnet" ]] && echo ', NuGet built' || echo '; NuGet skipped (no .NET SDK)')"
