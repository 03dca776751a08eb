import { Annotations, Duration, Names, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { CloudFrontOriginAccess } from './cloudfront-origin-access';
import { isInZone, validateDomainName } from './private/domain-names';
import { parseCidr } from '../core/cidr';
import { REGULATORY_PACKS, acknowledgeFinding } from '../core/compliance';
import { propError } from '../core/errors';
import { createLogBucket, deliverServerAccessLogsByBucketPolicy } from '../core/log-bucket';
import { createLogEncryptionKey } from '../core/log-encryption';
import { crossRegionValue, usEast1Scope } from '../core/us-east-1';
import { createWebAcl } from '../core/web-acl';

/**
 * Operating systems with an AWS managed WAF rule group.
 */
export enum WebAclOperatingSystem {
  /** Linux: LFI attacks on Linux-specific paths (AWSManagedRulesLinuxRuleSet). */
  LINUX = 'AWSManagedRulesLinuxRuleSet',
  /** POSIX and POSIX-like systems: command injection (AWSManagedRulesUnixRuleSet). */
  POSIX = 'AWSManagedRulesUnixRuleSet',
  /** Windows: PowerShell and command injection (AWSManagedRulesWindowsRuleSet). */
  WINDOWS = 'AWSManagedRulesWindowsRuleSet',
}

/**
 * The settings of a `SecureEdge` that do not connect it to other resources: what `ProductionWebApp` takes as `edge`.
 */
export interface SecureEdgeOptions {
  /**
   * Whether `www.<domainName>` is served too (certificate name and alias records): use it when `domainName` is the apex.
   *
   * @default false
   */
  readonly includeWww?: boolean;

  /**
   * Whether CloudFront reaches the load balancer through a VPC origin (elastic network interfaces in the VPC) instead
   * of over the internet. The load balancer should then be internal (`ScalableWebTier` `internetFacing: false`): it has
   * no public address at all, and only CloudFront can reach it.
   *
   * @default false - an internet-facing load balancer behind CloudFront, locked with `originAccess`
   */
  readonly vpcOrigin?: boolean;

  /**
   * Whether Route 53 checks the origin's health over HTTPS (on `originDomainName`, path `originHealthCheckPath`).
   *
   * @default false
   */
  readonly originHealthCheck?: boolean;

  /**
   * Path of the origin health check.
   *
   * @default '/health'
   */
  readonly originHealthCheckPath?: string;

  /**
   * Paths served from the static assets bucket; each must start with `/`.
   *
   * @default ['/static/*']
   */
  readonly staticPathPatterns?: string[];

  /**
   * Which edge locations serve the distribution.
   *
   * @default cloudfront.PriceClass.PRICE_CLASS_ALL - every edge location, for users worldwide
   */
  readonly priceClass?: cloudfront.PriceClass;

  /**
   * Content-Security-Policy header sent with every response.
   *
   * @default - none: a policy must fit the application
   */
  readonly contentSecurityPolicy?: string;

  /**
   * Custom error responses.
   *
   * @default - none
   */
  readonly errorResponses?: cloudfront.ErrorResponse[];

  /**
   * Countries the distribution serves or refuses.
   *
   * @default - no restriction
   */
  readonly geoRestriction?: cloudfront.GeoRestriction;

  /**
   * Requests one client IP may make in 5 minutes before the web ACL blocks it (at least 10).
   *
   * @default 2000
   */
  readonly rateLimitPerFiveMinutes?: number;

  /**
   * Whether the web ACL blocks requests from VPNs, proxies, Tor and hosting providers (AWS managed Anonymous IP list).
   *
   * @default false - it also blocks legitimate users behind corporate proxies
   */
  readonly anonymousIpRules?: boolean;

  /**
   * Operating-system-specific AWS managed rule groups matching the instances' OS (LFI and command injection).
   *
   * @default - none
   */
  readonly operatingSystemRules?: WebAclOperatingSystem[];

  /**
   * Whether the web ACL adds AWS WAF Bot Control (common inspection level). It is billed per request.
   *
   * @default false
   */
  readonly botControl?: boolean;

  /**
   * ISO 3166 alpha-2 country codes (e.g. 'KP') whose requests the web ACL blocks.
   *
   * @default - none
   */
  readonly blockedCountries?: string[];

  /**
   * IPv4 and IPv6 CIDR blocks (e.g. '192.0.2.0/24') whose requests the web ACL blocks.
   *
   * @default - none
   */
  readonly blockedIpAddresses?: string[];

  /**
   * Rules of your own, evaluated after the built-in ones in the given order (their priorities are reassigned).
   *
   * @default - none
   */
  readonly customRules?: wafv2.CfnWebACL.RuleProperty[];

  /**
   * ARN of an existing CLOUDFRONT-scope web ACL (in us-east-1) to use instead of creating one.
   *
   * @default - a new web ACL in us-east-1
   */
  readonly webAclArn?: string;

  /**
   * Retention of the WAF log group.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the buckets, keys and log groups this construct creates when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Properties of a `SecureEdge`.
 */
export interface SecureEdgeProps extends SecureEdgeOptions {
  /**
   * An existing viewer certificate for `domainName` (and `www.<domainName>` with `includeWww`), in us-east-1 as
   * CloudFront requires. With it, `hostedZone` is optional: without a zone no alias record is created, and you point
   * the name at the distribution yourself.
   *
   * @default - with `domainName` and `hostedZone`, a certificate requested in us-east-1 and validated by DNS in the zone
   */
  readonly certificate?: acm.ICertificate;

  /**
   * The load balancer that serves the application, e.g. `ScalableWebTier.loadBalancer`.
   */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;

  /**
   * Lets only this distribution reach the load balancer: CloudFront adds its secret header to every origin request.
   * Give the same instance to `ScalableWebTier` (`cloudFrontOriginAccess`), which requires the header and admits
   * only CloudFront's addresses.
   *
   * @default - none: the synth fails unless the load balancer is internal behind a VPC origin, or `allowOpenOrigin` is set
   */
  readonly originAccess?: CloudFrontOriginAccess;

  /**
   * Whether the distribution may front an internet-facing load balancer without `originAccess`, one that also
   * answers requests that bypass CloudFront and its web ACL. For a load balancer that guards itself (its own web ACL
   * and authentication, e.g. one that also serves clients that do not go through CloudFront), or a temporary
   * composition while migrating to `CloudFrontOriginAccess`.
   *
   * @default false - without `originAccess`, the synth fails, unless the load balancer is internal and `vpcOrigin` is on
   */
  readonly allowOpenOrigin?: boolean;

  /**
   * The site's domain name, e.g. 'www.example.com' or 'example.com'. With `hostedZone`, the construct requests an
   * ACM certificate for it in us-east-1 (validated by DNS in the zone) and points A and AAAA alias records at the
   * distribution.
   *
   * @default - the distribution's own *.cloudfront.net domain, with a warning
   */
  readonly domainName?: string;

  /**
   * The public hosted zone that holds `domainName` (and `originDomainName`). In a stack outside us-east-1 its ID and
   * name must be literals (e.g. `route53.HostedZone.fromHostedZoneAttributes`), because the certificate is validated
   * from the us-east-1 companion stack.
   *
   * @default - none; required with `domainName`
   */
  readonly hostedZone?: route53.IHostedZone;

  /**
   * The DNS name CloudFront uses to reach the load balancer over HTTPS, e.g. 'origin.example.com'. The load balancer
   * must serve a certificate for it (`ScalableWebTier`'s `certificate`); when it lies in `hostedZone`, the construct
   * creates its alias record.
   *
   * @default - CloudFront reaches the load balancer's own DNS name over HTTP, with a warning
   */
  readonly originDomainName?: string;

  /**
   * Bucket of the static assets, served under `staticPathPatterns` through origin access control. It must be created
   * in this app, so that its bucket policy can admit this distribution.
   *
   * @default - a new bucket: versioned, SSE-S3, public access blocked, TLS only, access-logged
   */
  readonly staticAssetsBucket?: s3.IBucket;

  /**
   * Bucket of the distribution's access logs (and of the static bucket's server access logs, when this construct
   * creates that bucket). CloudFront standard logging needs ACLs enabled on it.
   *
   * @default - a new bucket: SSE-S3, versioned, public access blocked, TLS only, logs deleted after 90 days
   */
  readonly logsBucket?: s3.IBucket;
}

/**
 * The edge of the architecture (https://github.com/cdk-production-webapp/cdk-production-webapp/blob/main/docs/architecture.md#edge): a CloudFront distribution in front of the load balancer,
 * with static paths served from S3 through origin access control, security headers, and an AWS WAF web ACL.
 *
 * CloudFront only accepts web ACLs from us-east-1: when the stack is elsewhere, the web ACL is created in a
 * us-east-1 companion stack that this construct adds to the app and wires in.
 *
 * @example
 * declare const network: NetworkFoundation;
 * const originAccess = new CloudFrontOriginAccess(this, 'OriginAccess');
 * const web = new ScalableWebTier(this, 'Web', { vpc: network.vpc, cloudFrontOriginAccess: originAccess });
 * const edge = new SecureEdge(this, 'Edge', { loadBalancer: web.loadBalancer, originAccess });
 */
export class SecureEdge extends Construct {
  /** The default static paths. */
  public static readonly DEFAULT_STATIC_PATH_PATTERNS = ['/static/*'];

  /** The CloudFront distribution. */
  public readonly distribution: cloudfront.Distribution;
  /** ARN of the CLOUDFRONT-scope web ACL that protects the distribution. */
  public readonly webAclArn: string;
  /**
   * The web ACL this construct created, if any. It lives in us-east-1: in the us-east-1 companion stack when this
   * stack is elsewhere, so reference it only from there (use `webAclArn` here).
   */
  public readonly webAcl?: wafv2.CfnWebACL;
  /** The viewer certificate of the distribution, when a domain is given. */
  public readonly certificate?: acm.ICertificate;
  /** The bucket of the static assets. */
  public readonly staticAssetsBucket: s3.IBucket;
  /** The bucket of the access logs. */
  public readonly logsBucket: s3.IBucket;
  /** The security headers policy of every response. */
  public readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  /** ARN of the viewer certificate (in us-east-1), when a domain is given. */
  public readonly certificateArn?: string;
  /** The alias records that point the domain (and www) at the distribution. */
  public readonly records: route53.IRecordSet[];
  /** The URL of the site: https:// and the domain, or the distribution's domain. */
  public readonly url: string;
  /** The Route 53 health check of the origin, if enabled. */
  public readonly originHealthCheck?: route53.CfnHealthCheck;

  constructor(scope: Construct, id: string, props: SecureEdgeProps) {
    super(scope, id);
    deliverServerAccessLogsByBucketPolicy(this);
    const staticPaths = props.staticPathPatterns ?? SecureEdge.DEFAULT_STATIC_PATH_PATTERNS;
    this.validateStaticPaths(staticPaths);
    this.validateStaticBucket(props.staticAssetsBucket);
    const rateLimit = props.rateLimitPerFiveMinutes ?? 2000;
    this.validateRateLimit(rateLimit);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.validateDomain(props);
    this.validateOriginAccess(props);
    const domainNames = props.domainName
      ? [props.domainName, ...(props.includeWww ? [`www.${props.domainName}`] : [])]
      : [];

    this.logsBucket = props.logsBucket ?? createLogBucket(this, 'LogsBucket', {
      holds: 'the distribution\'s and the static bucket\'s access logs',
      // CloudFront standard logging writes with an ACL grant to the awslogsdelivery account.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      expirationDays: 90,
      removalPolicy,
    });
    this.staticAssetsBucket = props.staticAssetsBucket ?? this.createStaticAssetsBucket(removalPolicy);
    this.validateBlockLists(props.blockedCountries ?? [], props.blockedIpAddresses ?? []);
    if (props.webAclArn) {
      this.webAclArn = props.webAclArn;
    } else {
      this.webAcl = this.createWebAcl(props, rateLimit, removalPolicy);
      this.webAclArn = crossRegionValue(this, 'WebAclArn', this.webAcl.attrArn);
    }

    this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `Security headers of ${this.node.path}`,
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        ...(props.contentSecurityPolicy
          ? { contentSecurityPolicy: { contentSecurityPolicy: props.contentSecurityPolicy, override: true } }
          : {}),
      },
    });

    const customHeaders = props.originAccess ? { [props.originAccess.headerName]: props.originAccess.headerValue } : undefined;
    const originSecurity = props.originDomainName
      ? { protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY, originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2] }
      : { protocolPolicy: cloudfront.OriginProtocolPolicy.HTTP_ONLY };
    const applicationOrigin = props.vpcOrigin
      ? origins.VpcOrigin.withApplicationLoadBalancer(props.loadBalancer, {
        domainName: props.originDomainName,
        customHeaders,
        ...originSecurity,
      })
      : props.originDomainName
        ? new origins.HttpOrigin(props.originDomainName, { customHeaders, ...originSecurity })
        : new origins.LoadBalancerV2Origin(props.loadBalancer, { customHeaders, ...originSecurity });
    if (props.certificate) {
      this.certificate = props.certificate;
      this.certificateArn = props.certificate.certificateArn;
    } else {
      this.certificateArn = props.domainName && props.hostedZone
        ? this.createCertificate(domainNames, props.hostedZone)
        : undefined;
      this.certificate = this.certificateArn
        ? acm.Certificate.fromCertificateArn(this, 'ViewerCertificate', this.certificateArn)
        : undefined;
    }
    const staticOrigin = origins.S3BucketOrigin.withOriginAccessControl(this.staticAssetsBucket);
    const staticBehavior: cloudfront.BehaviorOptions = {
      origin: staticOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: this.responseHeadersPolicy,
      compress: true,
    };

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${Names.uniqueResourceName(this, { maxLength: 100 })}`,
      defaultBehavior: {
        origin: applicationOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        // Dynamic content: nothing cached; the viewer's headers, cookies and query strings reach the application.
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        responseHeadersPolicy: this.responseHeadersPolicy,
        compress: true,
      },
      additionalBehaviors: Object.fromEntries(staticPaths.map(path => [path, staticBehavior])),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2025,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_ALL,
      enableLogging: true,
      logBucket: this.logsBucket,
      logFilePrefix: 'cloudfront/',
      webAclId: this.webAclArn,
      ...(this.certificate ? { domainNames, certificate: this.certificate } : {}),
      errorResponses: props.errorResponses,
      geoRestriction: props.geoRestriction,
    });

    if (!this.certificateArn) this.acknowledgeDefaultCertificate();
    if (!props.originDomainName) this.warnPlainOrigin();
    this.records = props.hostedZone ? this.createRecords(domainNames, props.hostedZone) : [];
    if (props.hostedZone && props.originDomainName && isInZone(props.originDomainName, props.hostedZone.zoneName)) {
      new route53.ARecord(this, 'OriginRecord', {
        zone: props.hostedZone,
        recordName: props.originDomainName,
        target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(props.loadBalancer)),
      });
    }
    if (props.originHealthCheck) {
      this.originHealthCheck = this.createOriginHealthCheck(props.originDomainName, props.originHealthCheckPath ?? '/health');
    }
    this.url = `https://${props.domainName && this.certificateArn ? props.domainName : this.distribution.distributionDomainName}`;
    if (!props.geoRestriction) {
      acknowledgeFinding(this.distribution, 'AwsSolutions-CFR1',
        'The architecture serves users worldwide, from every edge location; countries can be restricted with geoRestriction.');
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Resources
  // ---------------------------------------------------------------------------------------------------------------

  /** The viewer certificate: in us-east-1 (CloudFront's requirement), validated by DNS in the hosted zone. */
  private createCertificate(domainNames: string[], zone: route53.IHostedZone): string {
    const home = this.usEast1Home();
    const zoneThere = Stack.of(home) === Stack.of(this)
      ? zone
      : route53.HostedZone.fromHostedZoneAttributes(home, 'HostedZone', {
        hostedZoneId: zone.hostedZoneId,
        zoneName: zone.zoneName,
      });
    const certificate = new acm.Certificate(home, 'Certificate', {
      domainName: domainNames[0],
      // ACM refuses an empty list of alternative names: leave it out when there are none.
      subjectAlternativeNames: domainNames.length > 1 ? domainNames.slice(1) : undefined,
      validation: acm.CertificateValidation.fromDns(zoneThere),
    });
    return crossRegionValue(this, 'CertificateArn', certificate.certificateArn);
  }

  private createRecords(domainNames: string[], zone: route53.IHostedZone): route53.IRecordSet[] {
    const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
    return domainNames.flatMap((recordName, i) => {
      const suffix = i === 0 ? '' : 'Www';
      return [
        new route53.ARecord(this, `AliasRecord${suffix}`, { zone, recordName, target }),
        new route53.AaaaRecord(this, `AliasRecordIpv6${suffix}`, { zone, recordName, target }),
      ];
    });
  }

  private createOriginHealthCheck(originDomainName: string | undefined, path: string): route53.CfnHealthCheck {
    if (!originDomainName) {
      throw propError(this, 'originHealthCheck: true needs originDomainName, the HTTPS name of the load balancer to check.');
    }
    return new route53.CfnHealthCheck(this, 'OriginHealthCheck', {
      healthCheckConfig: {
        type: 'HTTPS',
        fullyQualifiedDomainName: originDomainName,
        port: 443,
        resourcePath: path,
        requestInterval: 30,
        failureThreshold: 3,
        enableSni: true,
      },
    });
  }

  /** Where the us-east-1 resources live: this construct in a us-east-1 stack, else its container in the companion stack. */
  private usEast1Home(): Construct {
    const stack = usEast1Scope(this);
    if (stack === Stack.of(this)) return this;
    const id = Names.uniqueId(this);
    return (stack.node.tryFindChild(id) as Construct | undefined) ?? new Construct(stack, id);
  }

  private createWebAcl(props: SecureEdgeProps, rateLimit: number, removalPolicy: RemovalPolicy): wafv2.CfnWebACL {
    const home = this.usEast1Home();
    return createWebAcl(home, 'WebAcl', {
      scope: 'CLOUDFRONT',
      rateLimitPerFiveMinutes: rateLimit,
      metricPrefix: Names.uniqueResourceName(this, { maxLength: 64 }),
      logKey: createLogEncryptionKey(home, 'WebAclLogKey', `Encrypts the WAF logs of ${this.node.path}`, removalPolicy),
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy,
      additionalManagedRuleGroups: [
        ...(props.anonymousIpRules ? ['AWSManagedRulesAnonymousIpList'] : []),
        ...(props.operatingSystemRules ?? []),
      ],
      botControl: props.botControl,
      blockedCountries: props.blockedCountries,
      blockedIpAddresses: props.blockedIpAddresses,
      customRules: props.customRules,
    });
  }

  private createStaticAssetsBucket(removalPolicy: RemovalPolicy): s3.Bucket {
    const bucket = new s3.Bucket(this, 'StaticAssetsBucket', {
      // AES-256 (SSE-S3), as the architecture specifies for public web content; CloudFront reads it through origin access control.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 'static-assets/',
      lifecycleRules: [{
        // Current objects stay servable; superseded versions move to Glacier after 90 days.
        id: 'ArchiveNoncurrentVersions',
        noncurrentVersionTransitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) }],
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      }],
      removalPolicy,
    });
    const resource = bucket.node.defaultChild!;
    for (const pack of REGULATORY_PACKS) {
      acknowledgeFinding(resource, `${pack}-S3DefaultEncryptionKMS`,
        'The architecture specifies AES-256 (SSE-S3) for the static assets: public web content, read ' +
        'only by this distribution through origin access control.');
      acknowledgeFinding(resource, `${pack}-S3BucketReplicationEnabled`,
        'Static assets are build output deployed from source control and versioned here; they are not replicated.');
    }
    return bucket;
  }

  /**
   * The distribution's own *.cloudfront.net certificate admits TLSv1 from viewers whatever the minimum protocol
   * version says; only a custom domain with its own certificate enforces TLS 1.2.
   */
  private acknowledgeDefaultCertificate() {
    Annotations.of(this).addWarningV2('cdk-production-webapp:noCustomDomain',
      'No domainName and hostedZone: the site is served on the distribution\'s own *.cloudfront.net domain, whose ' +
      'certificate lets viewers connect with TLS 1.0 and 1.1. Give a domain and its hosted zone for TLS 1.2 or newer.');
    const reason = 'No custom domain was given: the distribution uses its *.cloudfront.net certificate, with which ' +
      'CloudFront cannot enforce a TLS 1.2 minimum; a warning (cdk-production-webapp:noCustomDomain) says so.';
    acknowledgeFinding(this.distribution, 'AwsSolutions-CFR4', reason);
    for (const pack of REGULATORY_PACKS) {
      acknowledgeFinding(this.distribution, `${pack}-CloudFrontDistributionHttpsViewerNoOutdatedSSL`, reason);
    }
  }

  private warnPlainOrigin() {
    Annotations.of(this).addWarningV2('cdk-production-webapp:plainOrigin',
      'No originDomainName: CloudFront reaches the load balancer over HTTP on its own DNS name. Give the load balancer ' +
      'a certificate and pass its DNS name as originDomainName for HTTPS between CloudFront and the origin.');
    acknowledgeFinding(this.distribution, 'AwsSolutions-CFR5',
      'No originDomainName was given: the load balancer\'s own DNS name has no certificate, so CloudFront can only ' +
      'reach it over HTTP; a warning (cdk-production-webapp:plainOrigin) says so.');
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Validation

  /** Only CloudFront may reach the origin, unless the user says otherwise by name (secure by default). */
  private validateOriginAccess(props: SecureEdgeProps) {
    if (props.originAccess || props.allowOpenOrigin) return;
    const scheme = (props.loadBalancer.node.defaultChild as elbv2.CfnLoadBalancer | undefined)?.scheme;
    // An internal load balancer behind a VPC origin has no address outside the VPC: nothing bypasses CloudFront.
    if (props.vpcOrigin && scheme === 'internal') return;
    throw propError(this, 'originAccess: none given, so the load balancer would also answer requests that bypass ' +
      'CloudFront and its web ACL. Create a CloudFrontOriginAccess and give it to ScalableWebTier ' +
      '(cloudFrontOriginAccess) and SecureEdge (originAccess), or put an internal load balancer behind a VPC origin ' +
      '(vpcOrigin: true); set allowOpenOrigin: true only if the load balancer guards itself.');
  }

  private validateDomain(props: SecureEdgeProps) {
    const zone = props.hostedZone;
    if (props.domainName !== undefined && !zone && !props.certificate) {
      throw propError(this, `domainName: '${props.domainName}' needs hostedZone, the public zone that validates its ` +
        'certificate and holds its records (or an existing certificate).');
    }
    if (props.certificate && props.domainName === undefined) {
      throw propError(this, 'certificate: a viewer certificate is given without domainName; give the name it is for.');
    }
    const certificateRegion = props.certificate && Token.isUnresolved(props.certificate.certificateArn)
      ? undefined
      : props.certificate?.certificateArn.split(':')[3];
    if (certificateRegion !== undefined && certificateRegion !== 'us-east-1') {
      throw propError(this, `certificate: ${props.certificate!.certificateArn} is in ${certificateRegion}; CloudFront `
        + 'takes viewer certificates from us-east-1 only.');
    }
    if (zone && props.domainName === undefined) {
      throw propError(this, `hostedZone: ${zone.node.path} is given without domainName; give the site's name in the zone.`);
    }
    for (const [prop, name] of [['domainName', props.domainName], ['originDomainName', props.originDomainName]] as const) {
      if (name === undefined || Token.isUnresolved(name)) continue;
      validateDomainName(this, prop, name);
      if (prop === 'domainName' && zone && !Token.isUnresolved(zone.zoneName) && !isInZone(name, zone.zoneName)) {
        throw propError(this, `domainName: '${name}' is outside the hosted zone '${zone.zoneName}'; use the zone's name ` +
          'or a name under it.');
      }
    }
    if (props.includeWww && props.domainName?.startsWith('www.')) {
      throw propError(this, `includeWww: true would add 'www.${props.domainName}'; set domainName to the apex instead.`);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  private validateStaticPaths(paths: string[]) {
    if (paths.length === 0) {
      throw propError(this, 'staticPathPatterns: [] serves nothing from the static bucket; give at least one path, ' +
        "e.g. ['/static/*'].");
    }
    for (const path of paths) {
      if (!Token.isUnresolved(path) && !path.startsWith('/')) {
        throw propError(this, `staticPathPatterns: '${path}' must start with '/', e.g. '/static/*'.`);
      }
    }
  }

  private validateStaticBucket(bucket?: s3.IBucket) {
    if (bucket && !Resource.isOwnedResource(bucket)) {
      throw propError(this, `staticAssetsBucket: ${bucket.node.path} is imported, so its bucket policy cannot be changed ` +
        'to admit this distribution (origin access control); pass a bucket created in this app, or omit it.');
    }
  }

  private validateBlockLists(countries: string[], addresses: string[]) {
    for (const country of countries) {
      if (!Token.isUnresolved(country) && !/^[A-Z]{2}$/.test(country)) {
        throw propError(this, `blockedCountries: '${country}' is not an ISO 3166 alpha-2 code; use two capital letters, e.g. 'KP'.`);
      }
    }
    for (const address of addresses) {
      if (Token.isUnresolved(address)) continue;
      const valid = address.includes(':') ? IPV6_CIDR.test(address) : parseCidr(address) !== undefined;
      if (!valid) {
        throw propError(this, `blockedIpAddresses: '${address}' is not an IPv4 or IPv6 CIDR block, e.g. '192.0.2.0/24' or '2001:db8::/32'.`);
      }
    }
  }

  private validateRateLimit(limit: number) {
    if (Token.isUnresolved(limit)) return;
    if (!Number.isInteger(limit) || limit < 10) {
      throw propError(this, `rateLimitPerFiveMinutes: ${limit} is below what AWS WAF accepts; use a whole number of at least 10.`);
    }
  }
}

/** An IPv6 CIDR block, loosely: hex groups and colons, then a prefix of 1 to 128. */
const IPV6_CIDR = /^[0-9a-f:]+\/(12[0-8]|1[01][0-9]|[1-9][0-9]?)$/i;
