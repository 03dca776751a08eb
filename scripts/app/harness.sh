#!/usr/bin/env bash
# The sample application (examples/application) against real servers, on 127.0.0.1 only, in a temporary folder:
# PostgreSQL 15 (TLS, SCRAM, pg_stat_statements), a Redis 7 cluster of 2 shards x 1 replica (TLS, AUTH), and moto's
# Secrets Manager holding the two secrets; then the release bundle runs as the systemd unit runs it, and either the
# eight behaviour tests (jest, scripts/app/app.itest.ts) or the benchmark (scripts/app/bench.ts) run against it.
#
#   scripts/app/harness.sh           # the tests          (npx projen app:test)
#   scripts/app/harness.sh --bench   # the benchmark      (npx projen bench:app)
#   scripts/app/harness.sh --serve   # start everything, print the URLs, and wait (Ctrl-C stops it all)
#   scripts/app/harness.sh --keep    # keep the temporary folder (logs) even on success
#
# Installs what is missing with apt-get (as root). As root, PostgreSQL runs as the user postgres and Redis and the
# application as nobody; otherwise everything runs as the current user. Everything is stopped on exit, even on failure.
# Environment: MOTO_VENV (default <repo>/.venv-moto, shared with scripts/verify/moto/deploy.sh).
set -euo pipefail

mode='test'
keep=
for arg in "$@"; do
  case $arg in
    --bench) mode=bench ;;
    --serve) mode=serve ;;
    --keep) keep=1 ;;
    *) echo "usage: $0 [--bench | --serve] [--keep]" >&2; exit 2 ;;
  esac
done

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PG_BIN=/usr/lib/postgresql/15/bin
# shellcheck source=scripts/lib/moto-venv.sh
. "$root/scripts/lib/moto-venv.sh"
venv=${MOTO_VENV:-$root/.venv-moto}
total_start=$(date +%s.%N)
timings=()
step_start=$total_start
step_name=
step() {
  [ -z "$step_name" ] || timings+=("$(printf '%-60.60s %6.1f s' "$step_name" "$(awk -v a="$step_start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')")")
  step_name=$1
  step_start=$(date +%s.%N)
  [ -z "$1" ] || printf '\n=== %s\n' "$1"
}
print_timings() {
  step ''
  printf '\n=== Harness timing (%s)\n' "$mode"
  printf '%s\n' "${timings[@]}"
  printf '%-60s %6.1f s\n' total "$(awk -v a="$total_start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')"
}

step 'Packages (apt-get install what is missing)'
missing=()
{ [ -x "$PG_BIN/initdb" ] && [ -f /usr/lib/postgresql/15/lib/pg_stat_statements.so ]; } || missing+=(postgresql-15)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v redis-cli >/dev/null || missing+=(redis-tools)
command -v openssl >/dev/null || missing+=(openssl)
command -v setpriv >/dev/null || missing+=(util-linux)
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "missing packages: ${missing[*]} (run as root, or install them)" >&2; exit 2; }
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
redis-server --version
"$PG_BIN/postgres" --version

step "Python venv with moto $MOTO_VERSION ($venv)"
moto_venv "$venv"

step 'Release bundle (examples/application/build.ts)'
(cd "$root" && node_modules/.bin/ts-node --transpile-only --project tsconfig.dev.json examples/application/build.ts)

step 'Temporary folder, users, ports, TLS (harness CA, server certificate for 127.0.0.1 and localhost)'
work=$(mktemp -d "${TMPDIR:-/tmp}/app-harness.XXXXXX")
chmod 755 "$work"
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  PG_USER=postgres
  SERVICE_USER=nobody
else
  PG_USER=$(id -un)
  SERVICE_USER=$PG_USER
fi

app_pids=()
moto_pid=
sleep_pid=
status=1
# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
  set +e
  for pid in "${app_pids[@]}"; do kill "$pid" 2>/dev/null; done
  [ -z "$moto_pid" ] || kill "$moto_pid" 2>/dev/null
  [ -z "$sleep_pid" ] || kill "$sleep_pid" 2>/dev/null
  if [ -f "$work/harness.env" ]; then
    bash "$here/servers.sh" "$work" stop-redis
    bash "$here/servers.sh" "$work" stop-pg
  fi
  wait 2>/dev/null
  if [ "$status" -eq 0 ] && [ -z "$keep" ]; then
    rm -rf "$work"
  else
    echo "logs kept in $work (app/*.log, pg/postgres.log, redis/node*/redis.log, moto.log)"
  fi
}
trap 'status=$?; cleanup; exit $status' EXIT
trap 'exit 130' INT TERM

