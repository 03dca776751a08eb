#!/usr/bin/env bash
# Offline deploy proof, rung 5: deploys the examples app to moto (a local AWS emulator) with the real CDK CLI, and
# audits the result with audit.py, which decides the exit code. From a fresh clone, after `npm ci`:
#
#   scripts/verify/moto/deploy.sh                       # the default region (us-east-1)
#   scripts/verify/moto/deploy.sh -c region=eu-west-1   # any `cdk synth` arguments, e.g. context
#   scripts/verify/moto/deploy.sh --domain [-c ...]     # the domain variant (anywhere among the arguments)
#
# --domain: before the synth, creates the public hosted zone example.com in moto's Route 53, and synthesizes with
# `-c domainName=www.example.com -c hostedZoneId=<its ID> -c zoneName=example.com`: the load balancer's certificate
# (origin.example.com) and HTTPS listener, the HTTP listener's redirect, the viewer certificate (www.example.com,
# us-east-1) and the alias records; audit.py then checks those too (its --domain-name ... arguments).
#
# Steps: a Python venv with moto (.venv-moto/, reused while the pinned version matches), the AWS SDK v3 clients the
# custom resource handlers require (as the Lambda runtime provides them), moto's server on a free port of 127.0.0.1
# (server.py: moto plus the custom resource bridge), `cdk synth` (in a scratch folder, so the availability zone
# lookup's cdk.context.json does not land in examples/), `cdk bootstrap` of every environment of the assembly,
# `cdk deploy --all`, audit.py, and the server stopped.
#
# Environment: MOTO_VENV (default <repo>/.venv-moto), MOTO_WORK (default a new /tmp/moto-deploy.XXXXXX, kept: logs,
# cloud assembly), MOTO_PORT (default: a free port), MOTO_KEEP_RUNNING=1 (leave the server up for inspection).
set -euo pipefail

domain=
synth_args=()
for arg in "$@"; do
  if [ "$arg" = --domain ]; then domain=1; else synth_args+=("$arg"); fi
done
DOMAIN_ZONE=example.com
DOMAIN_NAME=www.$DOMAIN_ZONE
variant="default (no domain)"
[ -z "$domain" ] || variant="domain ($DOMAIN_NAME)"

