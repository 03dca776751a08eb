"""Smoke test of the cdk_production_webapp Python package.

Synthesizes two stacks with NetworkFoundation through the jsii Python bindings and checks the
CloudFormation templates. Run by scripts/python-smoke.sh in a fresh virtualenv; ends with the line
`python smoke: N passed, M failed` and exits 1 if anything failed.
"""

import sys
import tempfile
import traceback

EXPECTED_VPC_CIDR = "10.0.0.0/16"
EXPECTED_SUBNET_CIDRS = sorted([
    "10.0.1.0/24", "10.0.2.0/24",    # public
    "10.0.10.0/24", "10.0.11.0/24",  # application
    "10.0.20.0/24", "10.0.21.0/24",  # data
])

passed = 0
failures = []


def check(label, ok, detail=""):
    global passed
    if ok:
        passed += 1
    else:
        failures.append(f"{label}{': ' + detail if detail else ''}")
        print(f"  FAIL {label}{': ' + detail if detail else ''}")


def resources_of_type(template, resource_type):
    return [r for r in template.get("Resources", {}).values() if r.get("Type") == resource_type]


def check_stack(assembly, stack_name, expected_nat_gateways):
    template = assembly.get_stack_by_name(stack_name).template
    resources = template.get("Resources", {})

    vpcs = resources_of_type(template, "AWS::EC2::VPC")
    check(f"{stack_name}: exactly one AWS::EC2::VPC", len(vpcs) == 1, f"found {len(vpcs)}")
    vpc_cidr = vpcs[0].get("Properties", {}).get("CidrBlock") if len(vpcs) == 1 else None
    check(f"{stack_name}: VPC CidrBlock is {EXPECTED_VPC_CIDR}", vpc_cidr == EXPECTED_VPC_CIDR, f"got {vpc_cidr!r}")

    subnets = resources_of_type(template, "AWS::EC2::Subnet")
    check(f"{stack_name}: 6 AWS::EC2::Subnet", len(subnets) == 6, f"found {len(subnets)}")
    subnet_cidrs = sorted(str(s.get("Properties", {}).get("CidrBlock")) for s in subnets)
    check(f"{stack_name}: subnet CidrBlocks are {EXPECTED_SUBNET_CIDRS}", subnet_cidrs == EXPECTED_SUBNET_CIDRS,
          f"got {subnet_cidrs}")

    nat_gateways = resources_of_type(template, "AWS::EC2::NatGateway")
    check(f"{stack_name}: {expected_nat_gateways} AWS::EC2::NatGateway", len(nat_gateways) == expected_nat_gateways,
          f"found {len(nat_gateways)}")

    print(f"{stack_name}: {len(resources)} resources ({len(vpcs)} VPC, {len(subnets)} subnets, "
          f"{len(nat_gateways)} NAT gateways)")


def main(outdir):
    import aws_cdk
    import cdk_production_webapp as webapp

    app = aws_cdk.App(outdir=outdir, context={"@aws-cdk/core:validateAgainstDefaultRules": True})

    stack = aws_cdk.Stack(app, "PerAzNatStack")
    webapp.NetworkFoundation(stack, "Network")

    stack2 = aws_cdk.Stack(app, "SingleNatStack")
    webapp.NetworkFoundation(stack2, "Network", nat_strategy=webapp.NatStrategy.single(), max_azs=2)

    web_stack = aws_cdk.Stack(app, "WebTierStack", env=aws_cdk.Environment(region="eu-west-1"))
    network = webapp.NetworkFoundation(web_stack, "Network")
    webapp.ScalableWebTier(
        web_stack, "Web",
        vpc=network.vpc,
        scaling=webapp.FleetScaling.cpu_steps(scale_out_cpu_percent=75),
        health_check=webapp.WebTierHealthCheck(path="/ready"),
    )

    system = aws_cdk.Stack(app, "SystemStack", env=aws_cdk.Environment(account="123456789012", region="eu-west-1"))
    system_network = webapp.NetworkFoundation(system, "Network")
    access = webapp.CloudFrontOriginAccess(system, "OriginAccess")
    web = webapp.ScalableWebTier(system, "Web", vpc=system_network.vpc, cloud_front_origin_access=access)
    data = webapp.ResilientDataTier(
        system, "Data",
        vpc=system_network.vpc,
        cache=webapp.ReplicatedCacheOptions(engine=webapp.CacheEngine.valkey("8.0")),
    )
    data.allow_connections_from(web)
    data.grant_read_secrets(web.role)
    webapp.SecureEdge(
        system, "Edge",
        load_balancer=web.load_balancer,
        origin_access=access,
        operating_system_rules=[webapp.WebAclOperatingSystem.LINUX],
    )

    assembly = app.synth()
    print(f"synthesized cloud assembly in {assembly.directory}")

    check_stack(assembly, "PerAzNatStack", expected_nat_gateways=2)
    check_stack(assembly, "SingleNatStack", expected_nat_gateways=1)
    check_web_tier(assembly, "WebTierStack")
    check_system(assembly, "SystemStack")


