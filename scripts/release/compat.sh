#!/usr/bin/env bash
# API compatibility (projen's `compat` task, spawned by `compile`): jsii-diff between the assembly of the latest
# release tag (v*) and the one just compiled (.jsii). A breaking change of a stable API fails; changes of experimental
# APIs (the whole library while package.json says "stability": "experimental") are printed, and fail only when no
# commit since the tag declares a breaking change (so the bump cannot hide one). Keys listed in .compatignore (if
# present) are accepted changes.
#
# The baseline: the package published on npm for that tag when there is one (npm:cdk-production-webapp@<version>),
# otherwise the tag's sources compiled with jsii in a scratch folder (git archive; this project's node_modules).
# Either is cached in .tmp/compat/<tag>/ (ignored by git). Without a release tag there is nothing to compare with:
# the check says so and passes.
#
# Run from the repository root after jsii:  scripts/release/compat.sh
set -euo pipefail

log() { echo "compat: $*"; }
die() { echo "compat: error: $*" >&2; exit 1; }

[[ -f package.json ]] || die "run from the repository root (package.json not found in $PWD)"
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1

tag=$(git describe --tags --abbrev=0 --match 'v[0-9]*' 2>/dev/null || true)
if [[ -z "$tag" ]]; then
  log "skipped: no release tag (v*) in this repository yet, so no released API to compare with (the first release becomes the baseline)"
  exit 0
fi

[[ -f .jsii ]] || die "no .jsii: compile first (npx projen compile)"
name=$(node -p "require('./package.json').name")
version=${tag#v}
cache=.tmp/compat/$tag
if [[ ! -f $cache/.jsii ]]; then
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/compat.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$cache"
  if npm view "$name@$version" version >/dev/null 2>&1; then
    log "baseline: $name@$version from npm"
    (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null && tar -xzf ./*.tgz)
  else
    log "baseline: $tag is not on npm; compiling its sources with jsii"
    mkdir -p "$tmp/package"
    git archive "$tag" | tar -x -C "$tmp/package"
    ln -s "$(cd node_modules && pwd -P)" "$tmp/package/node_modules"
    (cd "$tmp/package" && npx jsii --silence-warnings=reserved-word --silence-warnings=metadata/missing-dev-dependency) \
      >"$tmp/jsii.log" 2>&1 || { tail -n 30 "$tmp/jsii.log" >&2; die "jsii could not compile $tag"; }
  fi
  cp "$tmp/package/package.json" "$tmp/package/.jsii" "$cache/"
fi

ignore=()
[[ -f .compatignore ]] && ignore=(--ignore-file .compatignore)
log "comparing the API of $tag (baseline) with this build"
npx jsii-diff "$cache" . --keys "${ignore[@]}" \
  || die "breaking change of a stable API since $tag (see above; an accepted change goes in .compatignore, and its commit says BREAKING CHANGE)"
# Experimental APIs (all of them while the library is 0.x and experimental) may break, but only declared: a commit since
# the tag marked breaking (type!: or a BREAKING CHANGE: footer), which makes the bump a minor (0.x) or major version.
if ! npx jsii-diff "$cache" . --keys "${ignore[@]}" --error-on all >/dev/null 2>&1; then
  if git log --format=%B "$tag..HEAD" | grep -qE '^BREAKING[ -]CHANGE:|^[a-z]+(\([^)]*\))?!:'; then
    log "experimental APIs changed incompatibly (warn above); a commit since $tag declares a breaking change: the bump reflects it"
  else
    die "experimental APIs changed incompatibly since $tag (warn above) and no commit declares it: mark the commit 'feat!:' or add a 'BREAKING CHANGE:' footer (CONTRIBUTING.md, Versioning)"
  fi
fi
log "PASS: the API is compatible with $tag, or its breaking changes are declared"
