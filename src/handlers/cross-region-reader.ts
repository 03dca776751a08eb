/**
 * Reads a String parameter of another region for the `Custom::CdkProductionWebappCrossRegionReader` resources.
 *
 * Bundled into `assets/handlers/cross-region-reader/index.js`; it runs behind aws-cdk-lib's `CustomResourceProvider`
 * response wrapper, with the AWS SDK of the Lambda Node.js runtime.
 */
import type { CustomResourceEvent, CustomResourceResult, SdkClientClass, SdkCommandClass } from './sdk';

/** The slice of `@aws-sdk/client-ssm` the reader calls. */
interface SsmModule {
  readonly SSMClient: SdkClientClass;
  readonly GetParameterCommand: SdkCommandClass<{ Name: string }, { Parameter?: { Value?: string } }>;
}

/** The reader's properties, as `crossRegionValue` synthesizes them. */
export interface ReaderProperties {
  readonly Region: string;
  readonly ParameterName: string;
}

/** What the handler calls out to; replaced in tests. */
export const external = {
  async getParameter(region: string, name: string): Promise<string | undefined> {
    // Required here, not at load time: the Lambda runtime ships it, the package that synthesizes this code need not.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { SSMClient, GetParameterCommand } = require('@aws-sdk/client-ssm') as SsmModule;
    const response = await new SSMClient({ region }).send(new GetParameterCommand({ Name: name }));
    return response.Parameter?.Value;
  },
};

export async function handler(event: CustomResourceEvent<ReaderProperties>): Promise<CustomResourceResult<{ Value: string }>> {
  // The parameter belongs to the us-east-1 stack: there is nothing of ours to delete.
  if (event.RequestType === 'Delete') return {};
  const { Region: region, ParameterName: name } = event.ResourceProperties;
  const value = await external.getParameter(region, name);
  if (typeof value !== 'string') throw new Error(`SSM parameter ${name} in ${region} has no value`);
  console.log('Read SSM parameter %s in %s', name, region);
  return { PhysicalResourceId: name, Data: { Value: value } };
}
