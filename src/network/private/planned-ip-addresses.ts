import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * Hands `ec2.Vpc` the exact CIDR of every subnet, by subnet group and Availability Zone order.
 *
 * `ec2.IpAddresses.cidr()` can only carve equal-sized blocks in sequence; this allocator lets each tier
 * and AZ have the block the plan names.
 */
export class PlannedIpAddresses implements ec2.IIpAddresses {
  constructor(private readonly vpcCidr: string, private readonly blocksByGroup: Record<string, string[]>) {}

  public allocateVpcCidr(): ec2.VpcIpamOptions {
    return { cidrBlock: this.vpcCidr };
  }

  public allocateSubnetsCidr(input: ec2.AllocateCidrRequest): ec2.SubnetIpamOptions {
    const seen: Record<string, number> = {};
    const allocatedSubnets = input.requestedSubnets.map(request => {
      const group = request.configuration.name;
      const index = seen[group] ?? 0;
      seen[group] = index + 1;
      const cidr = this.blocksByGroup[group]?.[index];
      if (cidr === undefined) {
        throw new Error(`The subnet plan has no CIDR block for subnet group '${group}' in Availability Zone #${index + 1}`);
      }
      return { cidr };
    });
    return { allocatedSubnets };
  }
}
