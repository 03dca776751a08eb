/**
 * The example system, deployable with `npx cdk deploy --all` from this folder.
 *
 * It imports the library from source, and runs the four compliance packs the library promises to pass
 * (AwsSolutions, HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1): any unacknowledged finding fails the synth.
 * `cdk.json` turns on aws-cdk-lib's built-in CloudFormation rules, so a template error fails it too.
 *
 * Context (all optional):
 *   region        the region of the stacks (default: the CLI's region, else us-east-1); outside us-east-1 the
 *                 edge adds a us-east-1 companion stack for CloudFront's certificate and web ACL, and the backups
 *                 replicate to a companion stack in the paired disaster recovery region
 *   domainName    the site's name, e.g. www.example.com (with hostedZoneId and zoneName)
 *   hostedZoneId  the public hosted zone of domainName
 *   zoneName      the name of that zone, e.g. example.com
 *   alarmEmail    an address subscribed to the alarm topics (it must confirm the subscription)
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import {
  CloudFrontOriginAccess, NetworkFoundation, Observability, OriginCertificate, ResilientDataTier, ScalableWebTier,
  SecureEdge, StorageBuckets,
} from '../src';

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
  description: 'cdk-production-webapp example: the three-tier architecture (network, web, data, edge)',
});
const network = new NetworkFoundation(stack, 'Network');
// Static assets, backups (replicated to the disaster recovery region's companion stack) and logs.
const storage = new StorageBuckets(stack, 'Storage');

// With a domain: HTTPS from viewers to CloudFront and from CloudFront to the load balancer (origin.<domain>).
const hostedZone = domainName && hostedZoneId && zoneName
  ? route53.HostedZone.fromHostedZoneAttributes(stack, 'HostedZone', { hostedZoneId, zoneName })
  : undefined;
const origin = hostedZone ? new OriginCertificate(stack, 'Origin', { hostedZone }) : undefined;

// Only CloudFront reaches the load balancer: its origin-facing prefix list, and a secret header it sends.
const originAccess = new CloudFrontOriginAccess(stack, 'OriginAccess');

const web = new ScalableWebTier(stack, 'Web', {
  vpc: network.vpc,
  certificate: origin?.certificate,
  cloudFrontOriginAccess: originAccess,
  accessLogsBucket: storage.logs,
  // CloudFront's web ACL filters all traffic before it reaches the load balancer.
  regionalWebAcl: false,
});

const data = new ResilientDataTier(stack, 'Data', { vpc: network.vpc });
data.allowConnectionsFrom(web);
data.grantReadSecrets(web.role);

const edge = new SecureEdge(stack, 'Edge', {
  loadBalancer: web.loadBalancer,
  originAccess,
  staticAssetsBucket: storage.staticAssets,
  logsBucket: storage.logs,
  domainName: hostedZone ? domainName : undefined,
  hostedZone,
  originDomainName: origin?.domainName,
});

// Alarms for every tier to one topic (CloudFront's and WAF's in a us-east-1 follower stack outside us-east-1), the
// dashboard, and the CloudTrail trail.
new Observability(stack, 'Observability', {
  network,
  webTier: web,
  dataTier: data,
  edge,
  alarmEmails: alarmEmail ? [alarmEmail] : undefined,
});

// The load balancer's own web ACL is off because CloudFront's filters the traffic.
for (const pack of ['NIST.800.53.R5', 'PCI.DSS.321']) {
  Validations.of(web.loadBalancer).acknowledge({
    id: `${pack}-ALBWAFEnabled`,
    reason: 'The load balancer sits behind CloudFront, whose AWS WAF web ACL (SecureEdge) filters all requests.',
  });
}
if (!hostedZone) {
  // Without a domain there is no certificate for the load balancer: CloudFront reaches it over HTTP.
  for (const pack of ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']) {
    for (const rule of ['ALBHttpToHttpsRedirection', 'ELBv2ACMCertificateRequired']) {
      Validations.of(web.httpListener).acknowledge({
        id: `${pack}-${rule}`,
        reason: 'Example run without a domain: viewers use HTTPS to CloudFront, which reaches the load balancer over ' +
          'HTTP (only CloudFront can: prefix list and secret header); pass -c domainName=... -c hostedZoneId=... ' +
          '-c zoneName=... for HTTPS end to end.',
      });
    }
  }
}

Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app),
  new HIPAASecurityChecks(app),
  new NIST80053R5Checks(app),
  new PCIDSS321Checks(app),
);