# Free ports of 127.0.0.1; a Redis node also needs its cluster bus port (port + 10000).
ports=$(python3 - <<'PY'
import random, socket
def free(p):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); return True
    except OSError:
        return False
    finally:
        s.close()
chosen = []
while len(chosen) < 8:
    p = random.randint(20000, 29999)
    if p not in chosen and p + 10000 not in chosen and free(p) and free(p + 10000):
        chosen.append(p)
print(" ".join(map(str, chosen)))
PY
)
read -r PG_PORT MOTO_PORT APP_PORT APP2_PORT R1 R2 R3 R4 <<<"$ports"

mkdir -p "$work/tls" "$work/pg" "$work/redis" "$work/app"
(
  cd "$work/tls"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj '/CN=webapp harness CA' \
    -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj '/CN=localhost' 2>/dev/null
  printf '%s\n' 'subjectAltName=IP:127.0.0.1,DNS:localhost' 'basicConstraints=CA:FALSE' \
    'keyUsage=critical,digitalSignature,keyEncipherment' 'extendedKeyUsage=serverAuth,clientAuth' >server.ext
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile server.ext 2>/dev/null
  chmod 644 ca.crt server.crt
)
CA_FILE=$work/tls/ca.crt
for dir in pg redis; do cp "$work/tls/server.crt" "$work/tls/server.key" "$work/$dir/"; chmod 600 "$work/$dir/server.key"; done
chown -R "$PG_USER" "$work/pg"
chmod 700 "$work/pg"
for i in 1 2 3 4; do mkdir -p "$work/redis/node$i"; done
DB_PASSWORD=$(openssl rand -hex 16)
PG_SUPERUSER_PASSWORD=$(openssl rand -hex 16)
openssl rand -hex 24 >"$work/redis/token"
chown -R "$SERVICE_USER" "$work/redis" "$work/app"
chmod 600 "$work/redis/token"

cat >"$work/harness.env" <<ENV
WORK=$work
PG_BIN=$PG_BIN
PG_USER=$PG_USER
SERVICE_USER=$SERVICE_USER
PG_PORT=$PG_PORT
PG_SUPERUSER=harness
PG_SUPERUSER_PASSWORD=$PG_SUPERUSER_PASSWORD
DB_PASSWORD=$DB_PASSWORD
CA_FILE=$CA_FILE
REDIS_PORTS=$R1,$R2,$R3,$R4
REDIS_TOKEN_FILE=$work/redis/token
MOTO_URL=http://127.0.0.1:$MOTO_PORT
SERVERS=$here/servers.sh
ENV
echo "work folder $work; ports: postgres $PG_PORT, redis $R1 $R2 $R3 $R4, moto $MOTO_PORT, app $APP_PORT (cache), $APP2_PORT (no cache)"

step 'PostgreSQL 15: TLS only, SCRAM, pg_stat_statements'
run_pg() { if [ "$(id -u)" -eq 0 ]; then setpriv --reuid="$(id -u "$PG_USER")" --regid="$(id -g "$PG_USER")" --clear-groups -- "$@"; else "$@"; fi; }
run_pg "$PG_BIN/initdb" -D "$work/pg/data" -U postgres -E UTF8 --no-locale --auth-local=trust --auth-host=scram-sha-256 >"$work/pg/initdb.log"
cat >>"$work/pg/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$work/pg'
ssl = on
ssl_cert_file = '$work/pg/server.crt'
ssl_key_file = '$work/pg/server.key'
ssl_min_protocol_version = 'TLSv1.2'
password_encryption = 'scram-sha-256'
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
max_connections = 200
# A scratch database: durability is not what is tested.
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
# Unix socket (a private folder) for the harness's own setup; TCP only with TLS and SCRAM: no 'host' line.
printf '%s\n' 'local all all trust' 'hostssl all all 127.0.0.1/32 scram-sha-256' >"$work/pg/data/pg_hba.conf"
bash "$here/servers.sh" "$work" start-pg
psql -X -q -v ON_ERROR_STOP=1 -h "$work/pg" -p "$PG_PORT" -U postgres -d postgres \
  -v db_password="$DB_PASSWORD" -v su_password="$PG_SUPERUSER_PASSWORD" <<'SQL'
