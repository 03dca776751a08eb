#!/usr/bin/env bash
# projen's `bump:next-version` (nextVersionCommand): decides the version only for the first release, 0.1.0 (projen
# would release 0.0.0). Once a release tag exists it prints nothing, and the version follows the conventional commits
# since that tag (commit-and-tag-version). projen passes the latest tag in LATEST_TAG; on a first release it names a
# tag that does not exist (v0.0.0).
set -euo pipefail
if [[ -z "${LATEST_TAG:-}" ]] || ! git rev-parse --verify --quiet "refs/tags/${LATEST_TAG}" >/dev/null; then
  echo 0.1.0
fi
