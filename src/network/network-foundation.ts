import { Annotations, Aws, Fn, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { NatStrategy } from './nat-strategy';
import { PlannedIpAddresses } from './private/planned-ip-addresses';
import { SubnetCidrPlan } from './subnet-cidr-plan';
import { Ipv4Cidr, contains, isNetworkAddress, networkOf, overlaps, parseCidr, subBlock } from '../core/cidr';
import { acknowledgeFinding } from '../core/compliance';
import { propError } from '../core/errors';
import { createLogEncryptionKey } from '../core/log-encryption';

/**
 * Where the database and the cache live.
 */
export enum DataSubnetPlacement {
  /**
   * Their own isolated subnets, with no route out of the VPC and a NACL that admits only the application
   * subnets on the data ports. What every AWS reference design does.
   */
  ISOLATED = 'ISOLATED',

  /**
   * The private application subnets, as in the four-subnet layout of the architecture.
   */
  APPLICATION = 'APPLICATION',
}

/**
 * Properties of a `NetworkFoundation`.
 */
export interface NetworkFoundationProps {
  /**
   * IPv4 CIDR block of the VPC, from /16 to /28.
   *
   * @default '10.0.0.0/16'
   */
  readonly cidr?: string;

  /**
   * How many Availability Zones the network spans (2 to 6). Ignored when `availabilityZones` is given.
   *
   * An environment-agnostic stack sees only 2 AZs: set the stack's `env` to use more.
   *
   * @default 2 - the service survives the loss of one zone
   */
  readonly maxAzs?: number;

  /**
   * The Availability Zones to use, by name, in order.
   *
   * @default - the first `maxAzs` Availability Zones of the stack's region
   */
  readonly availabilityZones?: string[];

  /**
   * The CIDR block of every subnet, per tier and Availability Zone.
   *
   * @default - /24 blocks at fixed offsets from the start of the VPC CIDR: public `x.y.1.0/24`, `x.y.2.0/24`;
   * application `x.y.10.0/24`, `x.y.11.0/24`; data `x.y.20.0/24`, `x.y.21.0/24` (one more per tier for each
   * further AZ). With the default VPC CIDR this is exactly the architecture's plan.
   */
  readonly subnetCidrPlan?: SubnetCidrPlan;

  /**
   * Whether the data tier gets its own isolated subnets or shares the application subnets.
   *
   * @default DataSubnetPlacement.ISOLATED
   */
  readonly dataSubnetPlacement?: DataSubnetPlacement;

  /**
   * How the application subnets reach the internet.
   *
   * @default NatStrategy.perAz() - one NAT gateway in each Availability Zone, as the architecture specifies
   */
  readonly natStrategy?: NatStrategy;

  /**
   * Whether the subnets get the network ACLs of the architecture (https://github.com/cdk-production-webapp/cdk-production-webapp/blob/main/docs/architecture.md#network), made correct for stateless
   * filtering (return traffic on ephemeral ports), plus a data-subnet NACL.
   *
   * @default true
   */
  readonly networkAcls?: boolean;

  /**
   * TCP ports on which the data subnets' NACL admits the application subnets.
   *
   * @default [5432, 6379] - PostgreSQL and Redis
   */
  readonly dataPorts?: number[];

  /**
   * Whether the VPC records flow logs (all traffic) to a KMS-encrypted CloudWatch log group.
   *
   * @default true
   */
  readonly flowLogs?: boolean;

  /**
   * How long flow log records are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR - the audit-trail retention PCI DSS 10.7 asks for
   */
  readonly flowLogRetention?: logs.RetentionDays;

  /**
   * KMS key that encrypts the flow log group.
   *
   * @default - a new customer-managed key with rotation on
   */
  readonly flowLogEncryptionKey?: kms.IKey;

  /**
   * What happens to the flow log group and its key when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN - flow logs are audit records
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Whether to add gateway endpoints for S3 and DynamoDB (free; they keep that traffic off the NAT gateways).
   *
   * @default true
   */
  readonly gatewayEndpoints?: boolean;

  /**
   * Interface endpoints to create in the application subnets, with private DNS.
   *
   * They are billed per AZ and hour, so none are created unless asked for.
   *
   * @default - none
   */
  readonly interfaceEndpoints?: ec2.InterfaceVpcEndpointAwsService[];

  /**
   * Whether instances launched in the public subnets get a public IPv4 address automatically.
   *
   * @default false - nothing in this architecture runs on a public address but the load balancer and NAT
   */
  readonly mapPublicIpOnLaunch?: boolean;

  /**
   * Whether the VPC is dual stack: an Amazon-provided IPv6 block, a /64 per subnet, and an egress-only
   * internet gateway for the private subnets.
   *
   * @default false
   */
  readonly ipv6?: boolean;
}

/**
 * The network of the architecture: a VPC across two Availability Zones with public, private application
 * and isolated data subnets, one NAT gateway per AZ, network ACLs, flow logs and gateway endpoints.
 *
 * @example
 * const network = new NetworkFoundation(this, 'Network');
 */
export class NetworkFoundation extends Construct {
  /** Default VPC CIDR. */
  public static readonly DEFAULT_CIDR = '10.0.0.0/16';
  /** Default number of Availability Zones. */
  public static readonly DEFAULT_MAX_AZS = 2;
  /** Name of the public subnet group. */
  public static readonly PUBLIC_SUBNET_GROUP = 'Public';
  /** Name of the private application subnet group. */
  public static readonly APPLICATION_SUBNET_GROUP = 'Application';
  /** Name of the isolated data subnet group. */
  public static readonly DATA_SUBNET_GROUP = 'Data';

  /** The VPC. */
  public readonly vpc: ec2.Vpc;
  /** The public subnets: load balancer and NAT gateways. */
  public readonly publicSubnets: ec2.SubnetSelection;
  /** The private application subnets: the Auto Scaling fleet. */
  public readonly applicationSubnets: ec2.SubnetSelection;
  /** The subnets of the database and the cache (the application subnets with `DataSubnetPlacement.APPLICATION`). */
  public readonly dataSubnets: ec2.SubnetSelection;
  /** The Availability Zones the network spans, in order. */
  public readonly availabilityZones: string[];
  /** NACL of the public subnets, if `networkAcls` is on. */
  public readonly publicNetworkAcl?: ec2.NetworkAcl;
  /** NACL of the application subnets, if `networkAcls` is on. */
  public readonly applicationNetworkAcl?: ec2.NetworkAcl;
  /** NACL of the isolated data subnets, if `networkAcls` is on and the data tier has its own subnets. */
  public readonly dataNetworkAcl?: ec2.NetworkAcl;
  /** The VPC flow log, if `flowLogs` is on. */
  public readonly flowLog?: ec2.FlowLog;
  /** The log group holding the flow log records, if `flowLogs` is on. */
  public readonly flowLogGroup?: logs.LogGroup;
  /** The key encrypting the flow log group, if `flowLogs` is on. */
  public readonly flowLogKey?: kms.IKey;

  private readonly vpcCidr: string;
  private readonly plan: Required<SubnetCidrPlan>;

  constructor(scope: Construct, id: string, props: NetworkFoundationProps = {}) {
    super(scope, id);

    const placement = props.dataSubnetPlacement ?? DataSubnetPlacement.ISOLATED;
    const isolatedData = placement === DataSubnetPlacement.ISOLATED;
    const natStrategy = props.natStrategy ?? NatStrategy.perAz();

    this.vpcCidr = props.cidr ?? NetworkFoundation.DEFAULT_CIDR;
    const vpcBlock = this.validateVpcCidr(this.vpcCidr);
    const azCount = this.validateAzCount(props);
    this.plan = this.resolvePlan(props.subnetCidrPlan, vpcBlock, azCount, isolatedData);
    this.validatePlan(vpcBlock, azCount, isolatedData);

    const subnetConfiguration: ec2.SubnetConfiguration[] = [
      {
        name: NetworkFoundation.PUBLIC_SUBNET_GROUP,
        subnetType: ec2.SubnetType.PUBLIC,
        mapPublicIpOnLaunch: props.mapPublicIpOnLaunch ?? false,
        ...ipv6Assignment(props.ipv6, props.mapPublicIpOnLaunch ?? false),
      },
      {
        name: NetworkFoundation.APPLICATION_SUBNET_GROUP,
        subnetType: natStrategy.providesEgress ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED,
        ...ipv6Assignment(props.ipv6, false),
      },
    ];
    if (isolatedData) {
      subnetConfiguration.push({
        name: NetworkFoundation.DATA_SUBNET_GROUP,
        subnetType: ec2.SubnetType.PRIVATE_ISOLATED,
        ...ipv6Assignment(props.ipv6, false),
      });
    }

    const nat = natStrategy._bind(this, azCount);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: new PlannedIpAddresses(this.vpcCidr, {
        [NetworkFoundation.PUBLIC_SUBNET_GROUP]: this.plan.publicSubnetCidrs,
        [NetworkFoundation.APPLICATION_SUBNET_GROUP]: this.plan.applicationSubnetCidrs,
        [NetworkFoundation.DATA_SUBNET_GROUP]: this.plan.dataSubnetCidrs,
      }),
      ...(props.availabilityZones ? { availabilityZones: props.availabilityZones } : { maxAzs: azCount }),
      enableDnsSupport: true,
      enableDnsHostnames: true,
      subnetConfiguration,
      natGateways: nat.natGateways,
      natGatewayProvider: nat.natGatewayProvider,
      ipProtocol: props.ipv6 ? ec2.IpProtocol.DUAL_STACK : ec2.IpProtocol.IPV4_ONLY,
      restrictDefaultSecurityGroup: true,
    });
    this.availabilityZones = this.vpc.availabilityZones;
    this.validateResolvedAzs(azCount);
    nat.configure?.();

    this.publicSubnets = { subnetGroupName: NetworkFoundation.PUBLIC_SUBNET_GROUP };
    this.applicationSubnets = { subnetGroupName: NetworkFoundation.APPLICATION_SUBNET_GROUP };
    this.dataSubnets = {
      subnetGroupName: isolatedData ? NetworkFoundation.DATA_SUBNET_GROUP : NetworkFoundation.APPLICATION_SUBNET_GROUP,
    };

    this.acknowledgeInternetRoutes();

    if (props.networkAcls ?? true) {
      const dataPorts = props.dataPorts ?? [5432, 6379];
      this.validateDataPorts(dataPorts);
      this.publicNetworkAcl = this.createPublicNetworkAcl(props.ipv6 ?? false);
      this.applicationNetworkAcl = this.createApplicationNetworkAcl(props.ipv6 ?? false);
      if (isolatedData) {
        this.dataNetworkAcl = this.createDataNetworkAcl(dataPorts);
      }
    }

    if (props.flowLogs ?? true) {
      const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
      this.flowLogKey = props.flowLogEncryptionKey
        ?? createLogEncryptionKey(this, 'FlowLogKey', `Encrypts the VPC flow logs of ${this.node.path}`, removalPolicy);
      this.flowLogGroup = new logs.LogGroup(this, 'FlowLogGroup', {
        encryptionKey: this.flowLogKey,
        retention: props.flowLogRetention ?? logs.RetentionDays.ONE_YEAR,
        removalPolicy,
      });
      const [role, policy] = this.createFlowLogRole(this.flowLogGroup);
      this.flowLog = new ec2.FlowLog(this, 'FlowLog', {
        resourceType: ec2.FlowLogResourceType.fromVpc(this.vpc),
        destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup, role),
        trafficType: ec2.FlowLogTrafficType.ALL,
      });
      // Records are delivered from the start only once the role may write them.
      this.flowLog.node.addDependency(policy);
    }

    if (props.gatewayEndpoints ?? true) {
      this.vpc.addGatewayEndpoint('S3Endpoint', { service: ec2.GatewayVpcEndpointAwsService.S3 });
      this.vpc.addGatewayEndpoint('DynamoDbEndpoint', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });
    }

    this.createInterfaceEndpoints(props.interfaceEndpoints ?? []);

    if (!natStrategy.providesEgress && (props.interfaceEndpoints ?? []).length === 0) {
      Annotations.of(this).addWarningV2('cdk-production-webapp:noEgress',
        'natStrategy is NatStrategy.none() and no interfaceEndpoints are set: instances in the application subnets ' +
        'cannot reach the internet or AWS APIs such as Systems Manager. Add interface endpoints or choose a NAT strategy.');
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Validation
  // ---------------------------------------------------------------------------------------------------------------

  private validateVpcCidr(cidr: string): Ipv4Cidr | undefined {
    if (Token.isUnresolved(cidr)) return undefined;
    const block = parseCidr(cidr);
    if (!block) {
      throw propError(this, `cidr: '${cidr}' is not an IPv4 CIDR block; expected the form a.b.c.d/n, e.g. '10.0.0.0/16'.`);
    }
    if (block.prefix < 16 || block.prefix > 28) {
      throw propError(this, `cidr: '${cidr}' has prefix /${block.prefix}; a VPC CIDR block must be between /16 and /28.`);
    }
    if (!isNetworkAddress(block)) {
      throw propError(this, `cidr: '${cidr}' has host bits set; use the network address '${networkOf(block)}'.`);
    }
    return block;
  }

  private validateAzCount(props: NetworkFoundationProps): number {
    if (props.availabilityZones !== undefined) {
      if (props.maxAzs !== undefined) {
        throw propError(this, `maxAzs (${props.maxAzs}) and availabilityZones (${JSON.stringify(props.availabilityZones)}) ` +
          'are both set; give one of them.');
      }
      this.validateAzRange('availabilityZones', props.availabilityZones.length, JSON.stringify(props.availabilityZones));
      return props.availabilityZones.length;
    }
    const maxAzs = props.maxAzs ?? NetworkFoundation.DEFAULT_MAX_AZS;
    if (Token.isUnresolved(maxAzs)) {
      throw propError(this, 'maxAzs: must be a literal number, not a token: it decides how many subnets are created.');
    }
    this.validateAzRange('maxAzs', maxAzs, String(maxAzs));
    return maxAzs;
  }

  private validateAzRange(prop: string, count: number, value: string) {
    if (!Number.isInteger(count) || count < 2 || count > 6) {
      throw propError(this, `${prop}: ${value} gives ${count} Availability Zone(s); the architecture needs 2 to 6 ` +
        '(the database standby and the second NAT gateway live in a second AZ).');
    }
  }

  private validateResolvedAzs(requested: number) {
    const got = this.vpc.availabilityZones.length;
    if (got < requested) {
      const unresolved = this.vpc.availabilityZones.some(az => Token.isUnresolved(az));
      throw propError(this, `maxAzs: ${requested} Availability Zones are needed for the subnet plan but the stack's ` +
        `environment offers only ${got}` +
        (unresolved ? ' (an environment-agnostic stack sees 2; set the stack\'s env account and region, or pass availabilityZones)' : '') +
        '.');
    }
  }

  private resolvePlan(plan: SubnetCidrPlan | undefined, vpcBlock: Ipv4Cidr | undefined, azCount: number,
    isolatedData: boolean): Required<SubnetCidrPlan> {
    if (plan) {
      if (isolatedData && plan.dataSubnetCidrs === undefined) {
        throw propError(this, 'subnetCidrPlan.dataSubnetCidrs: missing; with DataSubnetPlacement.ISOLATED (the default) ' +
          `the data subnets need one CIDR block per Availability Zone (${azCount}).`);
      }
      if (!isolatedData && plan.dataSubnetCidrs !== undefined) {
        throw propError(this, `subnetCidrPlan.dataSubnetCidrs: ${JSON.stringify(plan.dataSubnetCidrs)} given, but ` +
          'dataSubnetPlacement is DataSubnetPlacement.APPLICATION, which puts the data tier in the application subnets; ' +
          'omit dataSubnetCidrs or use DataSubnetPlacement.ISOLATED.');
      }
      return { dataSubnetCidrs: [], ...plan };
    }
    if (!vpcBlock) {
      throw propError(this, 'subnetCidrPlan: required when cidr is a token; the default plan is derived from a literal VPC CIDR.');
    }
    if (vpcBlock.prefix > 19) {
      throw propError(this, `cidr: '${vpcBlock.text}' is too small for the default subnet layout (/24 blocks at offsets ` +
        '1, 10 and 20 need a /19 or larger); use a larger VPC CIDR or give subnetCidrPlan.');
    }
    const azs = [...Array(azCount).keys()];
    return {
      publicSubnetCidrs: azs.map(i => subBlock(vpcBlock, 24, 1 + i)),
      applicationSubnetCidrs: azs.map(i => subBlock(vpcBlock, 24, 10 + i)),
      dataSubnetCidrs: isolatedData ? azs.map(i => subBlock(vpcBlock, 24, 20 + i)) : [],
    };
  }

  private validatePlan(vpcBlock: Ipv4Cidr | undefined, azCount: number, isolatedData: boolean) {
    const tiers: Array<[string, string[]]> = [
      ['publicSubnetCidrs', this.plan.publicSubnetCidrs],
      ['applicationSubnetCidrs', this.plan.applicationSubnetCidrs],
    ];
    if (isolatedData) tiers.push(['dataSubnetCidrs', this.plan.dataSubnetCidrs]);

    const parsed: Array<{ name: string; block: Ipv4Cidr }> = [];
    for (const [tier, cidrs] of tiers) {
      if (cidrs.length !== azCount) {
        throw propError(this, `subnetCidrPlan.${tier}: ${JSON.stringify(cidrs)} has ${cidrs.length} block(s) but the ` +
          `network spans ${azCount} Availability Zones; give exactly one block per AZ, in AZ order.`);
      }
      cidrs.forEach((cidr, i) => {
        const name = `subnetCidrPlan.${tier}[${i}]`;
        if (Token.isUnresolved(cidr)) {
          throw propError(this, `${name}: must be a literal CIDR block, not a token: the plan is checked for overlaps at synth time.`);
        }
        parsed.push({ name, block: this.validateSubnetCidr(name, cidr, vpcBlock) });
      });
    }
    for (let a = 0; a < parsed.length; a++) {
      for (let b = a + 1; b < parsed.length; b++) {
        if (overlaps(parsed[a].block, parsed[b].block)) {
          throw propError(this, `${parsed[b].name}: '${parsed[b].block.text}' overlaps ${parsed[a].name} ` +
            `('${parsed[a].block.text}'); subnet blocks must not share addresses.`);
        }
      }
    }
  }

  private validateSubnetCidr(name: string, cidr: string, vpcBlock: Ipv4Cidr | undefined): Ipv4Cidr {
    const block = parseCidr(cidr);
    if (!block) {
      throw propError(this, `${name}: '${cidr}' is not an IPv4 CIDR block; expected the form a.b.c.d/n, e.g. '10.0.1.0/24'.`);
    }
    if (block.prefix < 16 || block.prefix > 28) {
      throw propError(this, `${name}: '${cidr}' has prefix /${block.prefix}; a subnet CIDR block must be between /16 and /28.`);
    }
    if (!isNetworkAddress(block)) {
      throw propError(this, `${name}: '${cidr}' has host bits set; use the network address '${networkOf(block)}'.`);
    }
    if (vpcBlock && !contains(vpcBlock, block)) {
      throw propError(this, `${name}: '${cidr}' is outside the VPC CIDR '${vpcBlock.text}'; every subnet block must lie inside it.`);
    }
    return block;
  }

  private validateDataPorts(ports: number[]) {
    if (ports.length === 0) {
      throw propError(this, 'dataPorts: [] admits nothing to the data subnets; give at least one port, e.g. [5432, 6379].');
    }
    for (const port of ports) {
      if (Token.isUnresolved(port)) continue;
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw propError(this, `dataPorts: ${port} is not a TCP port; ports are whole numbers from 1 to 65535.`);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Network ACLs (the architecture's, made correct for stateless filtering)
  // ---------------------------------------------------------------------------------------------------------------

  private createPublicNetworkAcl(ipv6: boolean): ec2.NetworkAcl {
    const acl = this.createNetworkAcl('PublicNetworkAcl', this.publicSubnets);
    const anyV4 = ec2.AclCidr.anyIpv4();
    const anyV6 = ec2.AclCidr.anyIpv6();
    const vpc = ec2.AclCidr.ipv4(this.vpcCidr);
    // Inbound: the spec's rules 100-120, plus the VPC itself (NAT forwarding and load balancer health checks).
    allow(acl, 'InboundHttp', 100, ec2.TrafficDirection.INGRESS, anyV4, ec2.AclTraffic.tcpPort(80));
    allow(acl, 'InboundHttps', 110, ec2.TrafficDirection.INGRESS, anyV4, ec2.AclTraffic.tcpPort(443));
    allow(acl, 'InboundEphemeral', 120, ec2.TrafficDirection.INGRESS, anyV4, ephemeralPorts());
    allow(acl, 'InboundFromVpc', 130, ec2.TrafficDirection.INGRESS, vpc, ec2.AclTraffic.allTraffic());
    // Outbound: responses to clients, NAT'd HTTPS, and anything to the VPC (load balancer to targets).
    allow(acl, 'OutboundHttps', 100, ec2.TrafficDirection.EGRESS, anyV4, ec2.AclTraffic.tcpPort(443));
    allow(acl, 'OutboundEphemeral', 110, ec2.TrafficDirection.EGRESS, anyV4, ephemeralPorts());
    allow(acl, 'OutboundToVpc', 120, ec2.TrafficDirection.EGRESS, vpc, ec2.AclTraffic.allTraffic());
    if (ipv6) {
      allow(acl, 'InboundHttpIpv6', 101, ec2.TrafficDirection.INGRESS, anyV6, ec2.AclTraffic.tcpPort(80));
      allow(acl, 'InboundHttpsIpv6', 111, ec2.TrafficDirection.INGRESS, anyV6, ec2.AclTraffic.tcpPort(443));
      allow(acl, 'InboundEphemeralIpv6', 121, ec2.TrafficDirection.INGRESS, anyV6, ephemeralPorts());
      allow(acl, 'InboundFromVpcIpv6', 131, ec2.TrafficDirection.INGRESS, this.vpcIpv6(), ec2.AclTraffic.allTraffic());
      allow(acl, 'OutboundHttpsIpv6', 101, ec2.TrafficDirection.EGRESS, anyV6, ec2.AclTraffic.tcpPort(443));
      allow(acl, 'OutboundEphemeralIpv6', 111, ec2.TrafficDirection.EGRESS, anyV6, ephemeralPorts());
      allow(acl, 'OutboundToVpcIpv6', 121, ec2.TrafficDirection.EGRESS, this.vpcIpv6(), ec2.AclTraffic.allTraffic());
    }
    return acl;
  }

  private createApplicationNetworkAcl(ipv6: boolean): ec2.NetworkAcl {
    const acl = this.createNetworkAcl('ApplicationNetworkAcl', this.applicationSubnets);
    const anyV4 = ec2.AclCidr.anyIpv4();
    const anyV6 = ec2.AclCidr.anyIpv6();
    const vpc = ec2.AclCidr.ipv4(this.vpcCidr);
    // Inbound: the spec's rule 100 (the VPC), plus return traffic of the instances' own HTTPS egress.
    allow(acl, 'InboundFromVpc', 100, ec2.TrafficDirection.INGRESS, vpc, ec2.AclTraffic.allTraffic());
    allow(acl, 'InboundEphemeral', 110, ec2.TrafficDirection.INGRESS, anyV4, ephemeralPorts());
    // Outbound: the VPC (responses to the load balancer, the data tier) and HTTPS for updates and AWS APIs.
    allow(acl, 'OutboundToVpc', 100, ec2.TrafficDirection.EGRESS, vpc, ec2.AclTraffic.allTraffic());
    allow(acl, 'OutboundHttps', 110, ec2.TrafficDirection.EGRESS, anyV4, ec2.AclTraffic.tcpPort(443));
    if (ipv6) {
      allow(acl, 'InboundFromVpcIpv6', 101, ec2.TrafficDirection.INGRESS, this.vpcIpv6(), ec2.AclTraffic.allTraffic());
      allow(acl, 'InboundEphemeralIpv6', 111, ec2.TrafficDirection.INGRESS, anyV6, ephemeralPorts());
      allow(acl, 'OutboundToVpcIpv6', 101, ec2.TrafficDirection.EGRESS, this.vpcIpv6(), ec2.AclTraffic.allTraffic());
      allow(acl, 'OutboundHttpsIpv6', 111, ec2.TrafficDirection.EGRESS, anyV6, ec2.AclTraffic.tcpPort(443));
    }
    return acl;
  }

  private createDataNetworkAcl(dataPorts: number[]): ec2.NetworkAcl {
    const acl = this.createNetworkAcl('DataNetworkAcl', this.dataSubnets);
    let inbound = 100;
    let outbound = 100;
    this.plan.applicationSubnetCidrs.forEach((cidr, az) => {
      const source = ec2.AclCidr.ipv4(cidr);
      for (const port of dataPorts) {
        allow(acl, `InboundApplication${az + 1}Port${port}`, inbound++, ec2.TrafficDirection.INGRESS, source,
          ec2.AclTraffic.tcpPort(port));
      }
      allow(acl, `OutboundApplication${az + 1}Ephemeral`, outbound++, ec2.TrafficDirection.EGRESS, source, ephemeralPorts());
    });
    // Within the data tier: cache replication and cluster bus, database replicas.
    this.plan.dataSubnetCidrs.forEach((cidr, az) => {
      const peer = ec2.AclCidr.ipv4(cidr);
      allow(acl, `InboundData${az + 1}`, inbound++, ec2.TrafficDirection.INGRESS, peer, ec2.AclTraffic.allTraffic());
      allow(acl, `OutboundData${az + 1}`, outbound++, ec2.TrafficDirection.EGRESS, peer, ec2.AclTraffic.allTraffic());
    });
    return acl;
  }

  private createNetworkAcl(id: string, subnetSelection: ec2.SubnetSelection): ec2.NetworkAcl {
    const acl = new ec2.NetworkAcl(this, id, { vpc: this.vpc, subnetSelection });
    acknowledgeFinding(acl, 'AwsSolutions-VPC3',
      'The architecture specifies subnet network ACLs as a defense-in-depth layer under the security groups; ' +
      'this construct owns and tests every rule, including the ephemeral-port rules stateless filtering needs.');
    return acl;
  }

  private vpcIpv6(): ec2.AclCidr {
    return ec2.AclCidr.ipv6(Fn.select(0, this.vpc.vpcIpv6CidrBlocks));
  }

  /** Interface endpoints share one security group that admits HTTPS from the VPC only. */
  private createInterfaceEndpoints(services: ec2.InterfaceVpcEndpointAwsService[]) {
    if (services.length === 0) return;
    const securityGroup = new ec2.SecurityGroup(this, 'InterfaceEndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Interface VPC endpoints: HTTPS from inside the VPC',
      allowAllOutbound: false,
    });
    securityGroup.addIngressRule(ec2.Peer.ipv4(this.vpcCidr), ec2.Port.tcp(443), 'HTTPS from the VPC');
    for (const service of services) {
      this.vpc.addInterfaceEndpoint(`${endpointId(service)}Endpoint`, {
        service,
        subnets: this.applicationSubnets,
        privateDnsEnabled: true,
        securityGroups: [securityGroup],
        open: false,
      });
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Flow logs
  // ---------------------------------------------------------------------------------------------------------------

  /**
   * The role VPC Flow Logs assumes, with its permissions in a customer-managed policy (compliance packs reject inline
   * policies) and a trust policy scoped to this account's flow logs (confused-deputy protection).
   */
  private createFlowLogRole(logGroup: logs.ILogGroup): [iam.IRole, iam.ManagedPolicy] {
    const role = new iam.Role(this, 'FlowLogRole', {
      description: `Delivers the VPC flow logs of ${this.node.path} to CloudWatch Logs`,
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:vpc-flow-log/*` },
        },
      }),
    });
    const policy = new iam.ManagedPolicy(this, 'FlowLogPolicy', {
      description: `Lets VPC Flow Logs write to the flow log group of ${this.node.path}`,
      roles: [role],
      statements: [new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [logGroup.logGroupArn],
      })],
    });
    // The policy above is the role's whole permission set: FlowLog's own inline grant is not wanted.
    return [role.withoutPolicyUpdates(), policy];
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Inherent cdk-nag findings
  // ---------------------------------------------------------------------------------------------------------------

  /** A public subnet routes to the internet gateway by definition: that is what makes it public. */
  private acknowledgeInternetRoutes() {
    const routes = this.vpc.publicSubnets.flatMap(subnet =>
      ['DefaultRoute', 'DefaultRoute6'].map(id => subnet.node.tryFindChild(id)).filter(r => r !== undefined));
    for (const route of routes) {
      const reason = 'Public subnets exist to route to the internet gateway: they hold only the ' +
        'internet-facing load balancer and the NAT gateways; instances and data live in private subnets.';
      acknowledgeFinding(route, 'HIPAA.Security-VPCNoUnrestrictedRouteToIGW', reason);
      acknowledgeFinding(route, 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW', reason);
      acknowledgeFinding(route, 'PCI.DSS.321-VPCNoUnrestrictedRouteToIGW', reason);
    }
  }
}

/**
 * Whether a subnet's instances get an IPv6 address at launch. Off unless the subnet also maps public IPv4
 * addresses: a global IPv6 address is a public address.
 */
function ipv6Assignment(ipv6: boolean | undefined, assign: boolean): Partial<ec2.SubnetConfiguration> {
  return ipv6 ? { ipv6AssignAddressOnCreation: assign } : {};
}

function allow(acl: ec2.NetworkAcl, id: string, ruleNumber: number, direction: ec2.TrafficDirection, cidr: ec2.AclCidr,
  traffic: ec2.AclTraffic) {
  acl.addEntry(id, { ruleNumber, direction, cidr, traffic, ruleAction: ec2.Action.ALLOW });
}

/** Return traffic of stateless filtering: the ephemeral ports of ELB, NAT gateways and Linux clients. */
function ephemeralPorts(): ec2.AclTraffic {
  return ec2.AclTraffic.tcpPortRange(1024, 65535);
}

function endpointId(service: ec2.InterfaceVpcEndpointAwsService): string {
  return service.shortName.split(/[^A-Za-z0-9]+/).filter(Boolean).map(p => p[0].toUpperCase() + p.slice(1)).join('');
}
