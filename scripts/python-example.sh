#!/usr/bin/env bash
# The Python example app (examples/python/app.py) against the wheel built by `npx projen package:python`
# (dist/python/*.whl): install the wheel and cdk-nag into a fresh virtualenv, synthesize the Python app and the
# TypeScript one (examples/app.ts) with the repository's CDK CLI, in two configurations (no context; a domain, an
# alarm address and a region outside us-east-1), then check that
#   - the Python synth passes the four compliance packs (examples/summary.ts reports 0 findings), and
#   - both apps give the same stacks (environments, dependencies), the same construct tree, the same resource
#     logical IDs and types in every stack, identical stateful resources (databases, caches, buckets, keys,
#     secrets, log groups, backup vaults, anything retained on delete) and the same compliance acknowledgments.
# Asset hashes and CDK metadata are ignored. The other resources' properties, template outputs and parameters
# must match too when both sides use the same aws-cdk-lib; otherwise their differences are printed as notes.
#
# aws-cdk-lib in the virtualenv: the version the TypeScript app uses (node_modules) when PyPI has it, else the
# newest the wheel admits (as scripts/python-smoke.sh). cdk-nag: the version in node_modules.
#
# Run from the repository root:  scripts/python-example.sh
# Environment: PYTHON (default python3) - interpreter used to create the virtualenv.
#              AWS_CDK_LIB_VERSION - pin aws-cdk-lib in the virtualenv to this version instead.
#              STRICT=1|0 - force or relax the comparison of every property (default: 1 when the aws-cdk-lib
#              versions of both sides are equal).
set -euo pipefail

start_ns=$(date +%s%N)
tmp=""

secs_since() { awk -v s="$1" -v e="$(date +%s%N)" 'BEGIN { printf "%.1f", (e - s) / 1e9 }'; }

finish() {
  local status=$?
  # Let the synths still running end before removing their output directory (they take seconds).
  wait || true
  if [[ -n "$tmp" ]]; then rm -rf "$tmp"; fi
  if [[ $status -eq 0 ]]; then
    echo "python-example: PASS in $(secs_since "$start_ns")s"
  else
    echo "python-example: FAILED (exit $status) after $(secs_since "$start_ns")s" >&2
  fi
  exit "$status"
}
trap finish EXIT

log() { echo "python-example: $*"; }
die() { echo "python-example: error: $*" >&2; exit 1; }

[[ -f package.json && -f examples/app.ts && -f examples/python/app.py && -f examples/summary.ts ]] \
  || die "run from the repository root (package.json, examples/app.ts, examples/python/app.py not found in $PWD)"
[[ -x node_modules/.bin/cdk && -x node_modules/.bin/ts-node ]] || die "node_modules/.bin/cdk not found (run: npm ci)"

python=${PYTHON:-python3}
command -v "$python" >/dev/null 2>&1 || die "$python not found"

