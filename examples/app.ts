/**
 * The example system, deployable with `npx cdk deploy --all` from this folder.
 *
 * It imports the library from source, and runs the four compliance packs the library promises to pass
 * (AwsSolutions, HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1): any unacknowledged finding fails the synth.
 * `cdk.json` turns on aws-cdk-lib's built-in CloudFormation rules, so a template error fails it too.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { NetworkFoundation } from '../src';

const app = new App();

const env = {
  account: process.env.CDK_DEFAULT_ACCOUNT,
  region: app.node.tryGetContext('region') ?? process.env.CDK_DEFAULT_REGION,
};

const network = new Stack(app, 'WebAppNetwork', {
  env,
  description: 'cdk-production-webapp example: the network of the three-tier architecture',
});
new NetworkFoundation(network, 'Network');

Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app),
  new HIPAASecurityChecks(app),
  new NIST80053R5Checks(app),
  new PCIDSS321Checks(app),
);
