/**
 * Finds the ID of a managed prefix list, by name, in the function's own region, for the
 * `Custom::CdkProductionWebappPrefixListLookup` resources.
 *
 * Bundled into `assets/handlers/prefix-list-lookup/index.js`; it runs behind aws-cdk-lib's `CustomResourceProvider`
 * response wrapper, with the AWS SDK of the Lambda Node.js runtime.
 */
import type { CustomResourceEvent, CustomResourceResult, SdkClientClass, SdkCommandClass } from './sdk';

/** One page of EC2 DescribeManagedPrefixLists, as far as the lookup reads it. */
export interface PrefixListsPage {
  readonly PrefixLists?: Array<{ readonly PrefixListId?: string; readonly PrefixListName?: string }>;
  readonly NextToken?: string;
}

/** The input of EC2 DescribeManagedPrefixLists the lookup sends. */
export interface PrefixListsQuery {
  readonly Filters: Array<{ readonly Name: string; readonly Values: string[] }>;
  NextToken?: string;
}

/** The slice of `@aws-sdk/client-ec2` the lookup calls. */
interface Ec2Module {
  readonly EC2Client: SdkClientClass;
  readonly DescribeManagedPrefixListsCommand: SdkCommandClass<PrefixListsQuery, PrefixListsPage>;
}

/** What the handler calls out to; replaced in tests. */
export const external = {
  /** One page of EC2 DescribeManagedPrefixLists, in the region the function runs in (AWS_REGION). */
  async describeManagedPrefixLists(input: PrefixListsQuery): Promise<PrefixListsPage> {
    // Required here, not at load time: the Lambda runtime ships it, the package that synthesizes this code need not.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { EC2Client, DescribeManagedPrefixListsCommand } = require('@aws-sdk/client-ec2') as Ec2Module;
    return new EC2Client({}).send(new DescribeManagedPrefixListsCommand(input));
  },
};

export async function handler(event: CustomResourceEvent<{ PrefixListName?: unknown }>): Promise<CustomResourceResult<{ PrefixListId: string }>> {
  // The prefix list belongs to AWS: there is nothing of ours to delete.
  if (event.RequestType === 'Delete') return {};
  const name = event.ResourceProperties.PrefixListName;
  const region = process.env.AWS_REGION;
  if (typeof name !== 'string' || name === '') throw new Error('PrefixListName is required');

  const lists: NonNullable<PrefixListsPage['PrefixLists']> = [];
  let nextToken: string | undefined;
  do {
    // EC2 may return a page short of matches, or none, with a token for the next one: read them all.
    const input: PrefixListsQuery = { Filters: [{ Name: 'prefix-list-name', Values: [name] }] };
    if (nextToken) input.NextToken = nextToken;
    const response = await external.describeManagedPrefixLists(input);
    lists.push(...(response.PrefixLists ?? []));
    nextToken = response.NextToken;
  } while (nextToken);

  if (lists.length === 0) {
    throw new Error(`No managed prefix list named ${name} in ${region}`
      + ': AWS does not publish it in this region, so nothing here can admit only its addresses');
  }
  if (lists.length > 1) {
    throw new Error(`Expected one managed prefix list named ${name} in ${region}, found ${lists.length}: `
      + lists.map(list => list.PrefixListId).join(', '));
  }
  const id = lists[0].PrefixListId;
  if (typeof id !== 'string' || id === '') throw new Error(`The managed prefix list named ${name} in ${region} has no ID`);
  console.log('Managed prefix list %s in %s is %s', name, region, id);
  return { PhysicalResourceId: id, Data: { PrefixListId: id } };
}
