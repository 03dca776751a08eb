#!/usr/bin/env bash
# The API reference as Python and Java users read it: jsii-docgen renders the README and the API of the compiled
# assembly (.jsii) in Python and in Java into a temporary folder (nothing is committed; API.md stays the TypeScript
# one). Fails when jsii-docgen fails, when a code block is left in TypeScript (a snippet jsii-rosetta could not
# translate), when rosetta marks an example as non-compiling, or when code fences are unbalanced; prints what it
# rendered (sections, entries, code blocks per language).
#
# Run from the repository root after compiling (and `npx projen post-compile`, whose README snippet translations
# it reuses):  scripts/docgen-languages.sh   (or: npx projen docgen:languages)
# Environment: KEEP=1 keeps the rendered files (their folder is printed).
set -euo pipefail

NAME=docgen-languages
# shellcheck source=lib/script-common.sh
source "$(dirname "$0")/lib/script-common.sh"

[[ -f package.json && -f .jsii ]] || die "run from the repository root after compiling (package.json and .jsii not found in $PWD)"
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/docgen-languages.XXXXXX")

log "rendering the README and the API in Python and Java (jsii-docgen --readme)"
npx jsii-docgen --readme -l python -l java -o "$tmp/API" >"$tmp/docgen.log" 2>&1 \
  || { grep -v '^!!' "$tmp/docgen.log" | tail -n 40 >&2; die "jsii-docgen failed"; }

problems=0
for language in python java; do
  file=$tmp/API.$language.md
  [[ -s $file ]] || die "jsii-docgen wrote no $file"
  fences=$(grep -c '^```' "$file" || true)
  blocks=$(grep -c "^\`\`\`$language\$" "$file" || true)
  typescript=$(grep -cE '^```(ts|typescript)$' "$file" || true)
  noncompiling=$(grep -ci 'non-compiling' "$file" || true)
  count_section() {
    awk -v s="$1" '/^## / { on = ($0 ~ "^## " s " ") } on && /^### / { n++ } END { print n + 0 }' "$file"
  }
  log "$language: $(wc -c <"$file") bytes; constructs $(count_section Constructs), structs $(count_section Structs), classes $(count_section Classes), interfaces $(count_section Protocols), enums $(count_section Enums); $blocks $language code blocks"
  if (( fences % 2 != 0 )); then log "$language: $fences code fences, unbalanced"; problems=$((problems + 1)); fi
  if (( typescript > 0 )); then
    log "$language: $typescript code block(s) left in TypeScript (untranslated):"
    grep -nE '^```(ts|typescript)$' "$file" | head -n 5 | sed 's/^/    /'
    problems=$((problems + 1))
  fi
  if (( noncompiling > 0 )); then log "$language: $noncompiling example(s) marked non-compiling"; problems=$((problems + 1)); fi
done
(( problems == 0 )) || die "$problems rendering problem(s) (KEEP=1 keeps the files to read)"