CREATE ROLE dbadmin LOGIN CREATEDB PASSWORD :'db_password';
CREATE ROLE harness LOGIN SUPERUSER PASSWORD :'su_password';
CREATE DATABASE app OWNER dbadmin;
\c app
CREATE EXTENSION pg_stat_statements;
SQL

step 'Redis 7 cluster: 2 shards x 1 replica, TLS, AUTH'
bash "$here/servers.sh" "$work" start-redis
rcli() { bash "$here/servers.sh" "$work" redis-cli "$@"; }
# redis-cli --cluster create refuses fewer than 3 primaries, so the 2 x 1 topology is built by hand.
for port in $R2 $R3 $R4; do rcli "$R1" CLUSTER MEET 127.0.0.1 "$port" >/dev/null; done
rcli "$R1" CLUSTER ADDSLOTSRANGE 0 8191 >/dev/null
rcli "$R2" CLUSTER ADDSLOTSRANGE 8192 16383 >/dev/null
for port in $R1 $R2 $R3 $R4; do
  for _ in $(seq 100); do [ "$(rcli "$port" CLUSTER NODES | grep -c .)" -eq 4 ] && break; sleep 0.1; done
done
rcli "$R3" CLUSTER REPLICATE "$(rcli "$R1" CLUSTER MYID)" >/dev/null
rcli "$R4" CLUSTER REPLICATE "$(rcli "$R2" CLUSTER MYID)" >/dev/null
bash "$here/servers.sh" "$work" wait-cluster
rcli "$R1" CLUSTER NODES | awk '{ print "  " $2, $3, $9 }'

step 'Secrets Manager (moto) with the two secrets'
"$venv/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" >"$work/moto.log" 2>&1 &
moto_pid=$!
arns=$(MOTO_URL=http://127.0.0.1:$MOTO_PORT DB_PASSWORD=$DB_PASSWORD PG_PORT=$PG_PORT TOKEN_FILE=$work/redis/token \
  "$venv/bin/python" - <<'PY'
import json, os, time, urllib.request
url = os.environ["MOTO_URL"]
for _ in range(100):
    try:
        urllib.request.urlopen(url + "/moto-api/", timeout=1); break
    except Exception:
        time.sleep(0.1)
import boto3
sm = boto3.client("secretsmanager", endpoint_url=url, region_name="us-east-1",
                  aws_access_key_id="testing", aws_secret_access_key="testing")
db = sm.create_secret(Name="webapp/database", SecretString=json.dumps({
    "username": "dbadmin", "password": os.environ["DB_PASSWORD"], "engine": "postgres", "host": "127.0.0.1",
    "port": int(os.environ["PG_PORT"]), "dbname": "app", "dbInstanceIdentifier": "webapp-harness"}))
token = open(os.environ["TOKEN_FILE"]).read().strip()
cache = sm.create_secret(Name="webapp/cache-auth-token", SecretString=token)
print(db["ARN"], cache["ARN"])
PY
)
read -r DB_SECRET_ARN CACHE_SECRET_ARN <<<"$arns"
printf 'DB_SECRET_ARN=%s\nCACHE_SECRET_ARN=%s\n' "$DB_SECRET_ARN" "$CACHE_SECRET_ARN" >>"$work/harness.env"

