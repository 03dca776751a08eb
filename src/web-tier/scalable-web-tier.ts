import { Annotations, Arn, ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { FleetScaling } from './fleet-scaling';
import { applicationCommands, applicationPortAndHealthPath } from './private/application-bootstrap';
import { BootstrapOptions, bootstrapCommands, healthCheckCommand } from './private/bootstrap';
import {
  createAutoScalingGroup, createLaunchTemplate, createNotificationsTopic, createRolloutAlarm, createTargetGroup, rolloutPolicy,
} from './private/fleet';
import { createInstanceRole } from './private/instance-role';
import { admitPeers, createFirewall, createListeners, createLoadBalancer, createSecurityGroups, routeConditions } from './private/load-balancer-front';
import { WebApplication } from './web-application';
import { propError } from '../core/errors';
import { createLogEncryptionKey } from '../core/log-encryption';
import { CloudFrontOriginAccess } from '../edge/cloudfront-origin-access';
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
 * How a new launch template (a new application release, a new configuration, another instance type) rolls through
 * the fleet: an instance refresh that launches new instances before it terminates old ones.
 */
export interface WebTierRolloutOptions {
  /**
   * How long a new instance warms up after it enters service before the refresh moves on.
   *
   * @default - the health check grace period (300 seconds)
   */
  readonly instanceWarmup?: Duration;

  /**
   * Percentages of the fleet after which the refresh pauses for `checkpointDelay`, ascending, ending with 100, e.g.
   * `[50, 100]`.
   *
   * @default - no checkpoints: the whole fleet is replaced in one step (up to 200% of the desired capacity runs meanwhile)
   */
  readonly checkpointPercentages?: number[];

  /**
   * How long the refresh waits at each checkpoint.
   *
   * @default Duration.hours(1) - with checkpoints
   */
  readonly checkpointDelay?: Duration;

  /**
   * How long the deployment waits after the last instance is replaced before it succeeds; an alarm in that time still
   * rolls it back.
   *
   * @default Duration.seconds(0)
   */
  readonly bakeTime?: Duration;

  /**
   * More alarms that abort a rollout (at most 10 with the tier's own), e.g. on the target group's 5xx responses.
   *
   * @default - only the tier's rollout alarm
   */
  readonly alarms?: cloudwatch.IAlarm[];

  /**
   * Whether the tier's rollout alarm (a target failing its health check for 2 minutes) aborts a rollout; the
   * deployment then fails, and CloudFormation's rollback returns the fleet to the previous launch template.
   *
   * @default true
   */
  readonly abortOnUnhealthyTargets?: boolean;
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
   * @default t3.medium - 2 vCPUs and 4 GiB, a burstable size to start with
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
   * @default 20
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
   * Replaces the default user data entirely (you then own nginx, the CloudWatch agent and the health endpoint); not
   * with `application`.
   *
   * @default - bootstraps nginx on `applicationPort` with the health path, the CloudWatch agent (memory and disk
   * metrics; nginx, system and cloud-init logs) and the SSM agent
   */
  readonly userData?: ec2.UserData;

  /**
   * Commands added to the user data, after the bootstrap and before the application is installed and started.
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
   * @default 2 - one per Availability Zone, so that the fleet survives the loss of a zone
   */
  readonly minCapacity?: number;

  /**
   * Maximum number of instances.
   *
   * @default 6
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
   * @default Duration.seconds(300) - five minutes to boot and install before a failing check replaces the instance
   */
  readonly healthCheckGracePeriod?: Duration;

  /**
   * How the fleet scales.
   *
   * @default FleetScaling.cpuSteps() - one more instance above 70% CPU for 5 minutes, one fewer below 30% for 5 minutes
   */
  readonly scaling?: FleetScaling;

  /**
   * How a change of the launch template reaches running instances, replacing the default rollout entirely (not with
   * `application`, whose releases need the rollout).
   *
   * @default - the rollout of `rollout`
   */
  readonly updatePolicy?: autoscaling.UpdatePolicy;

  /**
   * How a new launch template rolls through the fleet.
   *
   * @default - an instance refresh that launches new instances before terminating old ones (100% to 200% healthy),
   * each warming up for the health check grace period (300 s), aborted and rolled back when a target fails its health
   * check for 2 minutes; capacity never drops
   */
  readonly rollout?: WebTierRolloutOptions;

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

  /**
   * Your application: each instance fetches the release, installs it and runs it as a systemd service behind nginx,
   * which forwards every request to it; the load balancer's health check reaches the application's health path. A new
   * release rolls the fleet (see `rollout`).
   *
   * @default - nginx answers the health path and serves nothing else
   */
  readonly application?: WebApplication;
}

/**
 * The web tier of the architecture (https://github.com/cdk-production-webapp/cdk-production-webapp/blob/main/docs/architecture.md#web-tier): an Application Load Balancer in front of an
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
  /** Default maximum capacity. */
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
  /** The log group of the application's stdout and stderr, with an application. */
  public readonly applicationLogGroup?: logs.LogGroup;
  /** The application the instances run, if given. */
  public readonly application?: WebApplication;
  /** The alarm that aborts a rollout when a target fails its health check, unless turned off or `updatePolicy` is given. */
  public readonly rolloutAlarm?: cloudwatch.Alarm;
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
    this.validateIngress(props);
    this.validateApplication(props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    // The load balancer's side: security groups, load balancer, who reaches it.
    const groups = createSecurityGroups(this, props);
    this.loadBalancerSecurityGroup = groups.loadBalancerSecurityGroup;
    this.instanceSecurityGroup = groups.instanceSecurityGroup;
    this.connections = this.instanceSecurityGroup.connections;
    const front = createLoadBalancer(this, props, this.loadBalancerSecurityGroup, removalPolicy);
    this.loadBalancer = front.loadBalancer;
    this.accessLogsBucket = front.accessLogsBucket;
    admitPeers(props, this.loadBalancerSecurityGroup);

    // The instances' logs, firewall and role; the application's release.
    const logKey = createLogEncryptionKey(this, 'LogKey', `Encrypts the logs of ${this.node.path}`, removalPolicy);
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const newLogGroup = (name: string) =>
      new logs.LogGroup(this, `${name}LogGroup`, { encryptionKey: logKey, retention: logRetention, removalPolicy });
    this.logGroups = ['NginxAccess', 'NginxError', 'System', 'CloudInit'].map(newLogGroup);
    this.applicationLogGroup = props.application ? newLogGroup('Application') : undefined;
    this.webAcl = createFirewall(this, this.loadBalancer, props, logKey, logRetention, removalPolicy);
    const role = createInstanceRole(this, [...this.logGroups, ...this.applicationLogGroup ? [this.applicationLogGroup] : []]
      .map(group => group.logGroupArn));
    this.role = role;
    this.application = props.application;
    this.launchTemplate = createLaunchTemplate(this, props, role, this.instanceSecurityGroup,
      this.createUserData(props, healthCheckPath));
    this.notificationsTopic = props.notificationsTopic ?? createNotificationsTopic(this);

    // Target group and listeners, then the fleet, whose rollout the target group's health aborts.
    this.targetGroup = createTargetGroup(this, props, this.applicationPort, healthCheckPath);
    const listeners = createListeners(this, this.loadBalancer, this.targetGroup, props);
    this.listener = listeners.listener;
    this.httpListener = listeners.httpListener;
    this.httpsListener = listeners.httpsListener;
    this.originAccess = props.cloudFrontOriginAccess;
    this.rolloutAlarm = props.updatePolicy || props.rollout?.abortOnUnhealthyTargets === false
      ? undefined : createRolloutAlarm(this, this.targetGroup, this.notificationsTopic);
    const rolloutAlarms = [...this.rolloutAlarm ? [this.rolloutAlarm] : [], ...props.rollout?.alarms ?? []];
    this.autoScalingGroup = createAutoScalingGroup(this, props, this.launchTemplate, { minCapacity, maxCapacity },
      props.updatePolicy ?? rolloutPolicy(this, props, rolloutAlarms), this.notificationsTopic);
    this.targetGroup.addTarget(this.autoScalingGroup);
    // The instances' user data uses their permissions (logs, configuration, secrets) as soon as they boot: the role's
    // policy, which every later grant joins, is attached before the group launches any.
    this.autoScalingGroup.node.addDependency(role.policy);

    (props.scaling ?? FleetScaling.cpuSteps())._apply(this, this.autoScalingGroup, this.metricCpuUtilization());
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
    return new elbv2.ApplicationListenerRule(this, id, {
      listener: this.listener,
      priority: options.priority,
      conditions: routeConditions(this, id, options, this.originAccess),
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

  /**
   * The default bootstrap (nginx, the CloudWatch and SSM agents), then `userDataCommands`, then the application, and
   * last the health path through nginx; or the user's own `userData` with `userDataCommands`.
   */
  private createUserData(props: ScalableWebTierProps, healthCheckPath: string): ec2.UserData {
    if (props.userData) {
      props.userData.addCommands(...props.userDataCommands ?? []);
      return props.userData;
    }
    const [nginxAccess, nginxError, system, cloudInit] = this.logGroups.map(group => group.logGroupName);
    const application = props.application;
    const upstream = application
      ? applicationPortAndHealthPath(application.options, healthCheckPath, WebApplication.DEFAULT_PORT) : undefined;
    const options: BootstrapOptions = {
      applicationPort: this.applicationPort,
      healthCheckPath,
      logGroups: { nginxAccess, nginxError, system, cloudInit, application: this.applicationLogGroup?.logGroupName },
      upstream,
    };
    const userData = ec2.UserData.forLinux();
    userData.addCommands(...bootstrapCommands(this, options));
    userData.addCommands(...props.userDataCommands ?? []);
    if (application && upstream) {
      userData.addCommands(...applicationCommands({
        release: application._bind(this, this.role, this.applicationPort),
        application: application.options,
        ...upstream,
      }));
    }
    userData.addCommands(healthCheckCommand(options));
    return userData;
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

  private validateApplication(props: ScalableWebTierProps) {
    if (props.application && props.userData) {
      throw propError(this, 'application: your own userData replaces the bootstrap that installs and runs the '
        + 'application; remove userData (add commands with userDataCommands), or install the application in it.');
    }
    if (props.application && props.updatePolicy) {
      throw propError(this, 'updatePolicy: a custom update policy replaces the rollout that takes new application '
        + 'releases to the fleet; use rollout to tune it instead.');
    }
    if (props.updatePolicy && props.rollout) {
      throw propError(this, 'rollout: its settings apply to the default rollout, which updatePolicy replaces; give one of them.');
    }
  }
}
