# Shared by the Python, Java and Go example checks: script-common.sh (timing, messages, the scratch folder's
# cleanup), and the two configurations the examples are synthesized in. Source it after setting NAME.
# shellcheck shell=bash

# The messages' prefix, set by the caller.
: "${NAME:?set NAME before sourcing example-common.sh}"
# shellcheck source=script-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/script-common.sh"

# No context; and a domain, an alarm address and a region outside us-east-1 (companion and follower stacks).
configs=(default domain)
context_of() {
  case $1 in
    default) ;;
    domain) printf '%s\n' -c region=eu-west-1 -c domainName=www.example.com -c hostedZoneId=Z0123456789EXAMPLE \
      -c zoneName=example.com -c alarmEmail=ops@example.com ;;
    *) die "unknown configuration $1" ;;
  esac
}

# Checks that the script runs from the repository root, with the CDK CLI installed and the example app $1 there.
require_repository() {
  [[ -f package.json && -f examples/app.ts && -e $1 ]] \
    || die "run from the repository root (package.json, examples/app.ts, $1 not found in $PWD)"
  [[ -x node_modules/.bin/cdk ]] || die "node_modules/.bin/cdk not found (run: npm ci)"
}

# Warns when src/ changed after the package under test ($1) was built; $2 is the command that rebuilds it.
warn_if_stale() {
  local stale
  mapfile -t stale < <(find src -type f -newer "$1" | head -n 5)
  if [[ ${#stale[@]} -gt 0 ]]; then
    log "warning: src/ changed after $1 was built, differences may come from that (rebuild: $2):"
    printf '    %s\n' "${stale[@]}"
  fi
}

# Synthesizes the app of folder $3 in configuration $2 into $tmp/$2/$1.out, in the foreground; fails with its log.
synth_example() {
  local language=$1 config=$2 dir=$3 s context=()
  mapfile -t context < <(context_of "$config")
  s=$(date +%s%N)
  (cd "$dir" && npx cdk synth --quiet --no-notices -o "$tmp/$config/$language.out" "${context[@]}") \
    >"$tmp/$config/$language.log" 2>&1 \
    || { tail -n 40 "$tmp/$config/$language.log" >&2; die "$language synth ($config configuration) failed"; }
  log "$language synth, $config configuration: $(secs_since "$s")s"
}