step 'Application: the release, as the systemd unit runs it (two instances start at once: one migrates)'
cp -r "$root/examples/application/dist/release" "$work/release"
# /etc/webapp/config.env as the user data writes it, plus the harness's endpoint, credentials and CA.
cat >"$work/app/config.env" <<ENV
DATABASE_HOST=127.0.0.1
DATABASE_PORT=$PG_PORT
DATABASE_SECRET_ARN=$DB_SECRET_ARN
DATABASE_REPLICA_HOSTS=localhost
CACHE_HOST=127.0.0.1
CACHE_PORT=$R1
CACHE_AUTH_TOKEN_SECRET_ARN=$CACHE_SECRET_ARN
BUCKETS_STATIC_ASSETS=webapp-static-assets-harness
BUCKETS_BACKUPS=webapp-backups-harness
AWS_REGION=us-east-1
AWS_ENDPOINT_URL=http://127.0.0.1:$MOTO_PORT
AWS_ACCESS_KEY_ID=testing
AWS_SECRET_ACCESS_KEY=testing
DATABASE_TLS_CA_FILE=$CA_FILE
CACHE_TLS_CA_FILE=$CA_FILE
ENV
cp "$work/app/config.env" "$work/app/config-nocache.env"
echo 'CACHE_DISABLED=true' >>"$work/app/config-nocache.env"
chmod 644 "$work/app/"*.env
start_app() { # <port> <env file> <log>
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid="$(id -u "$SERVICE_USER")" --regid="$(id -g "$SERVICE_USER")" --clear-groups -- \
      env -i PATH=/usr/local/bin:/usr/bin:/bin PORT="$1" HEALTH_CHECK_PATH=/health \
      "$(command -v node)" --env-file="$2" "$work/release/server.js" >"$3" 2>&1 &
  else
    env -i PATH=/usr/local/bin:/usr/bin:/bin PORT="$1" HEALTH_CHECK_PATH=/health \
      "$(command -v node)" --env-file="$2" "$work/release/server.js" >"$3" 2>&1 &
  fi
  app_pids+=($!)
}
cd "$work/release" # the unit's WorkingDirectory
start_app "$APP_PORT" "$work/app/config.env" "$work/app/app.log"
APP_PID=${app_pids[-1]}
start_app "$APP2_PORT" "$work/app/config-nocache.env" "$work/app/app-nocache.log"
APP2_PID=${app_pids[-1]}
cd "$root"
wait_ready() { # <port> <pid>
  for _ in $(seq 300); do
    kill -0 "$2" 2>/dev/null || { echo "the application on port $1 exited" >&2; return 1; }
    python3 -c "import sys, urllib.request; urllib.request.urlopen('http://127.0.0.1:$1/ready', timeout=2)" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "the application on port $1 is not ready after 30 s" >&2
  return 1
}
wait_ready "$APP_PORT" "$APP_PID"
wait_ready "$APP2_PORT" "$APP2_PID"
grep -h '"migrations done"' "$work/app/app.log" "$work/app/app-nocache.log"
cat >>"$work/harness.env" <<ENV
APP_URL=http://127.0.0.1:$APP_PORT
APP_PID=$APP_PID
APP_LOG=$work/app/app.log
APP2_URL=http://127.0.0.1:$APP2_PORT
APP2_PID=$APP2_PID
ENV
psql -X -q -v ON_ERROR_STOP=1 -h "$work/pg" -p "$PG_PORT" -U postgres -d app <<'SQL'
INSERT INTO items (id, name, description)
SELECT g, 'item ' || g, 'seeded by the harness' FROM generate_series(1, 300000) g ON CONFLICT (id) DO NOTHING;
ANALYZE items;
SQL

result=0
if [ "$mode" = serve ]; then
  step 'Serving (Ctrl-C stops everything)'
  echo "application: http://127.0.0.1:$APP_PORT (cache), http://127.0.0.1:$APP2_PORT (no cache); environment: $work/harness.env"
  sleep infinity &
  sleep_pid=$!
  wait "$sleep_pid" || true
elif [ "$mode" = test ]; then
  step 'Tests: the eight behaviours (jest, scripts/app/app.itest.ts)'
  HARNESS_ENV=$work/harness.env node_modules/.bin/jest --config scripts/app/jest.config.json --runInBand || result=$?
  # The last test stopped the application with SIGTERM: it must have exited by itself, with status 0.
  app_status=0
  if kill -0 "$APP_PID" 2>/dev/null; then
    echo 'the application is still running after the tests: stopping it' >&2
    kill "$APP_PID"
    result=1
  fi
  wait "$APP_PID" || app_status=$?
  echo "application exit status after SIGTERM: $app_status"
  [ "$app_status" -eq 0 ] || result=1
else
  step 'Benchmark (scripts/app/bench.ts, autocannon)'
  HARNESS_ENV=$work/harness.env node_modules/.bin/ts-node --transpile-only --project tsconfig.dev.json scripts/app/bench.ts || result=$?
fi
print_timings
exit "$result"