shopt -s nullglob
wheels=(dist/python/*.whl)
shopt -u nullglob
[[ ${#wheels[@]} -eq 1 ]] \
  || die "expected exactly one wheel in dist/python, found ${#wheels[@]} (run: npx projen compile && npx projen package:python)"
wheel=${wheels[0]}
# The TypeScript app compiles src/ on the fly: if src/ changed since the wheel was built, the two may differ.
mapfile -t stale < <(find src -type f -newer "$wheel" | head -n 5)
if [[ ${#stale[@]} -gt 0 ]]; then
  log "warning: src/ changed after $wheel was built, differences may come from that (rebuild: npx projen compile && npx projen package:python):"
  printf '    %s\n' "${stale[@]}"
fi

ts_cdk=$(node -p "require('aws-cdk-lib/package.json').version")
nag=${CDK_NAG_VERSION:-$(node -p "require('cdk-nag/package.json').version")}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/python-example.XXXXXX")
tmp=$(cd "$tmp" && pwd -P)
venv="$tmp/venv"

export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1
export PIP_DISABLE_PIP_VERSION_CHECK=1

# Two configurations: the default one, and one with every context key outside us-east-1 (every stack appears).
configs=(default domain)
context_of() {
  case $1 in
    default) ;;
    domain) printf '%s\n' -c region=eu-west-1 -c domainName=www.example.com -c hostedZoneId=Z0123456789EXAMPLE \
      -c zoneName=example.com -c alarmEmail=ops@example.com ;;
    *) die "unknown configuration $1" ;;
  esac
}

# synth <language> <config> <app directory>: runs `cdk synth` with the context of <config> into
# $tmp/<config>/<language>.out, its output in .log and "<exit status> <seconds>" in .status. Run in the background.
synth() {
  local language=$1 config=$2 dir=$3 status=0 s context=()
  mapfile -t context < <(context_of "$config")
  s=$(date +%s%N)
  (cd "$dir" && npx cdk synth --quiet --no-notices -o "$tmp/$config/$language.out" "${context[@]}") \
    >"$tmp/$config/$language.log" 2>&1 || status=$?
  echo "$status $(secs_since "$s")" >"$tmp/$config/$language.status"
}

# check_synth <language> <config>: after `wait`, prints the timing; on failure, the end of the log.
check_synth() {
  local status seconds
  read -r status seconds <"$tmp/$2/$1.status"
  if [[ $status -ne 0 ]]; then
    tail -n 40 "$tmp/$2/$1.log" >&2
    die "$1 synth ($2 configuration) failed with exit $status after ${seconds}s; log above"
  fi
  log "$1 synth, $2 configuration: ${seconds}s"
}

for config in "${configs[@]}"; do mkdir -p "$tmp/$config"; done

# The TypeScript synths need no virtualenv: they run while pip installs.
log "synthesizing examples/app.ts (aws-cdk-lib $ts_cdk): ${configs[*]}"
for config in "${configs[@]}"; do synth typescript "$config" examples & done

s=$(date +%s%N)
log "creating virtualenv $venv ($("$python" --version 2>&1))"
"$python" -m venv "$venv"
# --no-compile: byte-compiling all of aws-cdk-lib takes longer than compiling, on import, the modules the app uses.
pip_install() { "$venv/bin/python" -m pip install -q --no-compile "$wheel" "cdk-nag==$nag" "$@" 2>&1; }
if [[ -n "${AWS_CDK_LIB_VERSION:-}" ]]; then
  log "installing $wheel, cdk-nag $nag, aws-cdk-lib $AWS_CDK_LIB_VERSION"
  pip_install "aws-cdk-lib==$AWS_CDK_LIB_VERSION" || die "pip install failed"
else
  log "installing $wheel, cdk-nag $nag, aws-cdk-lib $ts_cdk if PyPI has it (as the TypeScript app), else the newest"
  if ! out=$(pip_install "aws-cdk-lib==$ts_cdk"); then
    grep -q "No matching distribution found for aws-cdk-lib" <<<"$out" || { echo "$out" >&2; die "pip install failed"; }
    log "aws-cdk-lib $ts_cdk is not on PyPI: installing the newest the wheel admits"
    pip_install || die "pip install failed (is an aws-cdk-lib matching the wheel's requirement on PyPI?)"
  fi
fi
py_cdk=$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("aws-cdk-lib"))')
log "installed: $("$venv/bin/python" -m pip list --format=freeze 2>/dev/null \
  | grep -iE '^(cdk-production-webapp|aws-cdk-lib|constructs|cdk-nag|jsii)==' | tr '\n' ' ')"
# Import once, so that the parallel synths find the modules compiled (and a broken install fails here).
out=$("$venv/bin/python" -c 'import aws_cdk, cdk_nag, cdk_production_webapp' 2>&1) \
  || { echo "$out" >&2; die "cannot import the installed packages"; }
log "virtualenv ready in $(secs_since "$s")s"

# The CLI runs cdk.json's "python3 app.py": the virtualenv's python3, first on PATH.
export PATH="$venv/bin:$PATH" VIRTUAL_ENV="$venv"
[[ $(command -v python3) == "$venv/bin/python3" ]] || die "python3 on PATH is $(command -v python3), not the virtualenv's"

log "synthesizing examples/python/app.py (aws-cdk-lib $py_cdk): ${configs[*]}"
for config in "${configs[@]}"; do synth python "$config" examples/python & done
wait
for config in "${configs[@]}"; do
  check_synth typescript "$config"
  check_synth python "$config"
done

for config in "${configs[@]}"; do
  s=$(date +%s%N)
  log "examples/summary.ts over the Python synth, $config configuration:"
  npx ts-node --transpile-only --project tsconfig.dev.json examples/summary.ts "$tmp/$config/python.out" \
    | tee "$tmp/$config/summary.txt" | grep -vE '^ +[0-9]+ ' | sed 's/^/    /' \
    || die "examples/summary.ts failed over the Python synth ($config configuration)"
  grep -qx 'Unacknowledged compliance findings: 0' "$tmp/$config/summary.txt" \
    || die "compliance findings in the Python synth ($config configuration)"
  log "summary, $config configuration: $(secs_since "$s")s"
done

strict=${STRICT:-$([[ "$py_cdk" == "$ts_cdk" ]] && echo 1 || echo 0)}
s=$(date +%s%N)
log "comparing Python and TypeScript synths (aws-cdk-lib $py_cdk and $ts_cdk; other properties: $([[ $strict == 1 ]] && echo strictly || echo 'notes only, as the versions differ'))"
"$python" - "$tmp" "$strict" "${configs[@]}" <<'PY'
import json
import os
import re
import sys

root, strict, configs = sys.argv[1], sys.argv[2] == "1", sys.argv[3:]
HASH = re.compile(r"[0-9a-f]{64}")
# Resources whose replacement or change loses data or breaks clients: compared in full, always.
STATEFUL_TYPES = {
    "AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::RDS::DBSubnetGroup", "AWS::RDS::DBParameterGroup",
    "AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::CacheCluster", "AWS::ElastiCache::ServerlessCache",
    "AWS::ElastiCache::SubnetGroup", "AWS::S3::Bucket", "AWS::KMS::Key", "AWS::KMS::Alias",
    "AWS::SecretsManager::Secret", "AWS::Logs::LogGroup", "AWS::Backup::BackupVault", "AWS::Backup::BackupPlan",
    "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable", "AWS::EFS::FileSystem", "AWS::EC2::Volume",
    "AWS::SQS::Queue", "AWS::CloudTrail::Trail", "AWS::EC2::VPC", "AWS::EC2::Subnet",
}
RETAINED = {"Retain", "Snapshot", "RetainExceptOnCreate"}
hard, notes = [], []


def normalized(value):
    """The value with asset hashes replaced (they differ with the packaging, not with the app)."""
    return json.loads(HASH.sub("<hash>", json.dumps(value, sort_keys=True)))


def short(value):
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 200 else text[:200] + "..."


def differences(python, typescript, path=""):
    """The paths where two JSON values differ, with both values."""
    if isinstance(python, dict) and isinstance(typescript, dict):
        for key in sorted(set(python) | set(typescript)):
            yield from differences(python.get(key), typescript.get(key), f"{path}.{key}" if path else key)
    elif isinstance(python, list) and isinstance(typescript, list) and len(python) == len(typescript):
        for index, (a, b) in enumerate(zip(python, typescript)):
            yield from differences(a, b, f"{path}[{index}]")
    elif python != typescript:
        yield f"{path or '(value)'}: python {short(python)} != typescript {short(typescript)}"


def load(assembly):
    manifest = json.load(open(os.path.join(assembly, "manifest.json")))
    artifacts = manifest.get("artifacts", {})
    stacks = {}
    for name, artifact in artifacts.items():
        if artifact["type"] != "aws:cloudformation:stack":
            continue
        metadata = dict(artifact.get("metadata") or {})
        if artifact.get("additionalMetadataFile"):
            metadata.update(json.load(open(os.path.join(assembly, artifact["additionalMetadataFile"]))))
        acknowledgments = {
            f"{rule} @ {path}: {reason}"
            for path, entries in metadata.items() for entry in entries
            if entry.get("type") == "aws:cdk:acknowledged-rules"
            for rule, reason in entry.get("data", {}).items()
        }
        warnings = {f"{path}: {entry.get('data')}" for path, entries in metadata.items() for entry in entries
                    if entry.get("type") == "aws:cdk:warning"}
        stacks[name] = {
            "environment": artifact.get("environment"),
            "dependencies": sorted(d for d in artifact.get("dependencies", [])
                                   if artifacts.get(d, {}).get("type") == "aws:cloudformation:stack"),
            "template": json.load(open(os.path.join(assembly, artifact["properties"]["templateFile"]))),
            "acknowledgments": acknowledgments,
            "warnings": warnings,
        }
    paths = set()

    def walk(node):
        paths.add(node.get("path", ""))
        for child in (node.get("children") or {}).values():
            walk(child)
    walk(json.load(open(os.path.join(assembly, "tree.json")))["tree"])
    return stacks, paths


def compare_sets(label, python, typescript, findings):
    for item in sorted(typescript - python):
        findings.append(f"{label}: only in TypeScript: {item}")
    for item in sorted(python - typescript):
        findings.append(f"{label}: only in Python: {item}")


for config in configs:
    py_stacks, py_paths = load(os.path.join(root, config, "python.out"))
    ts_stacks, ts_paths = load(os.path.join(root, config, "typescript.out"))
    tag = f"[{config}]"
    compare_sets(f"{tag} stacks", set(py_stacks), set(ts_stacks), hard)
    compare_sets(f"{tag} construct tree", py_paths, ts_paths, hard)
    print(f"  {tag} {len(ts_stacks)} stack(s) in TypeScript, {len(py_stacks)} in Python; construct tree: "
          f"{len(ts_paths)} and {len(py_paths)} paths")
    for name in sorted(set(py_stacks) & set(ts_stacks)):
        py, ts = py_stacks[name], ts_stacks[name]
        label = f"{tag} {name}"
        for key in ("environment", "dependencies"):
            if py[key] != ts[key]:
                hard.append(f"{label}: {key}: python {py[key]} != typescript {ts[key]}")
        py_template, ts_template = py["template"], ts["template"]
        if py_template.get("Description") != ts_template.get("Description"):
            hard.append(f"{label}: Description: python {short(py_template.get('Description'))} "
                        f"!= typescript {short(ts_template.get('Description'))}")
        py_resources, ts_resources = py_template.get("Resources", {}), ts_template.get("Resources", {})
        compare_sets(f"{label} resources", {f"{i} ({r.get('Type')})" for i, r in py_resources.items()},
                     {f"{i} ({r.get('Type')})" for i, r in ts_resources.items()}, hard)
        for section in ("Parameters", "Outputs", "Conditions", "Mappings", "Rules"):
            compare_sets(f"{label} {section}", set(py_template.get(section, {})), set(ts_template.get(section, {})), hard)
            for key in sorted(set(py_template.get(section, {})) & set(ts_template.get(section, {}))):
                for difference in differences(normalized(py_template[section][key]), normalized(ts_template[section][key])):
                    (hard if strict else notes).append(f"{label} {section}.{key}: {difference}")
        compare_sets(f"{label} compliance acknowledgments",
                     {a for a in py["acknowledgments"] if a.startswith("Annotation::")},
                     {a for a in ts["acknowledgments"] if a.startswith("Annotation::")}, hard)
        compare_sets(f"{label} aws-cdk-lib acknowledgments",
                     {a for a in py["acknowledgments"] if not a.startswith("Annotation::")},
                     {a for a in ts["acknowledgments"] if not a.startswith("Annotation::")}, hard if strict else notes)
        compare_sets(f"{label} warnings", py["warnings"], ts["warnings"], hard if strict else notes)
        stateful = same_stateful = other = same_other = 0
        for logical_id in sorted(set(py_resources) & set(ts_resources)):
            a, b = py_resources[logical_id], ts_resources[logical_id]
            if a.get("Type") != b.get("Type") or a.get("Type") == "AWS::CDK::Metadata":
                continue
            is_stateful = (a.get("Type") in STATEFUL_TYPES or a.get("DeletionPolicy") in RETAINED
                           or b.get("DeletionPolicy") in RETAINED or a.get("UpdateReplacePolicy") in RETAINED)
            found = list(differences(normalized({k: v for k, v in a.items() if k != "Metadata"}),
                                     normalized({k: v for k, v in b.items() if k != "Metadata"})))
            if is_stateful:
                stateful += 1
                same_stateful += not found
            else:
                other += 1
                same_other += not found
            shown = found if len(found) <= 4 else found[:3] + [f"... and {len(found) - 3} more difference(s)"]
            for difference in shown:
                (hard if is_stateful or strict else notes).append(f"{label} {logical_id} ({a['Type']}): {difference}")
        print(f"  {tag} {name} ({ts['environment']}): {len(ts_resources)} resources in TypeScript, "
              f"{len(py_resources)} in Python; stateful resources identical: {same_stateful}/{stateful}; "
              f"other resources identical: {same_other}/{other}")

for note in notes:
    print(f"  note (not compared strictly): {note}")
for finding in hard:
    print(f"  DIFFERENCE: {finding}")
if hard:
    print(f"  {len(hard)} difference(s) between the Python and TypeScript apps")
    sys.exit(1)
print(f"  same stacks, construct trees, resources and stateful properties in {len(configs)} configuration(s)"
      + (f"; {len(notes)} note(s)" if notes else ""))
PY
log "comparison: $(secs_since "$s")s"
