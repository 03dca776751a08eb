"""The example system in Python: the same app as ../app.ts, on the cdk-production-webapp Python package.

Run from this folder, in a virtualenv:

    python3 -m venv .venv && . .venv/bin/activate && pip install -r requirements.txt
    npx cdk synth            # or: npx cdk deploy --all

It runs the four compliance packs the library promises to pass (AwsSolutions, HIPAA Security,
NIST 800-53 R5, PCI DSS 3.2.1): any unacknowledged finding fails the synth. `cdk.json` turns on
aws-cdk-lib's built-in CloudFormation rules, so a template error fails it too.
scripts/python-example.sh checks that it synthesizes the same stacks and resources as ../app.ts.

Context (all optional):
  region        the region of the stacks (default: the CLI's region, else us-east-1); outside us-east-1 the
                edge adds a us-east-1 companion stack (CloudFront's web ACL and certificate) and a us-east-1
                follower stack (CloudFront and WAF alarms); the backups replicate to a companion stack in the
                paired disaster recovery region
  domainName    the site's name, e.g. www.example.com (with hostedZoneId and zoneName)
  hostedZoneId  the public hosted zone of domainName
  zoneName      the name of that zone, e.g. example.com
  alarmEmail    an address subscribed to the alarm topics (it must confirm the subscription)
"""

import os

from aws_cdk import App, Environment, Stack, Validations
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_s3_deployment as s3deploy
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks
from cdk_production_webapp import ProductionWebApp, WebApplication

# The sample application, as in app.ts: `npx projen app:build` bundles its release.
APPLICATION = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "application")
RELEASE = os.path.join(APPLICATION, "dist", "release")
if not os.path.isdir(RELEASE):
    raise SystemExit(f"{RELEASE} is missing: run `npx projen app:build` first (it bundles the sample application)")

app = App()

# As in app.ts: the region from the context, else the CLI's (CDK_DEFAULT_REGION), else us-east-1.
region = app.node.try_get_context("region")
if region is None:
    region = os.environ.get("CDK_DEFAULT_REGION", "us-east-1")
env = Environment(account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region=region)
domain_name = app.node.try_get_context("domainName")
hosted_zone_id = app.node.try_get_context("hostedZoneId")
zone_name = app.node.try_get_context("zoneName")
alarm_email = app.node.try_get_context("alarmEmail")

stack = Stack(
    app, "WebApp",
    env=env,
    description="cdk-production-webapp example: the three-tier architecture "
                "(network, web, data, edge, storage, monitoring)",
)

# The domain only with all three of its context values, as in app.ts (None is TypeScript's undefined).
hosted_zone = None
if domain_name and hosted_zone_id and zone_name:
    hosted_zone = route53.HostedZone.from_hosted_zone_attributes(
        stack, "HostedZone", hosted_zone_id=hosted_zone_id, zone_name=zone_name,
    )

ProductionWebApp(
    stack, "App",
    # The release is self-contained (its dependencies are bundled), so the instances only need Node.js.
    application=WebApplication.from_asset(RELEASE, runtime_packages=["nodejs22"], start="node-22 server.js"),
    static_content=[s3deploy.Source.asset(os.path.join(APPLICATION, "static"))],
    domain_name=domain_name if hosted_zone else None,
    hosted_zone=hosted_zone,
    alarm_email=alarm_email,
)

Validations.of(app).add_plugins(
    AwsSolutionsChecks(app),
    HIPAASecurityChecks(app),
    NIST80053R5Checks(app),
    PCIDSS321Checks(app),
)

app.synth()
