import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * The VPC settings a NAT strategy resolves to.
 *
 * @internal
 */
export interface NatBinding {
  readonly natGateways: number;
  readonly natGatewayProvider?: ec2.NatProvider;
  /** Called once the VPC exists, to finish the NAT devices (NAT instances are hardened here). */
  readonly configure?: () => void;
}
