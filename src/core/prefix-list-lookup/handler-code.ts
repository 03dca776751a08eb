/**
 * Source of the prefix list lookup's `index.js` (Node.js, no dependency beyond the AWS SDK v3 that the Lambda
 * Node.js runtimes ship).
 *
 * Kept in a TypeScript module, not as a `.js` file, because jsii compiles `src/**\/*.ts` into `lib/` but copies nothing
 * else: a string constant ships inside the npm package, and so inside every jsii language package, with the code that
 * deploys it. `cloudFrontOriginFacingPrefixListId` writes it into a directory when it creates the provider.
 *
 * It runs behind aws-cdk-lib's `CustomResourceProvider` response wrapper (`__entrypoint__.js`), which calls
 * `handler(event)` and sends CloudFormation the `{ PhysicalResourceId, Data }` it returns, or FAILED when it throws.
 */
export const PREFIX_LIST_LOOKUP_CODE = `'use strict';
// Finds the ID of a managed prefix list, by name, in the function's own region, for the
// Custom::CdkProductionWebappPrefixListLookup resources of cdk-production-webapp.
// Generated from src/core/prefix-list-lookup/handler-code.ts: edit it there.

/** What the handler calls out to; replaced in tests. */
exports.external = {
  /** One page of EC2 DescribeManagedPrefixLists, in the region the function runs in (AWS_REGION). */
  async describeManagedPrefixLists(input) {
    // Required here, not at load time: the Lambda runtime ships it, the package that synthesizes this code need not.
    const { EC2Client, DescribeManagedPrefixListsCommand } = require('@aws-sdk/client-ec2');
    return new EC2Client({}).send(new DescribeManagedPrefixListsCommand(input));
  },
};

exports.handler = async function handler(event) {
  // The prefix list belongs to AWS: there is nothing of ours to delete.
  if (event.RequestType === 'Delete') return {};
  const name = event.ResourceProperties.PrefixListName;
  const region = process.env.AWS_REGION;
  if (typeof name !== 'string' || name === '') throw new Error('PrefixListName is required');

  const lists = [];
  let nextToken;
  do {
    // EC2 may return a page short of matches, or none, with a token for the next one: read them all.
    const input = { Filters: [{ Name: 'prefix-list-name', Values: [name] }] };
    if (nextToken) input.NextToken = nextToken;
    const response = await exports.external.describeManagedPrefixLists(input);
    lists.push(...(response.PrefixLists || []));
    nextToken = response.NextToken;
  } while (nextToken);

  if (lists.length === 0) {
    throw new Error('No managed prefix list named ' + name + ' in ' + region
      + ': AWS does not publish it in this region, so nothing here can admit only its addresses');
  }
  if (lists.length > 1) {
    throw new Error('Expected one managed prefix list named ' + name + ' in ' + region + ', found ' + lists.length
      + ': ' + lists.map(list => list.PrefixListId).join(', '));
  }
  const id = lists[0].PrefixListId;
  if (typeof id !== 'string' || id === '') throw new Error('The managed prefix list named ' + name + ' in ' + region + ' has no ID');
  console.log('Managed prefix list %s in %s is %s', name, region, id);
  return { PhysicalResourceId: id, Data: { PrefixListId: id } };
};
`;
