#!/usr/bin/env python3
"""Compares the cloud assemblies of an example app in another language with the TypeScript app's.

Usage: compare_assemblies.py <root> <strict 1|0> <language> <configuration>...
Reads <root>/<configuration>/<language>.out and <root>/<configuration>/typescript.out, and fails (exit 1) unless
both give the same stacks (environments, dependencies), the same construct tree, the same resource logical IDs and
types in every stack, identical stateful resources and the same compliance acknowledgments. Asset hashes and CDK
metadata are ignored. The other resources' properties, template outputs and parameters must match too when strict
(both sides on the same aws-cdk-lib); otherwise their differences are printed as notes.
Used by scripts/python-example.sh and scripts/java-example.sh.
"""
import json
import os
import re
import sys

root, strict, language, configs = sys.argv[1], sys.argv[2] == "1", sys.argv[3], sys.argv[4:]
Language = language.capitalize()
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
# The rule-ID prefixes of the four compliance packs (cdk-nag); other acknowledgments are aws-cdk-lib's own.
PACKS = ("AwsSolutions-", "HIPAA.Security-", "NIST.800.53.R5-", "PCI.DSS.321-")
hard, notes = [], []


def normalized(value):
    """The value with asset hashes replaced (they differ with the packaging, not with the app)."""
    return json.loads(HASH.sub("<hash>", json.dumps(value, sort_keys=True)))


def short(value):
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 200 else text[:200] + "..."


def differences(other, typescript, path=""):
    """The paths where two JSON values differ, with both values."""
    if isinstance(other, dict) and isinstance(typescript, dict):
        for key in sorted(set(other) | set(typescript)):
            yield from differences(other.get(key), typescript.get(key), f"{path}.{key}" if path else key)
    elif isinstance(other, list) and isinstance(typescript, list) and len(other) == len(typescript):
        for index, (a, b) in enumerate(zip(other, typescript)):
            yield from differences(a, b, f"{path}[{index}]")
    elif other != typescript:
        yield f"{path or '(value)'}: {language} {short(other)} != typescript {short(typescript)}"


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
        # Validations.acknowledge records 'Annotation::<rule>'; on aws-cdk-lib versions that refuse rule IDs with
        # several '::' (older ones, e.g. the Java and Python packages' floor), the library records '<rule>'.
        acknowledgments = {
            f"{rule.removeprefix('Annotation::')} @ {path}: {reason}"
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


def compare_sets(label, other, typescript, findings):
    for item in sorted(typescript - other):
        findings.append(f"{label}: only in TypeScript: {item}")
    for item in sorted(other - typescript):
        findings.append(f"{label}: only in {Language}: {item}")


for config in configs:
    other_stacks, other_paths = load(os.path.join(root, config, f"{language}.out"))
    ts_stacks, ts_paths = load(os.path.join(root, config, "typescript.out"))
    tag = f"[{config}]"
    compare_sets(f"{tag} stacks", set(other_stacks), set(ts_stacks), hard)
    compare_sets(f"{tag} construct tree", other_paths, ts_paths, hard)
    print(f"  {tag} {len(ts_stacks)} stack(s) in TypeScript, {len(other_stacks)} in {Language}; construct tree: "
          f"{len(ts_paths)} and {len(other_paths)} paths")
    for name in sorted(set(other_stacks) & set(ts_stacks)):
        other, ts = other_stacks[name], ts_stacks[name]
        label = f"{tag} {name}"
        for key in ("environment", "dependencies"):
            if other[key] != ts[key]:
                hard.append(f"{label}: {key}: {language} {other[key]} != typescript {ts[key]}")
        other_template, ts_template = other["template"], ts["template"]
        if other_template.get("Description") != ts_template.get("Description"):
            hard.append(f"{label}: Description: {language} {short(other_template.get('Description'))} "
                        f"!= typescript {short(ts_template.get('Description'))}")
        other_resources, ts_resources = other_template.get("Resources", {}), ts_template.get("Resources", {})
        compare_sets(f"{label} resources", {f"{i} ({r.get('Type')})" for i, r in other_resources.items()},
                     {f"{i} ({r.get('Type')})" for i, r in ts_resources.items()}, hard)
        for section in ("Parameters", "Outputs", "Conditions", "Mappings", "Rules"):
            compare_sets(f"{label} {section}", set(other_template.get(section, {})), set(ts_template.get(section, {})), hard)
            for key in sorted(set(other_template.get(section, {})) & set(ts_template.get(section, {}))):
                for difference in differences(normalized(other_template[section][key]), normalized(ts_template[section][key])):
                    (hard if strict else notes).append(f"{label} {section}.{key}: {difference}")
        compare_sets(f"{label} compliance acknowledgments",
                     {a for a in other["acknowledgments"] if a.startswith(PACKS)},
                     {a for a in ts["acknowledgments"] if a.startswith(PACKS)}, hard)
        compare_sets(f"{label} aws-cdk-lib acknowledgments",
                     {a for a in other["acknowledgments"] if not a.startswith(PACKS)},
                     {a for a in ts["acknowledgments"] if not a.startswith(PACKS)}, hard if strict else notes)
        compare_sets(f"{label} warnings", other["warnings"], ts["warnings"], hard if strict else notes)
        stateful = same_stateful = other = same_other = 0
        for logical_id in sorted(set(other_resources) & set(ts_resources)):
            a, b = other_resources[logical_id], ts_resources[logical_id]
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
              f"{len(other_resources)} in {Language}; stateful resources identical: {same_stateful}/{stateful}; "
              f"other resources identical: {same_other}/{other}")

for note in notes:
    print(f"  note (not compared strictly): {note}")
for finding in hard:
    print(f"  DIFFERENCE: {finding}")
if hard:
    print(f"  {len(hard)} difference(s) between the {Language} and TypeScript apps")
    sys.exit(1)
print(f"  same stacks, construct trees, resources and stateful properties in {len(configs)} configuration(s)"
      + (f"; {len(notes)} note(s)" if notes else ""))