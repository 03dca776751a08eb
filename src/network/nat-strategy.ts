import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { NatBinding } from './private/nat-binding';
import { REGULATORY_PACKS, acknowledgeFinding } from '../core/compliance';
import { propError } from '../core/errors';

/**
 * Options for NAT gateways.
 */
export interface NatGatewayOptions {
  /**
   * Elastic IP allocation IDs to give the NAT gateways, in Availability Zone order,
   * for example to keep egress addresses that partners have allow-listed.
   *
   * Must hold exactly one ID per NAT gateway.
   *
   * @default - a new Elastic IP for each NAT gateway
   */
  readonly eipAllocationIds?: string[];
}

/**
 * Options for NAT instances.
 */
export interface NatInstanceOptions {
  /**
   * Instance type of the NAT instances. The AMI's architecture follows it (Graviton types get an arm64 image).
   *
   * @default - t4g.nano, the smallest Graviton type
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * Whether each Availability Zone gets its own NAT instance; otherwise one instance serves all.
   *
   * @default true
   */
  readonly perAz?: boolean;
}

/**
 * How the application subnets reach the internet.
 *
 * The architecture specifies `NatStrategy.perAz()`: one NAT gateway in each Availability Zone, so that losing
 * an AZ never cuts the other AZ's egress.
 */
export class NatStrategy {
  /**
   * One NAT gateway in each Availability Zone, each with its Elastic IP (the architecture's design: a zone's outage does not cut the other's outbound traffic).
   */
  public static perAz(options: NatGatewayOptions = {}): NatStrategy {
    return new NatStrategy('perAz', 'gateway', undefined, options.eipAllocationIds);
  }

  /**
   * A single NAT gateway in the first Availability Zone, shared by all application subnets.
   *
   * Cheaper (one gateway-hour instead of one per AZ) but not AZ-resilient: when that AZ fails, every
   * application subnet loses internet egress, and cross-AZ traffic to the gateway is billed.
   */
  public static single(options: NatGatewayOptions = {}): NatStrategy {
    return new NatStrategy('single', 'gateway', 1, options.eipAllocationIds);
  }

  /**
   * NAT instances (EC2) instead of managed gateways: cheapest for low traffic, but you patch and watch them.
   */
  public static instances(options: NatInstanceOptions = {}): NatStrategy {
    return new NatStrategy(
      options.perAz === false ? 'singleInstance' : 'instances', 'instance', options.perAz === false ? 1 : undefined,
      undefined, options.instanceType);
  }

  /**
   * No NAT: the application subnets have no route out of the VPC.
   *
   * Instances then reach AWS services only through VPC endpoints (see `interfaceEndpoints`).
   */
  public static none(): NatStrategy {
    return new NatStrategy('none', 'none', 0);
  }

  private constructor(
    /** The factory that made this strategy, for error messages. */
    private readonly label: string,
    private readonly kind: 'gateway' | 'instance' | 'none',
    /** Fixed number of NAT devices; undefined means one per AZ. */
    private readonly fixedCount?: number,
    private readonly eipAllocationIds?: string[],
    private readonly instanceType?: ec2.InstanceType,
  ) {}

  /** Whether the application subnets get a route to the internet. */
  public get providesEgress(): boolean {
    return this.kind !== 'none';
  }

  /**
   * The NAT settings of the VPC for `azCount` Availability Zones.
   *
   * @internal
   */
  public _bind(scope: IConstruct, azCount: number): NatBinding {
    const count = this.fixedCount ?? azCount;
    this.validateEipAllocationIds(scope, count);
    switch (this.kind) {
      case 'none':
        return { natGateways: 0 };
      case 'gateway':
        return {
          natGateways: count,
          natGatewayProvider: ec2.NatProvider.gateway({ eipAllocationIds: this.eipAllocationIds }),
        };
      case 'instance': {
        const instanceType = this.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO);
        const provider = ec2.NatProvider.instanceV2({
          instanceType,
          machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: cpuTypeOf(instanceType) }),
          // NAT instances forward for the VPC only; nothing from the internet may open connections.
          defaultAllowedTraffic: ec2.NatTrafficDirection.OUTBOUND_ONLY,
          // A NAT instance forwards with its own public address, which it needs from boot (its user data installs iptables).
          associatePublicIpAddress: true,
        });
        return { natGateways: count, natGatewayProvider: provider, configure: () => hardenNatInstances(provider) };
      }
    }
  }

  private validateEipAllocationIds(scope: IConstruct, count: number) {
    const ids = this.eipAllocationIds;
    if (ids === undefined || Token.isUnresolved(ids)) return;
    if (ids.length !== count) {
      throw propError(scope,
        `natStrategy: NatStrategy.${this.label}() creates ${count} NAT gateway(s) but eipAllocationIds has ${ids.length} ` +
        `(${JSON.stringify(ids)}); give exactly one allocation ID per NAT gateway, in Availability Zone order.`);
    }
  }
}

/**
 * Gives each NAT instance what a managed NAT gateway has built in: an encrypted root volume, IMDSv2 only and
 * detailed monitoring; and acknowledges the findings that are what a NAT instance is.
 */
function hardenNatInstances(provider: ec2.NatInstanceProviderV2) {
  for (const instance of provider.gatewayInstances) {
    const cfn = instance.instance;
    cfn.monitoring = true;
    cfn.metadataOptions = { httpTokens: 'required', httpPutResponseHopLimit: 1 };
    cfn.blockDeviceMappings = [{ deviceName: '/dev/xvda', ebs: { encrypted: true, volumeType: 'gp3' } }];
    acknowledgeFinding(cfn, 'AwsSolutions-EC29',
      'A NAT instance is the target of its AZ\'s default route, so it cannot sit in an Auto Scaling group; termination ' +
      'protection would stop CloudFormation from replacing it when its AMI or instance type changes.');
    for (const pack of REGULATORY_PACKS) {
      acknowledgeFinding(cfn, `${pack}-EC2InstanceNoPublicIp`,
        'A NAT instance translates the private subnets\' egress to its own public address: without one it cannot work. ' +
        'It sits in a public subnet behind a security group that admits only traffic from the VPC.');
      acknowledgeFinding(cfn, `${pack}-EC2InstancesInVPC`,
        'The NAT instance is in a public subnet of this VPC: its subnet is set on its network interface (needed to ' +
        'associate the public address), which this rule does not read.');
    }
  }
}

function cpuTypeOf(instanceType: ec2.InstanceType): ec2.AmazonLinuxCpuType {
  return instanceType.architecture === ec2.InstanceArchitecture.ARM_64
    ? ec2.AmazonLinuxCpuType.ARM_64
    : ec2.AmazonLinuxCpuType.X86_64;
}
