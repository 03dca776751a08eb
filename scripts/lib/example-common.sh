# Shared by scripts/python-example.sh and scripts/java-example.sh: timing, messages, the scratch folder's cleanup,
# and the two configurations both examples are synthesized in. Source it after setting NAME (the messages' prefix).
# shellcheck shell=bash

start_ns=$(date +%s%N)
tmp=""

secs_since() { awk -v s="$1" -v e="$(date +%s%N)" 'BEGIN { printf "%.1f", (e - s) / 1e9 }'; }

finish() {
  local status=$?
  # Let the synths still running end before removing their output directory (they take seconds).
  wait || true
  if [[ -n "$tmp" ]]; then rm -rf "$tmp"; fi
  if [[ $status -eq 0 ]]; then
    echo "$NAME: PASS in $(secs_since "$start_ns")s"
  else
    echo "$NAME: FAILED (exit $status) after $(secs_since "$start_ns")s" >&2
  fi
  exit "$status"
}
trap finish EXIT

log() { echo "$NAME: $*"; }
die() { echo "$NAME: error: $*" >&2; exit 1; }

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
