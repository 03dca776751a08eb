#!/usr/bin/env bash
# The harness's servers, started and stopped one kind at a time (the tests stop and start them too):
#
#   scripts/app/servers.sh <work dir> start-pg|stop-pg|start-redis|stop-redis|redis-cli <port> <args...>
#
# <work dir> is the harness's temporary folder: its harness.env says the ports, users and files. PostgreSQL runs as
# PG_USER and Redis as SERVICE_USER when the harness runs as root (postgres refuses root); the Redis nodes read the
# current AUTH token from redis/token, which the rotation test rewrites, so that a restarted node takes the new one.
set -euo pipefail

work=${1:?usage: servers.sh <work dir> <command> [args]}
cmd=${2:?usage: servers.sh <work dir> <command> [args]}
shift 2
# shellcheck source=/dev/null
. "$work/harness.env"

# The prefix that runs a command as another user when the harness is root (setpriv execs: the pid stays the server's).
as_user() {
  if [ "$(id -u)" -eq 0 ] && [ "$1" != root ]; then
    echo "setpriv --reuid=$(id -u "$1") --regid=$(id -g "$1") --clear-groups --"
  fi
}

rcli() {
  local port=$1
  shift
  REDISCLI_AUTH=$(cat "$work/redis/token") redis-cli --tls --cacert "$CA_FILE" -h 127.0.0.1 -p "$port" "$@"
}

start_pg() {
  # shellcheck disable=SC2046 # the prefix's words
  $(as_user "$PG_USER") "$PG_BIN/pg_ctl" -D "$work/pg/data" -l "$work/pg/postgres.log" -w -t 60 start >/dev/null
}

stop_pg() {
  if [ -f "$work/pg/data/postmaster.pid" ]; then
    # shellcheck disable=SC2046 # the prefix's words
    $(as_user "$PG_USER") "$PG_BIN/pg_ctl" -D "$work/pg/data" -m fast -w -t 60 stop >/dev/null || true
  fi
}

start_redis() {
  local i=0 port token
  token=$(cat "$work/redis/token")
  for port in ${REDIS_PORTS//,/ }; do
    i=$((i + 1))
    local dir=$work/redis/node$i
    # The password in a file only the node's user reads (not on the command line, where ps shows it).
    (umask 077 && printf 'requirepass "%s"\nmasterauth "%s"\n' "$token" "$token" >"$dir/auth.conf")
    [ "$(id -u)" -ne 0 ] || chown "$SERVICE_USER" "$dir/auth.conf"
    # shellcheck disable=SC2046 # the prefix's words
    $(as_user "$SERVICE_USER") redis-server "$dir/auth.conf" --bind 127.0.0.1 --port 0 --tls-port "$port" \
      --tls-cert-file "$work/redis/server.crt" --tls-key-file "$work/redis/server.key" --tls-ca-cert-file "$CA_FILE" \
      --tls-auth-clients no --tls-cluster yes --tls-replication yes \
      --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 3000 \
      --dir "$dir" --appendonly no --save '' --daemonize no --logfile "$dir/redis.log" >/dev/null 2>&1 &
    echo $! >"$dir/pid"
  done
  for port in ${REDIS_PORTS//,/ }; do
    for _ in $(seq 100); do
      rcli "$port" PING 2>/dev/null | grep -q PONG && break
      sleep 0.1
    done
  done
}

stop_redis() {
  local pidfile pid
  for pidfile in "$work"/redis/node*/pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
}

# Until every node says cluster_state:ok and every replica's link to its primary is up.
wait_cluster() {
  local port deadline=$((SECONDS + 60))
  for port in ${REDIS_PORTS//,/ }; do
    until rcli "$port" CLUSTER INFO 2>/dev/null | grep -q '^cluster_state:ok'; do
      [ "$SECONDS" -lt "$deadline" ] || { echo "redis 127.0.0.1:$port: cluster_state not ok after 60 s" >&2; return 1; }
      sleep 0.2
    done
    until rcli "$port" INFO replication 2>/dev/null | grep -Eq '^role:master|^master_link_status:up'; do
      [ "$SECONDS" -lt "$deadline" ] || { echo "redis 127.0.0.1:$port: replica link not up after 60 s" >&2; return 1; }
      sleep 0.2
    done
  done
}

case $cmd in
  start-pg) start_pg ;;
  stop-pg) stop_pg ;;
  start-redis) start_redis ;;
  stop-redis) stop_redis ;;
  wait-cluster) wait_cluster ;;
  redis-cli) rcli "$@" ;;
  *) echo "unknown command: $cmd" >&2; exit 2 ;;
esac
