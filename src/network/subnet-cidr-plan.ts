/**
 * An explicit IPv4 address plan: one CIDR block per Availability Zone for each subnet tier.
 *
 * Each list is in Availability Zone order and holds exactly one block per AZ the network spans.
 * Blocks must be network addresses (`10.0.1.0/24`, not `10.0.1.7/24`) with a prefix from /16 to /28,
 * lie inside the VPC CIDR and not overlap one another.
 */
export interface SubnetCidrPlan {
  /**
   * CIDR blocks of the public subnets (load balancer, NAT gateways).
   */
  readonly publicSubnetCidrs: string[];

  /**
   * CIDR blocks of the private application subnets (the Auto Scaling fleet).
   */
  readonly applicationSubnetCidrs: string[];

  /**
   * CIDR blocks of the isolated data subnets (database and cache).
   *
   * Required when the data tier has its own subnets (`DataSubnetPlacement.ISOLATED`); must be omitted
   * with `DataSubnetPlacement.APPLICATION`.
   *
   * @default - none; required with `DataSubnetPlacement.ISOLATED`
   */
  readonly dataSubnetCidrs?: string[];
}
