"""Runs cfn-lint over every template of one or more cloud assemblies (cdk.out directories) and summarizes.

Usage: python cfn_lint_run.py --config .cfnlintrc.yaml <cdk.out dir> [<cdk.out dir> ...]

Each template is linted against the region of its stack (read from the assembly's manifest.json), so region-specific
checks (instance types, engine versions, resource types) apply where the stack deploys.

The `ignore_checks` of the config file are applied here rather than by cfn-lint, so that the summary can count what
each ignore hides (an ignore that hides nothing is reported as stale). Every other key of the config file is passed to
cfn-lint unchanged. Reasons are the comment line above each `ignore_checks` entry.

Exit status: 0 when there is no error and no un-ignored warning; 1 otherwise; 2 when cfn-lint itself fails.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

DEFAULT_REGION = "us-east-1"


def stacks_of(assembly: Path) -> list[tuple[Path, str, str]]:
    """(template, stack name, region) of every stack of a cloud assembly, nested assemblies included."""
    manifest = json.loads((assembly / "manifest.json").read_text())
    found = []
    for name, artifact in sorted(manifest.get("artifacts", {}).items()):
        props = artifact.get("properties", {})
        if artifact.get("type") == "aws:cloudformation:stack":
            region = str(artifact.get("environment", "")).rsplit("/", 1)[-1]
            if not region or region.startswith("unknown-"):
                region = DEFAULT_REGION
            found.append((assembly / props["templateFile"], props.get("stackName", name), region))
        elif artifact.get("type") == "cdk:cloud-assembly":
            found.extend(stacks_of(assembly / props["directoryName"]))
    return found


def ignores_of(config_file: Path) -> tuple[dict, list[tuple[str, str]]]:
    """The config without `ignore_checks`, and each ignored check with the comment line above it."""
    text = config_file.read_text()
    config = yaml.safe_load(text) or {}
    ignore_ids = [str(i) for i in config.pop("ignore_checks", []) or []]
    reasons: dict[str, str] = {}
    comment = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            comment = stripped.lstrip("#").strip()
            continue
        match = re.match(r"-\s*['\"]?([A-Za-z0-9]+)['\"]?\s*(#.*)?$", stripped)
        if match:
            reasons[match.group(1)] = comment
        comment = ""
    missing = [i for i in ignore_ids if not reasons.get(i)]
    if missing:
        sys.exit(f"{config_file}: give each ignored check a reason, on one comment line above it (missing: {', '.join(missing)})")
    return config, [(i, reasons[i]) for i in ignore_ids]


def run_cfn_lint(config: dict, region: str, templates: list[Path]) -> list[dict]:
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
        yaml.safe_dump(config, handle)
        config_path = handle.name
    try:
        proc = subprocess.run(
            [str(cfn_lint), "--config-file", config_path, "--format", "json", "--regions", region, "--",
             *[str(t) for t in templates]],
            capture_output=True, text=True, check=False,
        )
    finally:
        os.unlink(config_path)
    # cfn-lint's exit status is a bit mask: 2 errors, 4 warnings, 8 informational; anything else is a failure to run.
    if proc.returncode & ~(2 | 4 | 8):
        sys.stderr.write(proc.stderr)
        sys.stderr.write(proc.stdout)
        print(f"cfn-lint failed to run (exit status {proc.returncode})", file=sys.stderr)
        sys.exit(2)
    try:
        return json.loads(proc.stdout or "[]")
    except json.JSONDecodeError:
        sys.stderr.write(proc.stdout + proc.stderr)
        print("cfn-lint printed no JSON", file=sys.stderr)
        sys.exit(2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True, help="the cfn-lint config file (.cfnlintrc.yaml)")
    parser.add_argument("assemblies", type=Path, nargs="+", help="cdk.out directories")
    args = parser.parse_args()

    started = time.monotonic()
    config, ignores = ignores_of(args.config)
    by_region: dict[str, list[Path]] = collections.defaultdict(list)
    checked = []
    for assembly in args.assemblies:
        if not (assembly / "manifest.json").is_file():
            sys.exit(f"{assembly}: not a cloud assembly (no manifest.json)")
        for template, stack, region in stacks_of(assembly):
            by_region[region].append(template)
            checked.append((assembly.name, stack, region, template))
    if not checked:
        sys.exit("no template to lint")

    findings = []
    for region, templates in sorted(by_region.items()):
        findings.extend(run_cfn_lint(config, region, templates))

    ignored: collections.Counter[str] = collections.Counter()
    reported = []
    for finding in findings:
        rule_id = finding["Rule"]["Id"]
        match = next((i for i, _ in ignores if rule_id.startswith(i)), None)
        if match:
            ignored[match] += 1
        else:
            reported.append(finding)

    cwd = Path.cwd()
    for finding in sorted(reported, key=lambda f: (f["Filename"], f["Location"]["Start"]["LineNumber"])):
        path = finding["Location"].get("Path") or []
        resource = path[1] if len(path) > 1 and path[0] == "Resources" else "-"
        filename = Path(finding["Filename"])
        shown = filename.relative_to(cwd) if filename.is_relative_to(cwd) else filename
        print(f"{finding['Level'].upper():<13} {finding['Rule']['Id']}  {shown}:{finding['Location']['Start']['LineNumber']}"
              f"  {resource}\n              {finding['Message']}")

    levels = collections.Counter(f["Level"] for f in reported)
    errors, warnings, infos = levels["Error"], levels["Warning"], levels["Informational"]
    print()
    print(f"cfn-lint {cfn_lint_version()}: {len(checked)} templates in {len(args.assemblies)} cloud assemblies, "
          f"{len(by_region)} regions ({', '.join(sorted(by_region))})")
    for assembly, stack, region, template in checked:
        print(f"  {assembly:<18} {stack:<40} {region:<14} {template.name}")
    print(f"errors: {errors}  warnings: {warnings}  informational: {infos}  "
          f"ignored: {sum(ignored.values())} (config {args.config.name})")
    for rule_id, reason in ignores:
        stale = "  <- hides nothing now: remove it?" if ignored[rule_id] == 0 else ""
        reason = re.sub(rf"^{re.escape(rule_id)}\s*:\s*", "", reason)
        print(f"  ignored {rule_id:<6} x{ignored[rule_id]:<3} {reason}{stale}")
    failed = errors > 0 or warnings > 0
    print(f"cfn-lint: {'FAILED' if failed else 'passed'} in {time.monotonic() - started:.1f}s")
    return 1 if failed else 0


def cfn_lint_version() -> str:
    from importlib.metadata import version

    return version("cfn-lint")


if __name__ == "__main__":
    sys.exit(main())
