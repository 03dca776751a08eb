/**
 * The example system, deployable with `npx cdk deploy --all` from this folder.
 *
 * It imports the library from source, and runs the four compliance packs the library promises to pass
 * (AwsSolutions, HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1): any unacknowledged finding fails the synth.
 * `cdk.json` turns on aws-cdk-lib's built-in CloudFormation rules, so a template error fails it too.
 *
 * Context (all optional):
 *   region          the region of the stacks (default: the CLI's region, else us-east-1)
 *   certificateArn  an ACM certificate in that region for the load balancer's HTTPS listener
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { NetworkFoundation, ResilientDataTier, ScalableWebTier } from '../src';

const app = new App();

const env = {
  account: process.env.CDK_DEFAULT_ACCOUNT,
  region: app.node.tryGetContext('region') ?? process.env.CDK_DEFAULT_REGION ?? 'us-east-1',
};
const certificateArn: string | undefined = app.node.tryGetContext('certificateArn');

const stack = new Stack(app, 'WebApp', {
  env,
  description: 'cdk-production-webapp example: the network, web and data tiers of the three-tier architecture',
});
const network = new NetworkFoundation(stack, 'Network');
const web = new ScalableWebTier(stack, 'Web', {
  vpc: network.vpc,
  certificate: certificateArn ? acm.Certificate.fromCertificateArn(stack, 'Certificate', certificateArn) : undefined,
  // Without a certificate the load balancer stays internal until SecureEdge (CloudFront) fronts it.
  internetFacing: certificateArn !== undefined,
});

// The data tier, reachable from the web tier on the database and cache ports only; the instances may read the
// two connection secrets and nothing else.
const data = new ResilientDataTier(stack, 'Data', { vpc: network.vpc });
data.allowConnectionsFrom(web);
data.grantReadSecrets(web.role);

if (!certificateArn) {
  // Until the example has an edge tier, a run without a certificate serves plain HTTP inside the VPC only.
  for (const pack of ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']) {
    for (const rule of ['ALBHttpToHttpsRedirection', 'ELBv2ACMCertificateRequired']) {
      Validations.of(web.httpListener).acknowledge({
        id: `${pack}-${rule}`,
        reason: 'Example run without -c certificateArn: the load balancer is internal (reachable only inside the VPC) ' +
          'and serves HTTP; pass an ACM certificate ARN for HTTPS.',
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
