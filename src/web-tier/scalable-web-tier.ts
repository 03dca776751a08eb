import { Annotations, Arn, ArnFormat, Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { FleetScaling } from './fleet-scaling';
import { CloudFrontOriginAccess } from '../edge/cloudfront-origin-access';
import { bootstrapCommands } from './private/bootstrap';
import { REGULATORY_PACKS, acknowledgeFinding } from '../core/compliance';
import { propError } from '../core/errors';
import { createLogBucket } from '../core/log-bucket';
import { createLogEncryptionKey } from '../core/log-encryption';
import { ManagedPolicyRole } from '../core/managed-policy-role';
import { createWebAcl } from '../core/web-acl';

/**
 * Health check of the target group.
 */
export interface WebTierHealthCheck {
  /**
   * Path the load balancer requests on each instance; must start with `/`.
   *
   * @default '/health'
   */
  readonly path?: string;

  /**
   * Time between two checks of one target.
   *
   * @default Duration.seconds(15)
   */
  readonly interval?: Duration;

  /**
   * Time after which a check without answer fails; must be shorter than `interval`.
   *
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;

  /**
   * Consecutive successes that make an unhealthy target healthy.
   *
   * @default 2 - a new instance takes traffic about 30 seconds after it answers
   */
  readonly healthyThresholdCount?: number;

  /**
   * Consecutive failures that take a target out of service.
   *
   * @default 3 - a failed instance stops taking traffic within about 45 seconds
   */
  readonly unhealthyThresholdCount?: number;

  /**
   * HTTP codes that count as healthy, e.g. '200' or '200-299'.
   *
   * @default '200'
   */
  readonly healthyHttpCodes?: string;
}

/**
 * A routing rule on the serving listener (HTTPS with a certificate, HTTP without).
 */
export interface WebTierRouteOptions {
  /**
   * Priority of the rule; lower numbers are evaluated first. 1 to 50000, unique per listener.
   */
  readonly priority: number;

  /**
   * Path patterns to match, e.g. ['/api/*'].
   *
   * @default - any path
   */
  readonly pathPatterns?: string[];

  /**
   * Host headers to match, e.g. ['api.example.com'].
   *
   * @default - any host
   */
  readonly hostHeaders?: string[];

  /**
   * Target groups that receive the matching requests (weighted equally).
   *
   * @default - the tier's own target group
   */
  readonly targetGroups?: elbv2.IApplicationTargetGroup[];
}

/**
 * The settings of a `ScalableWebTier` that do not connect it to other resources: what `ProductionWebApp` takes as `webTier`.
 */
export interface ScalableWebTierOptions {
  /**
   * TLS policy of the HTTPS listener.
   *
   * @default elbv2.SslPolicy.TLS13_12_RES_PQ - TLS 1.3 and 1.2 with forward-secret ciphers only, with post-quantum key exchange
   */
  readonly sslPolicy?: elbv2.SslPolicy;

  /**
   * Whether the load balancer is reachable from the internet.
   *
   * @default true
   */
  readonly internetFacing?: boolean;

  /**
   * Subnets of the load balancer.
   *
   * @default - the public subnets when internet-facing, else the private subnets with egress
   */
  readonly loadBalancerSubnets?: ec2.SubnetSelection;

  /**
   * IPv4 only or dual stack (the subnets need IPv6 blocks).
   *
   * @default elbv2.IpAddressType.IPV4
   */
  readonly ipAddressType?: elbv2.IpAddressType;

  /**
   * Who may connect to the load balancer's listeners.
   *
   * `SecureEdge` narrows this to CloudFront's origin-facing addresses.
   *
   * @default - anywhere: `0.0.0.0/0` (and `::/0` when dual stack)
   */
  readonly loadBalancerIngressPeers?: ec2.IPeer[];

  /**
   * Whether the load balancer is protected from deletion.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * How long a sticky-session cookie binds a client to one instance.
   *
   * @default - no stickiness: the fleet is stateless, sessions live in the cache
   */
  readonly stickinessCookieDuration?: Duration;

  /**
   * Whether the load balancer gets its own REGIONAL AWS WAF web ACL: the AWS managed rule groups for IP reputation,
   * common exploits (OWASP Top 10), known bad inputs and SQL injection, plus a per-IP rate limit, logged to an
   * encrypted log group with the authorization and cookie headers redacted.
   *
   * Turn it off when something else filters all traffic, e.g. `SecureEdge`'s CloudFront web ACL with the load
   * balancer admitting only CloudFront.
   *
   * @default true - unless `webAclArn` is given
   */
  readonly regionalWebAcl?: boolean;

  /**
   * ARN of an existing REGIONAL web ACL to associate with the load balancer instead of creating one.
   *
   * @default - see `regionalWebAcl`
   */
  readonly webAclArn?: string;

  /**
   * Requests one client IP may make in 5 minutes before the regional web ACL blocks it.
   *
   * @default 2000
   */
  readonly rateLimitPerFiveMinutes?: number;

  /**
   * Key prefix of the access logs in the bucket.
   *
   * @default 'alb'
   */
  readonly accessLogsPrefix?: string;

  /**
   * Port the instances serve on, behind the load balancer.
   *
   * @default 80
   */
  readonly applicationPort?: number;

  /**
   * Target group health check.
   *
   * @default - `/health` every 15 s, 5 s timeout, healthy after 2 successes, unhealthy after 3 failures, HTTP 200
   */
  readonly healthCheck?: WebTierHealthCheck;

  /**
   * Subnets of the instances.
   *
   * @default - the private subnets with egress (the application subnets of `NetworkFoundation`)
   */
  readonly instanceSubnets?: ec2.SubnetSelection;

  /**
   * Instance type. Any type works; the Amazon Linux image follows its architecture (Graviton types get arm64).
   *
   * @default t3.medium (architecture section 12)
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * Machine image of the instances. The default user data expects Amazon Linux 2023 (dnf, systemd).
   *
   * @default - the latest Amazon Linux 2023, resolved from SSM Parameter Store at deploy time
   */
  readonly machineImage?: ec2.IMachineImage;

  /**
   * Size of the root volume (gp3, encrypted) in GiB.
   *
   * @default 20 (architecture section 12)
   */
  readonly rootVolumeSizeGiB?: number;

  /**
   * Device name of the root volume; change it for images whose root device is not `/dev/xvda`.
   *
   * @default '/dev/xvda' (Amazon Linux)
   */
  readonly rootDeviceName?: string;

  /**
   * Whether instances publish one-minute EC2 metrics (billed) instead of five-minute ones.
   *
   * @default false
   */
  readonly detailedMonitoring?: boolean;

  /**
   * Replaces the default user data entirely (you then own nginx, the CloudWatch agent and the health endpoint).
   *
   * @default - bootstraps nginx on `applicationPort` with the health path, the CloudWatch agent (memory and disk
   * metrics; nginx, system and cloud-init logs) and the SSM agent
   */
  readonly userData?: ec2.UserData;

  /**
   * Commands appended to the user data, e.g. to deploy the application.
   *
   * @default - none
   */
  readonly userDataCommands?: string[];

  /**
   * Security group of a bastion host that may SSH into the instances (TCP 22).
   *
   * @default - no SSH: use Systems Manager Session Manager
   */
  readonly bastionSecurityGroup?: ec2.ISecurityGroup;

  /**
   * Minimum number of instances.
   *
   * @default 2 - one per Availability Zone (architecture section 11)
   */
  readonly minCapacity?: number;

  /**
   * Maximum number of instances.
   *
   * @default 6 (architecture section 11)
   */
  readonly maxCapacity?: number;

  /**
   * Desired number of instances. Setting it resets the group to this size on every deployment, whatever
   * scaling did; leave it unset to start at `minCapacity` and let scaling decide.
   *
   * @default - minCapacity (2)
   */
  readonly desiredCapacity?: number;

  /**
   * How long a new instance may take to pass the load balancer's health check before it is replaced.
   *
   * @default Duration.seconds(300) (architecture section 11)
   */
  readonly healthCheckGracePeriod?: Duration;

  /**
   * How the fleet scales.
   *
   * @default FleetScaling.cpuSteps() - one more instance above 70% CPU for 5 minutes, one fewer below 30% for 5 minutes
   */
  readonly scaling?: FleetScaling;

  /**
   * How a change of the launch template reaches running instances.
   *
   * @default - an instance refresh that launches new instances before terminating old ones (100% to 200% healthy),
   * each warming up for the health check grace period, so capacity never drops
   */
  readonly updatePolicy?: autoscaling.UpdatePolicy;

  /**
   * Topic that receives the group's scaling notifications (launch, terminate and their errors).
   *
   * @default - a new topic encrypted with its own KMS key, TLS required
   */
  readonly notificationsTopic?: sns.ITopic;

  /**
   * Retention of the instance log groups (nginx access and error, system, cloud-init).
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the tier's logs (log groups, their key, the access log bucket) when removed from the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Properties of a `ScalableWebTier`.
 */
export interface ScalableWebTierProps extends ScalableWebTierOptions {
  /**
   * The VPC to run in, e.g. `NetworkFoundation.vpc`.
   */
  readonly vpc: ec2.IVpc;

  /**
   * Certificate of the load balancer's HTTPS listener. With it, port 443 serves HTTPS and port 80 redirects to it;
   * without it, port 80 serves plain HTTP and a warning says so. Must be in the stack's region.
   *
   * @default - no HTTPS listener
   */
  readonly certificate?: acm.ICertificate;

  /**
   * Lets only CloudFront reach the load balancer: its security group admits CloudFront's origin-facing prefix list
   * (on 443 with a certificate, else 80: the prefix list counts about 55 rules against the group's quota, so one
   * port only), and the serving listener answers 403 unless the request carries the secret header.
   * Give the same instance to `SecureEdge`.
   *
   * @default - no restriction: `loadBalancerIngressPeers` decides
   */
  readonly cloudFrontOriginAccess?: CloudFrontOriginAccess;

  /**
   * Bucket for the load balancer's access logs. Must use SSE-S3 encryption (the only one ELB log delivery supports).
   *
   * @default - a new bucket: SSE-S3, versioned, TLS only, public access blocked, logs deleted after 90 days
   */
  readonly accessLogsBucket?: s3.IBucket;
}

/**
 * The web tier of the architecture (sections 10–12 and 16): an Application Load Balancer in front of an
 * EC2 Auto Scaling group of hardened Amazon Linux 2023 instances.
 *
 * @example
 * declare const network: NetworkFoundation;
 * declare const certificate: acm.ICertificate;
 * const web = new ScalableWebTier(this, 'Web', { vpc: network.vpc, certificate });
 */
export class ScalableWebTier extends Construct implements ec2.IConnectable {
  /** Default minimum capacity: one instance per Availability Zone. */
  public static readonly DEFAULT_MIN_CAPACITY = 2;
  /** Default maximum capacity (architecture section 11). */
  public static readonly DEFAULT_MAX_CAPACITY = 6;
  /** Default health check path. */
  public static readonly DEFAULT_HEALTH_CHECK_PATH = '/health';

  /** The Application Load Balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The listener that serves requests: HTTPS on 443 with a certificate, HTTP on 80 without. */
  public readonly listener: elbv2.ApplicationListener;
  /** The HTTP listener on port 80 (it redirects to HTTPS when a certificate is given). */
  public readonly httpListener: elbv2.ApplicationListener;
  /** The HTTPS listener on port 443, if a certificate is given. */
  public readonly httpsListener?: elbv2.ApplicationListener;
  /** The target group of the fleet. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The Auto Scaling group. */
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  /** The launch template of the instances. */
  public readonly launchTemplate: ec2.LaunchTemplate;
  /** The instance role. Grants made to it land in a customer-managed policy. */
  public readonly role: iam.IRole;
  /** The security group of the load balancer. */
  public readonly loadBalancerSecurityGroup: ec2.SecurityGroup;
  /** The security group of the instances. */
  public readonly instanceSecurityGroup: ec2.SecurityGroup;
  /** Network connections of the instances: allow peers (the data tier) to be reached from here. */
  public readonly connections: ec2.Connections;
  /** Where the load balancer writes its access logs. */
  public readonly accessLogsBucket: s3.IBucket;
  /** The topic that receives scaling notifications. */
  public readonly notificationsTopic: sns.ITopic;
  /** The instance log groups: nginx access, nginx error, system, cloud-init. */
  public readonly logGroups: logs.LogGroup[];
  /** The port the instances serve on. */
  public readonly applicationPort: number;
  /** What lets only CloudFront reach the load balancer, if given. */
  public readonly originAccess?: CloudFrontOriginAccess;
  /** The regional web ACL of the load balancer, if this construct created one. */
  public readonly webAcl?: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: ScalableWebTierProps) {
    super(scope, id);

    this.validateRegion();
    const minCapacity = props.minCapacity ?? ScalableWebTier.DEFAULT_MIN_CAPACITY;
    const maxCapacity = props.maxCapacity ?? ScalableWebTier.DEFAULT_MAX_CAPACITY;
    this.validateCapacity(minCapacity, maxCapacity, props.desiredCapacity);
    this.applicationPort = props.applicationPort ?? 80;
    this.validatePort(this.applicationPort);
    const healthCheckPath = props.healthCheck?.path ?? ScalableWebTier.DEFAULT_HEALTH_CHECK_PATH;
    this.validateHealthCheckPath(healthCheckPath);
    this.validateCertificateRegion(props.certificate);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const internetFacing = props.internetFacing ?? true;
    const dualStack = props.ipAddressType === elbv2.IpAddressType.DUAL_STACK;

    // Security groups (architecture section 16): no allow-all outbound anywhere.
    this.loadBalancerSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: props.vpc,
      description: 'Load balancer: HTTP/HTTPS from the allowed peers; out only to the instances',
      allowAllOutbound: false,
    });
    this.instanceSecurityGroup = new ec2.SecurityGroup(this, 'InstanceSecurityGroup', {
      vpc: props.vpc,
      description: 'Web instances: the application port from the load balancer; HTTPS out',
      allowAllOutbound: false,
    });
    this.instanceSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443),
      'HTTPS to package repositories and AWS APIs (SSM, CloudWatch)');
    if (props.bastionSecurityGroup) {
      this.instanceSecurityGroup.connections.allowFrom(props.bastionSecurityGroup, ec2.Port.tcp(22), 'SSH from the bastion');
    }
    this.connections = this.instanceSecurityGroup.connections;

    // Load balancer (architecture section 10).
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing,
      vpcSubnets: props.loadBalancerSubnets ?? {
        subnetType: internetFacing ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS,
      },
      ipAddressType: props.ipAddressType ?? elbv2.IpAddressType.IPV4,
      securityGroup: this.loadBalancerSecurityGroup,
      deletionProtection: props.deletionProtection ?? true,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: elbv2.DesyncMitigationMode.STRICTEST,
      http2Enabled: true,
      crossZoneEnabled: true,
    });
    this.accessLogsBucket = props.accessLogsBucket ?? createLogBucket(this, 'AccessLogsBucket', {
      holds: 'the load balancer\'s access logs',
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      expirationDays: 90,
      removalPolicy,
    });
    this.loadBalancer.logAccessLogs(this.accessLogsBucket, props.accessLogsPrefix ?? 'alb');

    this.validateIngress(props);
    const access = props.cloudFrontOriginAccess;
    const peers = access ? [access.peer] : props.loadBalancerIngressPeers
      ?? (dualStack ? [ec2.Peer.anyIpv4(), ec2.Peer.anyIpv6()] : [ec2.Peer.anyIpv4()]);
    const servingPort = props.certificate ? 443 : 80;
    const listenerPorts = access ? [servingPort] : props.certificate ? [80, 443] : [80];
    for (const peer of peers) {
      for (const port of listenerPorts) {
        this.loadBalancerSecurityGroup.addIngressRule(peer, ec2.Port.tcp(port), `${port === 443 ? 'HTTPS' : 'HTTP'} to the listener`);
      }
    }
    this.acknowledgeOpenIngress(peers);

    // Fleet.
    const logKey = createLogEncryptionKey(this, 'LogKey', `Encrypts the logs of ${this.node.path}`, removalPolicy);
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    this.logGroups = ['NginxAccess', 'NginxError', 'System', 'CloudInit'].map(name =>
      new logs.LogGroup(this, `${name}LogGroup`, { encryptionKey: logKey, retention: logRetention, removalPolicy }));
    this.webAcl = this.createFirewall(props, logKey, logRetention, removalPolicy);
    const role = this.createRole();
    this.role = role;
    this.launchTemplate = this.createLaunchTemplate(props, healthCheckPath);
    this.notificationsTopic = props.notificationsTopic ?? this.createNotificationsTopic();

    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'AutoScalingGroup', {
      vpc: props.vpc,
      vpcSubnets: props.instanceSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplate: this.launchTemplate,
      minCapacity,
      maxCapacity,
      desiredCapacity: props.desiredCapacity,
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
        additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
        gracePeriod: props.healthCheckGracePeriod ?? Duration.seconds(300),
      }),
      updatePolicy: props.updatePolicy ?? autoscaling.UpdatePolicy.instanceRefresh({
        strategy: autoscaling.InstanceRefreshStrategy.ROLLING,
        minHealthyPercentage: 100,
        maxHealthyPercentage: 200,
        instanceWarmup: props.healthCheckGracePeriod ?? Duration.seconds(300),
      }),
      notifications: [{ topic: this.notificationsTopic }],
      groupMetrics: [autoscaling.GroupMetrics.all()],
    });
    // The instances' user data uses their permissions (logs, configuration, secrets) as soon as they boot: the role's
    // policy, which every later grant joins, is attached before the group launches any.
    this.autoScalingGroup.node.addDependency(role.policy);

    // Target group and listeners.
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc: props.vpc,
      port: this.applicationPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.INSTANCE,
      targets: [this.autoScalingGroup],
      healthCheck: {
        path: healthCheckPath,
        port: 'traffic-port',
        protocol: elbv2.Protocol.HTTP,
        interval: props.healthCheck?.interval ?? Duration.seconds(15),
        timeout: props.healthCheck?.timeout ?? Duration.seconds(5),
        healthyThresholdCount: props.healthCheck?.healthyThresholdCount ?? 2,
        unhealthyThresholdCount: props.healthCheck?.unhealthyThresholdCount ?? 3,
        healthyHttpCodes: props.healthCheck?.healthyHttpCodes ?? '200',
      },
      stickinessCookieDuration: props.stickinessCookieDuration,
      deregistrationDelay: Duration.seconds(30),
    });

    if (props.certificate) {
      this.httpsListener = this.loadBalancer.addListener('HttpsListener', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [props.certificate],
        sslPolicy: props.sslPolicy ?? elbv2.SslPolicy.TLS13_12_RES_PQ,
        ...this.servingAction(access),
        open: false,
      });
      this.httpListener = this.loadBalancer.addListener('HttpListener', {
        port: 80,
        protocol: elbv2.ApplicationProtocol.HTTP,
        defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
        open: false,
      });
      for (const pack of REGULATORY_PACKS) {
        acknowledgeFinding(this.httpListener, `${pack}-ELBv2ACMCertificateRequired`,
          'The port 80 listener serves nothing: it only answers with a permanent redirect to the HTTPS listener on 443, ' +
          'which uses the ACM certificate.');
      }
      this.listener = this.httpsListener;
    } else {
      this.httpListener = this.loadBalancer.addListener('HttpListener', {
        port: 80,
        protocol: elbv2.ApplicationProtocol.HTTP,
        ...this.servingAction(access),
        open: false,
      });
      this.listener = this.httpListener;
      Annotations.of(this).addWarningV2('cdk-production-webapp:unencryptedListener',
        'No certificate: the load balancer serves plain HTTP on port 80, so traffic to it is not encrypted. ' +
        'Give a certificate (or put SecureEdge in front with a domain) for HTTPS.');
    }

    if (access) {
      this.originAccess = access;
      // Requests with CloudFront's secret header reach the fleet; routes added later carry the same condition.
      this.listener.addAction('FromCloudFront', {
        priority: 50000,
        conditions: [elbv2.ListenerCondition.httpHeader(access.headerName, [access.headerValue])],
        action: elbv2.ListenerAction.forward([this.targetGroup]),
      });
    }

    (props.scaling ?? FleetScaling.cpuSteps())._apply(this, this.autoScalingGroup, this.metricCpuUtilization());
  }

  /** The serving listener's default action: the fleet, or 403 for requests that did not come through CloudFront. */
  private servingAction(access?: CloudFrontOriginAccess): { defaultAction: elbv2.ListenerAction } {
    return {
      defaultAction: access
        ? elbv2.ListenerAction.fixedResponse(403, { contentType: 'text/plain', messageBody: 'Forbidden' })
        : elbv2.ListenerAction.forward([this.targetGroup]),
    };
  }

  /**
   * Lets the instances open connections to a peer on a port: an egress rule here, an ingress rule there.
   */
  public allowConnectionsTo(peer: ec2.IConnectable, port: ec2.Port, description?: string): void {
    this.connections.allowTo(peer, port, description ?? `From the web tier ${this.node.path}`);
  }

  /**
   * Adds a path- and/or host-based routing rule to the serving listener.
   */
  public addRoute(id: string, options: WebTierRouteOptions): elbv2.ApplicationListenerRule {
    this.validateRoute(id, options);
    const conditions: elbv2.ListenerCondition[] = [];
    if (this.originAccess) {
      conditions.push(elbv2.ListenerCondition.httpHeader(this.originAccess.headerName, [this.originAccess.headerValue]));
    }
    if (options.pathPatterns?.length) conditions.push(elbv2.ListenerCondition.pathPatterns(options.pathPatterns));
    if (options.hostHeaders?.length) conditions.push(elbv2.ListenerCondition.hostHeaders(options.hostHeaders));
    return new elbv2.ApplicationListenerRule(this, id, {
      listener: this.listener,
      priority: options.priority,
      conditions,
      action: elbv2.ListenerAction.forward(options.targetGroups ?? [this.targetGroup]),
    });
  }

  /** Requests the load balancer received. */
  public metricRequestCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.loadBalancer.metrics.requestCount(props);
  }

  /** HTTP 5xx responses generated by the load balancer itself (no healthy target, timeouts). */
  public metricLoadBalancer5xxCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, props);
  }

  /** HTTP 5xx responses returned by the instances. */
  public metricTarget5xxCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, props);
  }

  /** Time the instances take to answer, in seconds (average by default). */
  public metricTargetResponseTime(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.targetResponseTime(props);
  }

  /** Targets failing the health check. */
  public metricUnhealthyHostCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.unhealthyHostCount(props);
  }

  /** Targets passing the health check. */
  public metricHealthyHostCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.healthyHostCount(props);
  }

  /** Average CPU utilization of the fleet, in percent, over 5 minutes. */
  public metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      dimensionsMap: { AutoScalingGroupName: this.autoScalingGroup.autoScalingGroupName },
      statistic: cloudwatch.Stats.AVERAGE,
      period: Duration.minutes(5),
      ...props,
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Resources
  // ---------------------------------------------------------------------------------------------------------------

  private createRole(): ManagedPolicyRole {
    const role = new ManagedPolicyRole(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `Instances of the web tier ${this.node.path}`,
    });
    // Systems Manager core: the agent's registration, Run Command and Session Manager channels. These actions
    // take no resource ARNs.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'SystemsManagerCore',
      actions: [
        'ssm:DescribeAssociation', 'ssm:GetDeployablePatchSnapshotForInstance', 'ssm:GetDocument', 'ssm:DescribeDocument',
        'ssm:GetManifest', 'ssm:ListAssociations', 'ssm:ListInstanceAssociations', 'ssm:PutInventory',
        'ssm:PutComplianceItems', 'ssm:PutConfigurePackageResult', 'ssm:UpdateAssociationStatus',
        'ssm:UpdateInstanceAssociationStatus', 'ssm:UpdateInstanceInformation',
        'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel',
        'ssmmessages:OpenDataChannel',
        'ec2messages:AcknowledgeMessage', 'ec2messages:DeleteMessage', 'ec2messages:FailMessage',
        'ec2messages:GetEndpoint', 'ec2messages:GetMessages', 'ec2messages:SendReply',
      ],
      resources: ['*'],
    }));
    // CloudWatch agent: metrics only in its own namespace; instance tags and volumes for its dimensions.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'CloudWatchAgentMetrics',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': 'CWAgent' } },
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'CloudWatchAgentDimensions',
      actions: ['ec2:DescribeTags', 'ec2:DescribeVolumes'],
      resources: ['*'],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'CloudWatchAgentLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: this.logGroups.map(group => group.logGroupArn),
    }));
    acknowledgeFinding(role.policy, 'AwsSolutions-IAM5[Resource::*]',
      'Systems Manager agent messaging (ssm, ssmmessages, ec2messages), cloudwatch:PutMetricData and ' +
      'ec2:DescribeTags/DescribeVolumes support no resource-level permissions; PutMetricData is limited to the ' +
      'CWAgent namespace by condition, and log writes are scoped to the tier\'s own log groups.');
    return role;
  }

  private createLaunchTemplate(props: ScalableWebTierProps, healthCheckPath: string): ec2.LaunchTemplate {
    const instanceType = props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MEDIUM);
    const machineImage = props.machineImage ?? ec2.MachineImage.latestAmazonLinux2023({
      cpuType: instanceType.architecture === ec2.InstanceArchitecture.ARM_64
        ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64,
    });
    const [nginxAccess, nginxError, system, cloudInit] = this.logGroups.map(group => group.logGroupName);
    const userData = props.userData ?? ec2.UserData.forLinux();
    if (!props.userData) {
      userData.addCommands(...bootstrapCommands(this, {
        applicationPort: this.applicationPort,
        healthCheckPath,
        logGroups: { nginxAccess, nginxError, system, cloudInit },
      }));
    }
    userData.addCommands(...props.userDataCommands ?? []);

    return new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      instanceType,
      machineImage,
      userData,
      role: this.role,
      securityGroup: this.instanceSecurityGroup,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      detailedMonitoring: props.detailedMonitoring ?? false,
      blockDevices: [{
        deviceName: props.rootDeviceName ?? '/dev/xvda',
        volume: ec2.BlockDeviceVolume.ebs(props.rootVolumeSizeGiB ?? 20, {
          volumeType: ec2.EbsDeviceVolumeType.GP3,
          encrypted: true,
          deleteOnTermination: true,
        }),
      }],
    });
  }

  private createFirewall(props: ScalableWebTierProps, logKey: kms.IKey, logRetention: logs.RetentionDays,
    removalPolicy: RemovalPolicy): wafv2.CfnWebACL | undefined {
    if (props.webAclArn !== undefined) {
      if (props.regionalWebAcl === true) {
        throw propError(this, `regionalWebAcl: true creates a web ACL, but webAclArn (${props.webAclArn}) is also given; ` +
          'give one of them.');
      }
      new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
        resourceArn: this.loadBalancer.loadBalancerArn,
        webAclArn: props.webAclArn,
      });
      return undefined;
    }
    if (!(props.regionalWebAcl ?? true)) return undefined;
    const rateLimit = props.rateLimitPerFiveMinutes ?? 2000;
    if (!Token.isUnresolved(rateLimit) && (!Number.isInteger(rateLimit) || rateLimit < 10)) {
      throw propError(this, `rateLimitPerFiveMinutes: ${rateLimit} is below what AWS WAF accepts; use a whole number of at least 10.`);
    }
    const webAcl = createWebAcl(this, 'WebAcl', {
      scope: 'REGIONAL',
      rateLimitPerFiveMinutes: rateLimit,
      metricPrefix: Names.uniqueResourceName(this, { maxLength: 64 }),
      logKey,
      logRetention,
      removalPolicy,
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.loadBalancer.loadBalancerArn,
      webAclArn: webAcl.attrArn,
    });
    return webAcl;
  }

  private createNotificationsTopic(): sns.Topic {
    const key = new kms.Key(this, 'NotificationsKey', {
      description: `Encrypts the scaling notifications of ${this.node.path}`,
      enableKeyRotation: true,
    });
    // Auto Scaling publishes through its service-linked role, which needs the key to encrypt messages.
    key.grant(new iam.ArnPrincipal(Stack.of(this).formatArn({
      service: 'iam',
      region: '',
      resource: 'role',
      resourceName: 'aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling',
    })), 'kms:GenerateDataKey*', 'kms:Decrypt');
    return new sns.Topic(this, 'NotificationsTopic', {
      displayName: 'Web tier scaling notifications',
      masterKey: key,
      enforceSSL: true,
    });
  }

  private acknowledgeOpenIngress(peers: ec2.IPeer[]) {
    const open = peers.some(peer => peer.uniqueId === '0.0.0.0/0' || peer.uniqueId === '::/0');
    if (!open) return;
    acknowledgeFinding(this.loadBalancerSecurityGroup, 'AwsSolutions-EC23',
      'An internet-facing load balancer accepts HTTP/HTTPS from anywhere on its listener ports only (architecture ' +
      'section 16); SecureEdge narrows this to CloudFront.');
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Validation
  // ---------------------------------------------------------------------------------------------------------------

  private validateCapacity(min: number, max: number, desired?: number) {
    if (Token.isUnresolved(min) || Token.isUnresolved(max)) return;
    if (!Number.isInteger(min) || min < 1) {
      throw propError(this, `minCapacity: ${min} is not a valid capacity; the fleet needs at least 1 instance (2 for one per AZ).`);
    }
    if (!Number.isInteger(max) || max < 1) {
      throw propError(this, `maxCapacity: ${max} is not a valid capacity; it must be a whole number of at least 1.`);
    }
    if (min > max) {
      throw propError(this, `minCapacity (${min}) must not exceed maxCapacity (${max}).`);
    }
    if (desired !== undefined && !Token.isUnresolved(desired) && (desired < min || desired > max)) {
      throw propError(this, `desiredCapacity: ${desired} is outside [minCapacity, maxCapacity] = [${min}, ${max}].`);
    }
    if (min < 2) {
      Annotations.of(this).addWarningV2('cdk-production-webapp:singleInstance',
        `minCapacity is ${min}: the fleet can shrink to one instance in one Availability Zone, with no redundancy.`);
    }
  }

  private validatePort(port: number) {
    if (Token.isUnresolved(port)) return;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw propError(this, `applicationPort: ${port} is not a TCP port; ports are whole numbers from 1 to 65535.`);
    }
  }

  private validateHealthCheckPath(path: string) {
    if (Token.isUnresolved(path)) return;
    if (!path.startsWith('/')) {
      throw propError(this, `healthCheck.path: '${path}' must start with '/', e.g. '/health'.`);
    }
  }

  private validateCertificateRegion(certificate?: acm.ICertificate) {
    if (!certificate) return;
    const arn = certificate.certificateArn;
    const certificateRegion = Token.isUnresolved(arn)
      ? certificate.env.region
      : Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME).region;
    const stackRegion = Stack.of(this).region;
    if (!certificateRegion || Token.isUnresolved(certificateRegion) || Token.isUnresolved(stackRegion)) return;
    if (certificateRegion !== stackRegion) {
      throw propError(this, `certificate: ${Token.isUnresolved(arn) ? certificate.node.path : arn} is in ${certificateRegion}, ` +
        `but a load balancer can only use a certificate from its own region (${stackRegion}); request or import one there.`);
    }
  }

  private validateIngress(props: ScalableWebTierProps) {
    if (props.cloudFrontOriginAccess && props.loadBalancerIngressPeers) {
      throw propError(this, 'loadBalancerIngressPeers and cloudFrontOriginAccess are both set; cloudFrontOriginAccess ' +
        'admits CloudFront only, so give one of them.');
    }
  }

  private validateRegion() {
    if (Token.isUnresolved(Stack.of(this).region)) {
      throw propError(this, `the stack ${Stack.of(this).stackName} has no region (it is environment-agnostic), but load ` +
        'balancer access log delivery is set up per region; give the stack an env with a region, e.g. ' +
        "{ env: { region: 'eu-west-1' } }.");
    }
  }

  private validateRoute(id: string, options: WebTierRouteOptions) {
    if (!options.pathPatterns?.length && !options.hostHeaders?.length) {
      throw propError(this, `addRoute('${id}'): give pathPatterns or hostHeaders (or both); a rule without a condition ` +
        'would shadow the default action.');
    }
    // A listener rule holds at most 5 condition values; the CloudFront header takes 2 while its value is rotated.
    const values = (options.pathPatterns?.length ?? 0) + (options.hostHeaders?.length ?? 0);
    const limit = this.originAccess ? 3 : 5;
    if (values > limit) {
      throw propError(this, `addRoute('${id}'): ${values} path patterns and host headers; a listener rule holds at most 5 `
        + 'condition values' + (this.originAccess ? ', and the CloudFront origin header takes 2 of them while its value is '
        + 'rotated: use at most 3, or several routes.' : ': use at most 5, or several routes.'));
    }
    const priority = options.priority;
    if (!Token.isUnresolved(priority) && (!Number.isInteger(priority) || priority < 1 || priority > 50000)) {
      throw propError(this, `addRoute('${id}'): priority ${priority} is invalid; use a whole number from 1 to 50000.`);
    }
  }
}
