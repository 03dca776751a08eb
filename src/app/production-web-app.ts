import { Annotations, Aws, CfnOutput, Duration, Fn, Names, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { StaticContentDeployment } from './private/static-content';
import { REGULATORY_PACKS, acknowledgeFinding } from '../core/compliance';
import { propError } from '../core/errors';
import { validateRotationPeriod } from '../core/rotation-function';
import { ResilientDataTier, ResilientDataTierOptions } from '../data-tier/resilient-data-tier';
import { CloudFrontOriginAccess } from '../edge/cloudfront-origin-access';
import { OriginCertificate } from '../edge/origin-certificate';
import { SecureEdge, SecureEdgeOptions } from '../edge/secure-edge';
import { NetworkFoundation, NetworkFoundationProps } from '../network/network-foundation';
import { Observability, ObservabilityOptions } from '../observability/observability';
import { StorageBuckets, StorageBucketsProps } from '../storage/storage-buckets';
import { ScalableWebTier, ScalableWebTierOptions } from '../web-tier/scalable-web-tier';
import { WebApplication } from '../web-tier/web-application';

/**
 * Properties of a `ProductionWebApp`. Every property is optional: `new ProductionWebApp(this, 'App')` is the whole
 * system of the architecture with its defaults.
 */
export interface ProductionWebAppProps {
  /**
   * Your application, run on every instance behind nginx (`WebApplication.fromAsset('./app', { start: 'node server.js' })`).
   * It finds the database and cache endpoints, secret ARNs and bucket names in its environment
   * (`/etc/webapp/config.env`). A new release rolls the fleet with no failed request, and a release whose instances
   * fail their health check is rolled back.
   *
   * @default - nginx on the instances answers the health path and serves nothing else
   */
  readonly application?: WebApplication;

  /**
   * Your static content, deployed to the static assets bucket under the edge's static path (`/static/`) at each
   * deployment, e.g. `[s3deploy.Source.asset('./static')]`; CloudFront's cached copies of that path are invalidated
   * afterwards. Files removed from the sources stay in the bucket, so pages of the previous release keep working.
   *
   * @default - nothing is deployed to the bucket
   */
  readonly staticContent?: s3deploy.ISource[];

  /**
   * The site's domain name, e.g. 'www.example.com' or 'example.com' (with `edge: { includeWww: true }` for both).
   * With `hostedZone`: a CloudFront certificate for it in us-east-1, alias records, and HTTPS from CloudFront to the
   * load balancer through `origin.<zone>` with its own certificate.
   *
   * @default - the distribution's *.cloudfront.net name, and HTTP from CloudFront to the load balancer (with a warning)
   */
  readonly domainName?: string;

  /**
   * The public hosted zone that holds `domainName`; required with it. Outside us-east-1 its ID and name must be
   * literals (e.g. `route53.HostedZone.fromHostedZoneAttributes`).
   *
   * @default - none; required with `domainName`
   */
  readonly hostedZone?: route53.IHostedZone;

  /**
   * An existing CloudFront certificate for `domainName`, in us-east-1.
   *
   * @default - a certificate requested in us-east-1 and validated by DNS in `hostedZone`
   */
  readonly certificate?: acm.ICertificate;

  /**
   * An e-mail address subscribed to the alarm topics (added to `observability.alarmEmails`). It must confirm the
   * subscription.
   *
   * @default - no subscription
   */
  readonly alarmEmail?: string;

  /**
   * An existing VPC to deploy into instead of a `NetworkFoundation`. It needs public subnets (load balancer, NAT),
   * private subnets with egress (instances) and isolated subnets (database and cache), unless the tiers' subnet
   * options say otherwise.
   *
   * @default - a new `NetworkFoundation` with `network`
   */
  readonly vpc?: ec2.IVpc;

  /**
   * An existing bucket of static assets, served under `/static/*`. It must be created in this app, so that the
   * distribution can be admitted in its bucket policy.
   *
   * @default - the static assets bucket of `StorageBuckets`
   */
  readonly staticAssetsBucket?: s3.IBucket;

  /**
   * Settings of the network (not with `vpc`).
   *
   * @default - the defaults of `NetworkFoundation`
   */
  readonly network?: NetworkFoundationProps;

  /**
   * Settings of the web tier.
   *
   * @default - the defaults of `ScalableWebTier`, except `regionalWebAcl: false` (CloudFront's web ACL filters every request)
   */
  readonly webTier?: ScalableWebTierOptions;

  /**
   * Settings of the data tier.
   *
   * @default - the defaults of `ResilientDataTier`
   */
  readonly dataTier?: ResilientDataTierOptions;

  /**
   * Settings of the edge.
   *
   * @default - the defaults of `SecureEdge`
   */
  readonly edge?: SecureEdgeOptions;

  /**
   * Settings of the buckets.
   *
   * @default - the defaults of `StorageBuckets`
   */
  readonly storage?: StorageBucketsProps;

  /**
   * Settings of the alarms, dashboard and trail.
   *
   * @default - the defaults of `Observability`
   */
  readonly observability?: ObservabilityOptions;

  /**
   * The SSM Parameter Store path under which the instances find their configuration. It must start with `/`.
   *
   * @default - `/cdk-production-webapp/` and a name unique to this construct
   */
  readonly configurationPath?: string;

  /**
   * Time between two rotations of the secret header value CloudFront sends to the load balancer. Each rotation
   * updates CloudFront and the listener rules together, with no request refused on the way (`OriginHeaderRotation`);
   * its function runs in the instances' subnets and needs their route to the internet (CloudFront's API has no VPC
   * endpoint).
   *
   * @default Duration.days(30)
   */
  readonly originHeaderRotation?: Duration;
}

/**
 * The complete architecture in one construct: `NetworkFoundation`, `StorageBuckets`, `ResilientDataTier`,
 * `ScalableWebTier`, `SecureEdge` and `Observability`, wired as the architecture's traffic flow describes.
 *
 * - **Traffic**: Route 53 → CloudFront (web ACL in us-east-1) → the load balancer, which admits only CloudFront (its
 *   origin-facing prefix list and a secret header) → the instances in the application subnets. `/static/*` comes from
 *   the static assets bucket through origin access control.
 * - **Data**: the instances' security group reaches the database (5432) and the cache (6379), nothing else does; the
 *   instance role reads the database credentials and the cache AUTH token, and no other secret.
 * - **Configuration**: the instances receive the database and cache endpoints and ports, the secret ARNs and the
 *   bucket names as SSM parameters under `configurationPath`, written by the user data to `/etc/webapp/config.env`
 *   (`DATABASE_HOST=…`) before your `userDataCommands` run.
 * - **Logs**: the logs bucket receives the load balancer's, CloudFront's and the buckets' access logs, and the trail
 *   bucket's; WAF logs go to an encrypted log group; the trail to its own KMS-encrypted bucket and log group.
 * - **Recovery**: the backups bucket replicates to the disaster recovery region's companion stack.
 * - **Alarms**: every tier's alarms notify one topic (the edge's, a us-east-1 topic of the follower stack outside
 *   us-east-1), with `alarmEmail` subscribed; one dashboard covers every tier.
 * - **Outputs**: the site URL, the distribution's domain, the load balancer's DNS name, the database and cache
 *   endpoints, the secret ARNs, the configuration path and the dashboard's URL.
 *
 * From any region: the us-east-1 companion stack (certificate, web ACL), the follower stack (CloudFront alarms) and the
 * disaster recovery companion stack are created and wired by the tiers.
 *
 * @example
 * new ProductionWebApp(this, 'App');
 */
export class ProductionWebApp extends Construct {
  /** The network, unless an existing `vpc` was given. */
  public readonly network?: NetworkFoundation;
  /** The VPC of every tier. */
  public readonly vpc: ec2.IVpc;
  /** The static assets, backups and logs buckets. */
  public readonly storage: StorageBuckets;
  /** The database, its read replicas and the cache. */
  public readonly dataTier: ResilientDataTier;
  /** The load balancer and the Auto Scaling group. */
  public readonly webTier: ScalableWebTier;
  /** The CloudFront distribution, its web ACL and the DNS records. */
  public readonly edge: SecureEdge;
  /** The alarms, the dashboard and the trail. */
  public readonly observability: Observability;
  /** The secret header and prefix list that let only CloudFront reach the load balancer. */
  public readonly originAccess: CloudFrontOriginAccess;
  /** The load balancer's certificate for `origin.<zone>`, when a domain is given. */
  public readonly originCertificate?: OriginCertificate;
  /** The SSM parameters the instances read their configuration from, by name relative to `configurationPath`. */
  public readonly configuration: { [name: string]: ssm.StringParameter };
  /** The SSM path of the configuration parameters. */
  public readonly configurationPath: string;
  /** The URL of the site. */
  public readonly url: string;
  /** The configuration of the instances, by parameter name. */
  private configurationValues: Record<string, string> = {};
  /** The deployment of `staticContent` to the static assets bucket, when given. */
  public readonly staticContentDeployment?: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: ProductionWebAppProps = {}) {
    super(scope, id);
    this.validateDomain(props);
    this.validateConflicts(props);
    this.configurationPath = props.configurationPath
      ?? `/cdk-production-webapp/${Names.uniqueResourceName(this, { maxLength: 200, separator: '-' })}`;
    this.validateConfigurationPath(this.configurationPath);
    if (props.originHeaderRotation) validateRotationPeriod(this, 'originHeaderRotation', props.originHeaderRotation);

    this.network = props.vpc ? undefined : new NetworkFoundation(this, 'Network', props.network);
    this.vpc = props.vpc ?? this.network!.vpc;

    this.storage = new StorageBuckets(this, 'Storage', {
      ...props.storage,
      staticAssetsBucket: props.staticAssetsBucket ?? props.storage?.staticAssetsBucket,
    });

    this.dataTier = new ResilientDataTier(this, 'Data', { ...props.dataTier, vpc: this.vpc });
    this.configuration = this.createConfiguration();

    this.originCertificate = props.hostedZone ? new OriginCertificate(this, 'Origin', { hostedZone: props.hostedZone }) : undefined;
    this.originAccess = new CloudFrontOriginAccess(this, 'OriginAccess');
    this.webTier = new ScalableWebTier(this, 'Web', {
      // CloudFront's web ACL filters every request before it reaches the load balancer.
      regionalWebAcl: false,
      ...props.webTier,
      vpc: this.vpc,
      certificate: this.originCertificate?.certificate,
      cloudFrontOriginAccess: this.originAccess,
      accessLogsBucket: this.storage.logs,
      userDataCommands: [...this.configurationCommands(), ...props.webTier?.userDataCommands ?? []],
      application: props.application,
    });
    // New instances read their configuration at boot: it is current before the group launches any.
    for (const parameter of Object.values(this.configuration)) this.webTier.autoScalingGroup.node.addDependency(parameter);
    this.dataTier.allowConnectionsFrom(this.webTier);
    this.dataTier.grantReadSecrets(this.webTier.role);
    this.grantReadConfiguration(this.webTier.role);

    this.edge = new SecureEdge(this, 'Edge', {
      ...props.edge,
      loadBalancer: this.webTier.loadBalancer,
      originAccess: this.originAccess,
      staticAssetsBucket: this.storage.staticAssets,
      logsBucket: this.storage.logs,
      domainName: props.domainName,
      hostedZone: props.hostedZone,
      certificate: props.certificate,
      originDomainName: this.originCertificate?.domainName,
    });
    this.url = this.edge.url;
    this.originAccess.addRotation({
      distribution: this.edge.distribution,
      webAclArn: this.edge.webAclArn,
      certificateArn: this.edge.certificateArn,
      vpc: this.vpc,
      vpcSubnets: props.webTier?.instanceSubnets,
      automaticallyAfter: props.originHeaderRotation,
    });

    this.observability = new Observability(this, 'Observability', {
      ...props.observability,
      network: this.network,
      webTier: this.webTier,
      dataTier: this.dataTier,
      edge: this.edge,
      alarmEmails: [...props.observability?.alarmEmails ?? [], ...props.alarmEmail ? [props.alarmEmail] : []],
      accessLogsBucket: this.storage.logs,
    });

    this.notifyRollouts();
    this.staticContentDeployment = props.staticContent ? new StaticContentDeployment(this, 'StaticContent', {
      sources: props.staticContent,
      staticPathPatterns: props.edge?.staticPathPatterns ?? SecureEdge.DEFAULT_STATIC_PATH_PATTERNS,
      bucket: this.storage.staticAssets,
      distribution: this.edge.distribution,
      vpc: this.vpc,
      vpcSubnets: props.webTier?.instanceSubnets,
    }).deployment : undefined;

    this.acknowledgeEdgeFiltering(props);
    if (!this.originCertificate) this.acknowledgePlainOrigin();
    this.createOutputs();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Validation
  // ---------------------------------------------------------------------------------------------------------------

  private validateDomain(props: ProductionWebAppProps) {
    if (props.hostedZone && props.domainName === undefined) {
      throw propError(this, `hostedZone: ${props.hostedZone.node.path} is given without domainName; give the site's `
        + 'name in the zone, e.g. www.example.com.');
    }
    if (props.domainName !== undefined && !props.hostedZone) {
      throw propError(this, `domainName: '${props.domainName}' needs hostedZone, the public zone that holds it (its `
        + 'records and the load balancer\'s certificate are validated there).');
    }
    if (props.certificate && props.domainName === undefined) {
      throw propError(this, 'certificate: a CloudFront certificate is given without domainName; give the name it is for.');
    }
  }

  private validateConflicts(props: ProductionWebAppProps) {
    if (props.vpc && props.network) {
      throw propError(this, 'network: settings of a new network cannot apply to the existing vpc; remove network or vpc.');
    }
    if (props.staticAssetsBucket && props.storage?.staticAssetsBucket) {
      throw propError(this, 'storage.staticAssetsBucket: give the existing bucket once, as staticAssetsBucket.');
    }
    const web = props.webTier;
    if (web?.internetFacing === false && !props.edge?.vpcOrigin) {
      throw propError(this, 'webTier.internetFacing: false makes the load balancer unreachable from CloudFront; set '
        + 'edge.vpcOrigin: true as well, so that CloudFront reaches it inside the VPC.');
    }
    if (web?.userData && web.userDataCommands) {
      throw propError(this, 'webTier.userDataCommands: they are appended to the default user data, which userData '
        + 'replaces; put the commands in userData.');
    }
  }

  private validateConfigurationPath(path: string) {
    if (Token.isUnresolved(path)) return;
    if (!/^(\/[A-Za-z0-9_.-]+)+$/.test(path) || path.split('/').length > 13) {
      throw propError(this, `configurationPath: '${path}' is not an SSM parameter path; it must start with '/' and hold `
        + 'at most 12 levels of letters, digits, _, . and -, e.g. /myapp/production.');
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Configuration of the instances
  // ---------------------------------------------------------------------------------------------------------------

  /** Where the instances connect to the database: the proxy when there is one. */
  private get databaseEndpoint(): string {
    const data = this.dataTier;
    return data.proxy ? data.proxy.endpoint : data.database.dbInstanceEndpointAddress;
  }

  private createConfiguration(): { [name: string]: ssm.StringParameter } {
    const data = this.dataTier;
    const values: Record<string, string> = {
      'database/host': this.databaseEndpoint,
      'database/port': String(data.databasePort),
      'database/secret-arn': data.databaseSecret.secretArn,
      'cache/host': data.cache.configurationEndpointAddress,
      'cache/port': String(data.cache.port),
      'cache/auth-token-secret-arn': data.cache.authToken.secretArn,
      'buckets/static-assets': this.storage.staticAssets.bucketName,
      'buckets/backups': this.storage.backups.bucketName,
    };
    if (data.readReplicas.length) {
      values['database/replica-hosts'] = Fn.join(',', data.readReplicas.map(r => r.dbInstanceEndpointAddress));
    }
    this.configurationValues = values;
    const scope = new Construct(this, 'Configuration');
    return Object.fromEntries(Object.entries(values).map(([name, stringValue]) => [name,
      new ssm.StringParameter(scope, name, {
        parameterName: `${this.configurationPath}/${name}`,
        stringValue,
        description: `${name} for the instances of ${this.node.path}`,
      })]));
  }

  /**
   * Shell commands that write every parameter under the configuration path to `/etc/webapp/config.env`, as
   * `DATABASE_HOST=…` (the name after the path, upper-cased, with `/` and `-` as `_`), readable by root only.
   *
   * The first line (a comment) holds the values themselves: when one changes (the RDS Proxy is turned on, read
   * replicas are added, the cache is replaced), the launch template changes with it and the fleet rolls, with no
   * request failing, before CloudFormation removes what the old values pointed at.
   */
  private configurationCommands(): string[] {
    const path = this.configurationPath;
    const values = Object.entries(this.configurationValues).map(([name, value]) => `${name}=${value}`);
    return [
      `# Configuration of this launch template: ${Fn.join(' ', values)}`,
      'install -d -m 0755 /etc/webapp',
      `aws ssm get-parameters-by-path --region ${Aws.REGION} --path '${path}' --recursive `
        + "--query 'Parameters[].[Name,Value]' --output text | while IFS=$'\\t' read -r name value; do "
        + `key="\${name#${path}/}"; key="$(printf '%s' "$key" | tr 'a-z/-' 'A-Z__')"; printf '%s=%s\\n' "$key" "$value"; `
        + 'done > /etc/webapp/config.env',
      'chmod 0600 /etc/webapp/config.env',
    ];
  }

  /** Lets the instances read the configuration parameters, by path and one by one, and nothing else in SSM. */
  private grantReadConfiguration(grantee: iam.IGrantable) {
    const stack = Stack.of(this);
    const arn = (name: string) => stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.slice(1) });
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ssm:GetParametersByPath'],
      resources: [arn(this.configurationPath)],
    }));
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ssm:GetParameter', 'ssm:GetParameters'],
      resources: Object.values(this.configuration).map(p => p.parameterArn),
    }));
  }

  /** The web tier's rollout alarm notifies the one alarm topic, like every alarm of the system. */
  private notifyRollouts() {
    const alarm = this.webTier.rolloutAlarm;
    if (!alarm) return;
    const resource = alarm.node.defaultChild as cloudwatch.CfnAlarm;
    resource.alarmActions = [this.observability.alarmTopic.topicArn];
    resource.okActions = [this.observability.alarmTopic.topicArn];
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Acknowledgments
  // ---------------------------------------------------------------------------------------------------------------

  /** The load balancer has no web ACL of its own when CloudFront's filters every request. */
  private acknowledgeEdgeFiltering(props: ProductionWebAppProps) {
    if (props.webTier?.regionalWebAcl === true || props.webTier?.webAclArn) return;
    for (const pack of ['NIST.800.53.R5', 'PCI.DSS.321']) {
      acknowledgeFinding(this.webTier.loadBalancer, `${pack}-ALBWAFEnabled`,
        'The load balancer admits only CloudFront (origin-facing prefix list and secret header), whose AWS WAF web '
        + 'ACL filters every request first; a second, regional web ACL would filter the same requests again.');
    }
  }

  /** Without a domain there is no certificate for the load balancer: CloudFront reaches it over HTTP. */
  private acknowledgePlainOrigin() {
    Annotations.of(this).addWarningV2('cdk-production-webapp:noDomain',
      'No domainName: viewers use HTTPS to the distribution\'s *.cloudfront.net name, and CloudFront reaches the load '
      + 'balancer over HTTP. Give domainName and hostedZone for HTTPS end to end.');
    for (const pack of REGULATORY_PACKS) {
      for (const rule of ['ALBHttpToHttpsRedirection', 'ELBv2ACMCertificateRequired']) {
        acknowledgeFinding(this.webTier.httpListener, `${pack}-${rule}`,
          'Without a domain there is no certificate for the load balancer: viewers use HTTPS to CloudFront, which '
          + 'alone can reach this listener (origin-facing prefix list and secret header). Give domainName and '
          + 'hostedZone for HTTPS end to end.');
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Outputs
  // ---------------------------------------------------------------------------------------------------------------

  private createOutputs() {
    const data = this.dataTier;
    const dashboard = this.observability.dashboard;
    const outputs: Record<string, [string, string]> = {
      SiteUrl: [this.url, 'The URL of the site'],
      DistributionDomainName: [this.edge.distribution.distributionDomainName, 'The domain name of the CloudFront distribution'],
      LoadBalancerDnsName: [this.webTier.loadBalancer.loadBalancerDnsName, 'The DNS name of the load balancer (it admits only CloudFront)'],
      DatabaseEndpoint: [this.databaseEndpoint, 'The database endpoint (the proxy when there is one)'],
      DatabaseSecretArn: [data.databaseSecret.secretArn, 'The secret of the database credentials'],
      CacheEndpoint: [data.cache.configurationEndpointAddress, 'The configuration endpoint of the cache'],
      CacheAuthTokenSecretArn: [data.cache.authToken.secretArn, 'The secret of the cache AUTH token'],
      ConfigurationPath: [this.configurationPath, 'The SSM path of the instances\' configuration'],
      DashboardUrl: [
        `https://console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${dashboard.dashboardName}`,
        'The CloudWatch dashboard',
      ],
    };
    for (const [id, [value, description]] of Object.entries(outputs)) {
      new CfnOutput(this, id, { value, description });
    }
  }
}
