/**
 * The example system, deployable with `npx cdk deploy --all` from this folder.
 *
 * It imports the library from source, and runs the four compliance packs the library promises to pass
 * (AwsSolutions, HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1): any unacknowledged finding fails the synth.
 * `cdk.json` turns on aws-cdk-lib's built-in CloudFormation rules, so a template error fails it too.
 *
 * Context (all optional):
 *   region        the region of the stacks (default: the CLI's region, else us-east-1); outside us-east-1 the
 *                 edge adds a us-east-1 companion stack (CloudFront's web ACL and certificate) and a us-east-1
 *                 follower stack (CloudFront and WAF alarms); the backups replicate to a companion stack in the
 *                 paired disaster recovery region
 *   domainName    the site's name, e.g. www.example.com (with hostedZoneId and zoneName)
 *   hostedZoneId  the public hosted zone of domainName
 *   zoneName      the name of that zone, e.g. example.com
 *   alarmEmail    an address subscribed to the alarm topics (it must confirm the subscription)
 *
 * It deploys the sample application of `application/` (a catalogue API on PostgreSQL and Redis) on the fleet, and its
 * static page to the static assets bucket: `npx projen app:build` bundles the release into `application/dist/release`
 * (`npx projen example` does it first).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { ProductionWebApp, WebApplication } from '../src';

const app = new App();

const env = {
  account: process.env.CDK_DEFAULT_ACCOUNT,
  region: app.node.tryGetContext('region') ?? process.env.CDK_DEFAULT_REGION ?? 'us-east-1',
};
const domainName: string | undefined = app.node.tryGetContext('domainName');
const hostedZoneId: string | undefined = app.node.tryGetContext('hostedZoneId');
const zoneName: string | undefined = app.node.tryGetContext('zoneName');
const alarmEmail: string | undefined = app.node.tryGetContext('alarmEmail');

const stack = new Stack(app, 'WebApp', {
  env,
  description: 'cdk-production-webapp example: the three-tier architecture (network, web, data, edge, storage, monitoring)',
});

const release = path.join(__dirname, 'application', 'dist', 'release');
if (!fs.existsSync(release)) {
  throw new Error(`${release} is missing: run \`npx projen app:build\` first (it bundles the sample application)`);
}

new ProductionWebApp(stack, 'App', {
  // The release is self-contained (its dependencies are bundled), so the instances only need Node.js.
  application: WebApplication.fromAsset(release, {
    runtimePackages: ['nodejs22'],
    start: 'node-22 server.js',
  }),
  staticContent: [s3deploy.Source.asset(path.join(__dirname, 'application', 'static'))],
  ...(domainName && hostedZoneId && zoneName ? {
    domainName,
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'HostedZone', { hostedZoneId, zoneName }),
  } : {}),
  alarmEmail,
});

Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app),
  new HIPAASecurityChecks(app),
  new NIST80053R5Checks(app),
  new PCIDSS321Checks(app),
);
