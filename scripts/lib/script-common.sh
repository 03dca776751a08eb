# Shared by the checks of scripts/ (the example apps, the TypeScript consumer, the language docs, the release dry
# run): timing, messages, and on exit the scratch folder's cleanup and a PASS or FAILED line with the duration.
# Source it after setting NAME (the messages' prefix); put the scratch folder's path in `tmp`. KEEP=1 keeps it.
# shellcheck shell=bash

start_ns=$(date +%s%N)
tmp=""

secs_since() { awk -v s="$1" -v e="$(date +%s%N)" 'BEGIN { printf "%.1f", (e - s) / 1e9 }'; }
log() { echo "$NAME: $*"; }
die() { echo "$NAME: error: $*" >&2; exit 1; }

finish() {
  local status=$?
  # Let background jobs (synths still running) end before their output folder goes.
  wait || true
  if [[ -n "$tmp" ]]; then
    if [[ "${KEEP:-0}" == 1 ]]; then log "scratch folder kept: $tmp"; else rm -rf "$tmp"; fi
  fi
  if [[ $status -eq 0 ]]; then
    echo "$NAME: PASS in $(secs_since "$start_ns")s"
  else
    echo "$NAME: FAILED (exit $status) after $(secs_since "$start_ns")s" >&2
  fi
  exit "$status"
}
trap finish EXIT