# The AWS SDK for JavaScript v3 clients the custom resource handlers and the origin header rotation function require,
# as the Lambda runtime ships them: the SDK release 3.1169.0, in which each client has the version of its own last
# change.
SDK_RELEASE=3.1169.0
SDK_CLIENTS=(@aws-sdk/client-ec2@3.1169.0 @aws-sdk/client-ssm@3.1169.0 @aws-sdk/client-secrets-manager@3.1164.0
  @aws-sdk/client-cloudfront@3.1164.0 @aws-sdk/client-elastic-load-balancing-v2@3.1142.0)

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
# shellcheck source=scripts/lib/moto-venv.sh
. "$root/scripts/lib/moto-venv.sh"
venv=${MOTO_VENV:-$root/.venv-moto}
work=${MOTO_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/moto-deploy.XXXXXX")}
mkdir -p "$work"
cdk="$root/node_modules/.bin/cdk"
[ -x "$cdk" ] || { echo "no $cdk: run npm ci first" >&2; exit 2; }

timings=()
step_start=0
step() { step_start=$(date +%s.%N); echo; echo "=== $1"; step_name=$1; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%7.1f s", b - a }'; }
step_end() { timings+=("$(printf '%-34s %s' "$step_name" "$(elapsed "$step_start")")"); }
total_start=$(date +%s.%N)

server_pid=
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    if [ "${MOTO_KEEP_RUNNING:-}" = 1 ]; then
      echo "moto server left running: pid $server_pid, http://127.0.0.1:$port"
    else
      kill "$server_pid" 2>/dev/null || true
      wait "$server_pid" 2>/dev/null || true
    fi
  fi
}
trap stop_server EXIT

step "Python venv with moto $MOTO_VERSION"
moto_venv "$venv"
echo "moto $("$venv/bin/python" -c 'import moto; print(moto.__version__)'), boto3 $("$venv/bin/python" -c 'import boto3; print(boto3.__version__)')"
step_end

step "Lambda runtime's AWS SDK $SDK_RELEASE"
runtime="$venv/lambda-runtime"
want="${SDK_CLIENTS[*]}"
if [ "$(cat "$runtime/installed" 2>/dev/null)" != "$want" ]; then
  rm -rf "$runtime" && mkdir -p "$runtime"
  echo '{"private": true}' > "$runtime/package.json"
  # shellcheck disable=SC2086
  (cd "$runtime" && npm install --no-audit --no-fund --loglevel=error --save-exact $want >/dev/null)
  echo "$want" > "$runtime/installed"
fi
echo "$want"
step_end

step "moto server"
port=${MOTO_PORT:-$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
endpoint="http://127.0.0.1:$port"
MOTO_BRIDGE_NODE_PATH="$runtime/node_modules" "$venv/bin/python" "$here/server.py" -H 127.0.0.1 -p "$port" \
  > "$work/moto.log" 2>&1 &
server_pid=$!
"$venv/bin/python" - "$endpoint" <<'PY'
import json, sys, time, urllib.request
deadline = time.time() + 60
while True:
    try:
        with urllib.request.urlopen(sys.argv[1] + '/moto-api/config', timeout=2) as response:
            config = json.load(response)
        break
    except OSError:
        if time.time() > deadline:
            sys.exit('moto did not answer within 60 s')
        time.sleep(0.2)
if config.get('lambda', {}).get('use_docker') is not False:
    sys.exit(f'moto config is {config}: expected lambda.use_docker false')
print('ready:', sys.argv[1], json.dumps(config))
PY
echo "log: $work/moto.log"
step_end

export AWS_ENDPOINT_URL="$endpoint"
# The CLI hands CloudFormation the template's S3 URL built from this endpoint; moto's CloudFormation reads the bucket
# from the path only when the URL's host is "localhost" (from 127.0.0.1:port it would take "127" as the bucket).
export AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION="http://localhost:$port"
# Path-style S3 addressing (the CLI also does it by itself for a loopback AWS_ENDPOINT_URL since 2.1148; explicit).
export CDK_S3_FORCE_PATH_STYLE=1
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
export AWS_REGION=${AWS_REGION:-us-east-1}
export AWS_DEFAULT_REGION=$AWS_REGION
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE CDK_DEFAULT_ACCOUNT CDK_DEFAULT_REGION
cli_version=$("$cdk" --version 2>/dev/null | head -1)
audit_args=()

if [ -n "$domain" ]; then
  step "hosted zone $DOMAIN_ZONE (--domain)"
  zone_id=$("$venv/bin/python" - "$endpoint" "$DOMAIN_ZONE" <<'PY'
import sys, time, boto3
endpoint, zone = sys.argv[1:]
route53 = boto3.client('route53', endpoint_url=endpoint, region_name='us-east-1')
created = route53.create_hosted_zone(Name=zone, CallerReference=f'moto-deploy-{time.time()}',
                                     HostedZoneConfig={'Comment': 'deploy.sh --domain', 'PrivateZone': False})
print(created['HostedZone']['Id'].rsplit('/', 1)[-1])
PY
)
  echo "public hosted zone $DOMAIN_ZONE: $zone_id; site $DOMAIN_NAME"
  synth_args+=(-c "domainName=$DOMAIN_NAME" -c "hostedZoneId=$zone_id" -c "zoneName=$DOMAIN_ZONE")
  audit_args+=(--domain-name "$DOMAIN_NAME" --zone-name "$DOMAIN_ZONE" --hosted-zone-id "$zone_id")
  step_end
fi

step "cdk synth"
# A scratch app folder: the same app and context as examples/cdk.json, with absolute paths.
mkdir -p "$work/app"
node - "$root" "$work" <<'JS'
const fs = require('fs');
const path = require('path');
const [root, work] = process.argv.slice(2);
const config = JSON.parse(fs.readFileSync(path.join(root, 'examples', 'cdk.json'), 'utf8'));
config.app = `${path.join(root, 'node_modules', '.bin', 'ts-node')} --transpile-only `
  + `--project ${path.join(root, 'tsconfig.dev.json')} --prefer-ts-exts ${path.join(root, 'examples', 'app.ts')}`;
config.output = path.join(work, 'cdk.out');
fs.writeFileSync(path.join(work, 'app', 'cdk.json'), JSON.stringify(config, null, 2));
JS
(cd "$work/app" && "$cdk" synth --quiet ${synth_args[@]+"${synth_args[@]}"} > "$work/synth.log" 2>&1) \
  || { tail -40 "$work/synth.log"; exit 1; }
mapfile -t environments < <(node -e '
const m = require(process.argv[1]);
const envs = new Set(Object.values(m.artifacts).filter(a => a.type === "aws:cloudformation:stack").map(a => a.environment));
console.log([...envs].sort().join("\n"));' "$work/cdk.out/manifest.json")
echo "environments: ${environments[*]}"
step_end

step "cdk bootstrap (${#environments[@]} environments)"
(cd "$work/app" && "$cdk" bootstrap --app "$work/cdk.out" "${environments[@]}" > "$work/bootstrap.log" 2>&1) \
  || { tail -40 "$work/bootstrap.log"; exit 1; }
grep -E '(✅|❌)' "$work/bootstrap.log" || true
step_end

step "cdk deploy --all"
deploy_rc=0
(cd "$work/app" && "$cdk" deploy --app "$work/cdk.out" --all --require-approval never --progress events \
  > "$work/deploy.log" 2>&1) || deploy_rc=$?
grep -E '(✅|❌|‣)' "$work/deploy.log" || true
echo "cdk deploy exit code: $deploy_rc (log: $work/deploy.log)"
step_end

step "audit"
audit_rc=0
"$venv/bin/python" "$here/audit.py" --endpoint "$endpoint" --assembly "$work/cdk.out" --moto-log "$work/moto.log" \
  --allow-list "$here/skipped-types.json" --cli-version "$cli_version" --node-path "$runtime/node_modules" \
  ${audit_args[@]+"${audit_args[@]}"} \
  || audit_rc=$?
step_end

stop_server
server_pid=

echo
echo "=== timings"
printf '%s\n' "${timings[@]}"
printf '%-34s %s\n' "total" "$(elapsed "$total_start")"
echo "CDK CLI $cli_version, moto $MOTO_VERSION; variant: $variant; work folder: $work"
if [ "$deploy_rc" -ne 0 ] || [ "$audit_rc" -ne 0 ]; then
  echo "RESULT: FAIL (cdk deploy exit $deploy_rc, audit exit $audit_rc)"
  exit 1
fi
echo "RESULT: PASS"
