/**
 * Source of the cross-region reader's `index.js` (Node.js, no dependency beyond the AWS SDK v3 that the Lambda
 * Node.js runtimes ship).
 *
 * Kept in a TypeScript module, not as a `.js` file, because jsii compiles `src/**\/*.ts` into `lib/` but copies nothing
 * else: a string constant ships inside the npm package, and so inside every jsii language package, with the code that
 * deploys it. `crossRegionValue` writes it into a directory when it creates the provider.
 *
 * It runs behind aws-cdk-lib's `CustomResourceProvider` response wrapper (`__entrypoint__.js`), which calls
 * `handler(event)` and sends CloudFormation the `{ PhysicalResourceId, Data }` it returns, or FAILED when it throws.
 */
export const CROSS_REGION_READER_CODE = `'use strict';
// Reads a String parameter of another region for the Custom::CdkProductionWebappCrossRegionReader resources of
// cdk-production-webapp. Generated from src/core/cross-region-reader/handler-code.ts: edit it there.

/** What the handler calls out to; replaced in tests. */
exports.external = {
  async getParameter(region, name) {
    // Required here, not at load time: the Lambda runtime ships it, the package that synthesizes this code need not.
    const { SSMClient, GetParameterCommand } = require('@aws-sdk/client-ssm');
    const response = await new SSMClient({ region }).send(new GetParameterCommand({ Name: name }));
    return response.Parameter && response.Parameter.Value;
  },
};

exports.handler = async function handler(event) {
  // The parameter belongs to the us-east-1 stack: there is nothing of ours to delete.
  if (event.RequestType === 'Delete') return {};
  const { Region: region, ParameterName: name } = event.ResourceProperties;
  const value = await exports.external.getParameter(region, name);
  if (typeof value !== 'string') throw new Error('SSM parameter ' + name + ' in ' + region + ' has no value');
  console.log('Read SSM parameter %s in %s', name, region);
  return { PhysicalResourceId: name, Data: { Value: value } };
};
`;
