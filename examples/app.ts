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
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { ProductionWebApp } from '../src';

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

new ProductionWebApp(stack, 'App', {
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