def check_system(assembly, stack_name):
    template = assembly.get_stack_by_name(stack_name).template
    databases = resources_of_type(template, "AWS::RDS::DBInstance")
    check(f"{stack_name}: one Multi-AZ PostgreSQL database", len(databases) == 1
          and databases[0]["Properties"].get("Engine") == "postgres" and databases[0]["Properties"].get("MultiAZ") is True,
          f"got {[d.get('Properties', {}).get('Engine') for d in databases]}")
    caches = resources_of_type(template, "AWS::ElastiCache::ReplicationGroup")
    check(f"{stack_name}: one Valkey replication group (enum-like class from Python)", len(caches) == 1
          and caches[0]["Properties"].get("Engine") == "valkey", f"got {[c.get('Properties', {}).get('Engine') for c in caches]}")
    distributions = resources_of_type(template, "AWS::CloudFront::Distribution")
    check(f"{stack_name}: one CloudFront distribution", len(distributions) == 1, f"found {len(distributions)}")
    companions = [s for s in assembly.stacks if s.environment.region == "us-east-1"]
    acls = [r for s in companions for r in resources_of_type(s.template, "AWS::WAFv2::WebACL")]
    check(f"{stack_name}: the CLOUDFRONT web ACL in a us-east-1 companion stack, with the Linux rule group",
          len(acls) == 1 and "AWSManagedRulesLinuxRuleSet" in str(acls[0]["Properties"].get("Rules")),
          f"found {len(acls)} web ACLs in {len(companions)} us-east-1 stacks")
    print(f"{stack_name}: {len(template.get('Resources', {}))} resources, {len(companions)} us-east-1 companion stack(s)")


def check_web_tier(assembly, stack_name):
    template = assembly.get_stack_by_name(stack_name).template
    groups = resources_of_type(template, "AWS::AutoScaling::AutoScalingGroup")
    check(f"{stack_name}: one Auto Scaling group of 2 to 6", len(groups) == 1
          and groups[0]["Properties"].get("MinSize") == "2" and groups[0]["Properties"].get("MaxSize") == "6",
          f"got {[g.get('Properties', {}).get('MinSize') for g in groups]}")
    target_groups = resources_of_type(template, "AWS::ElasticLoadBalancingV2::TargetGroup")
    paths = [t["Properties"].get("HealthCheckPath") for t in target_groups]
    check(f"{stack_name}: health check path /ready (struct from Python)", paths == ["/ready"], f"got {paths}")
    # The CPU step scaling alarms (the tier's rollout alarm watches the target group instead).
    thresholds = sorted(a["Properties"].get("Threshold") for a in resources_of_type(template, "AWS::CloudWatch::Alarm")
                        if a["Properties"].get("MetricName") == "CPUUtilization")
    check(f"{stack_name}: CPU step alarms at 30 and 75 (static factory from Python)", thresholds == [30, 75],
          f"got {thresholds}")
    print(f"{stack_name}: {len(template.get('Resources', {}))} resources")


if __name__ == "__main__":
    try:
        with tempfile.TemporaryDirectory(prefix="python-smoke-cdk.out.") as outdir:
            main(outdir)
    except Exception:  # noqa: BLE001 - any error is a failed smoke test, reported with its traceback
        traceback.print_exc()
        failures.append("unexpected exception (see traceback above)")
    for failure in failures:
        print(f"FAILED: {failure}")
    print(f"python smoke: {passed} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)
