import { CfnResource, CustomResource, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { propError } from './errors';
import { handlerProviderServiceToken } from './handler-assets';

/** Type of the custom resource that looks a managed prefix list up by name; also its provider's ID in the stack. */
export const PREFIX_LIST_LOOKUP_TYPE = 'Custom::CdkProductionWebappPrefixListLookup';

/** The AWS-managed prefix list of CloudFront's origin-facing IPv4 addresses (one per region, each with its own ID). */
export const CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST_NAME = 'com.amazonaws.global.cloudfront.origin-facing';

/** ID, under its stack, of the stack's one lookup of the CloudFront origin-facing prefix list. */
export const CLOUDFRONT_PREFIX_LIST_LOOKUP_ID = 'CloudFrontOriginFacingPrefixList';

/**
 * The ID of the CloudFront origin-facing managed prefix list in the region of `scope`'s stack, resolved at deploy time
 * by a custom resource (one per stack, reused by every caller in that stack).
 *
 * The list is `com.amazonaws.global.cloudfront.origin-facing` (CloudFront's IPv4 origin-facing addresses). Its ID
 * differs from region to region and CloudFormation cannot look it up by name, and `ec2.PrefixList.fromLookup` needs
 * credentials at synthesis: instead, a `Custom::CdkProductionWebappPrefixListLookup` resource, with the ID
 * `CloudFrontOriginFacingPrefixList` under the stack, calls `ec2:DescribeManagedPrefixLists` (its only permission) in
 * the stack's region at deployment, and fails the deployment unless exactly one list has that name. The result is
 * that resource's `PrefixListId` attribute, a token: use it as `ec2.Peer.prefixList(id)`. It works in
 * environment-agnostic stacks too (the function runs in the region it is deployed to).
 *
 * A security group rule that references a prefix list counts as the list's maximum number of entries (55 for this
 * one at the time of writing), not as one rule, against the security group's rules quota (60 inbound rules by
 * default): reference it from one rule (one port, or one port range) per security group, and put a second port in
 * another security group.
 */
export function cloudFrontOriginFacingPrefixListId(scope: Construct): string {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(CLOUDFRONT_PREFIX_LIST_LOOKUP_ID);
  if (existing && !isLookup(existing)) {
    throw propError(scope, `the ID ${CLOUDFRONT_PREFIX_LIST_LOOKUP_ID}, which the lookup of the CloudFront origin-facing `
      + `prefix list takes under stack ${stack.node.path}, is taken by ${existing.node.path}; rename it.`);
  }
  const lookup = (existing as CustomResource | undefined) ?? new CustomResource(stack, CLOUDFRONT_PREFIX_LIST_LOOKUP_ID, {
    resourceType: PREFIX_LIST_LOOKUP_TYPE,
    serviceToken: lookupServiceToken(stack),
    properties: { PrefixListName: CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST_NAME },
  });
  return lookup.getAttString('PrefixListId');
}

/** Whether `construct` is a prefix list lookup (one this function created). */
function isLookup(construct: Construct): construct is CustomResource {
  const resource = construct.node.defaultChild;
  return construct instanceof CustomResource
    && CfnResource.isCfnResource(resource) && resource.cfnResourceType === PREFIX_LIST_LOOKUP_TYPE;
}

/** The service token of the stack's lookup provider, which may call ec2:DescribeManagedPrefixLists and nothing else. */
function lookupServiceToken(stack: Stack): string {
  return handlerProviderServiceToken(stack, PREFIX_LIST_LOOKUP_TYPE, 'prefix-list-lookup',
    'Looks up the ID of an AWS-managed prefix list by name in this region', [{
      Effect: 'Allow',
      Action: 'ec2:DescribeManagedPrefixLists',
      // A Describe action: it takes no resource ARNs.
      Resource: '*',
    }]);
}
