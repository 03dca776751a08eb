import { Annotations, Names, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { REGULATORY_PACKS, acknowledgeFinding } from '../../core/compliance';
import { propError } from '../../core/errors';
import { createLogBucket } from '../../core/log-bucket';
import { createWebAcl } from '../../core/web-acl';
import type { CloudFrontOriginAccess } from '../../edge/cloudfront-origin-access';
import type { ScalableWebTierProps, WebTierRouteOptions } from '../scalable-web-tier';

/**
 * The load balancer side of the web tier: its security groups, the load balancer and its access logs, who may reach
 * the listeners, the listeners themselves (with the CloudFront gate), its regional web ACL and the routing rules.
 * Everything is created under the tier, with the tier's construct IDs.
 */

/** The security groups of the load balancer and of the instances : no allow-all outbound. */
export function createSecurityGroups(tier: Construct, props: ScalableWebTierProps) {
  const loadBalancerSecurityGroup = new ec2.SecurityGroup(tier, 'LoadBalancerSecurityGroup', {
    vpc: props.vpc,
    description: 'Load balancer: HTTP/HTTPS from the allowed peers; out only to the instances',
    allowAllOutbound: false,
  });
  const instanceSecurityGroup = new ec2.SecurityGroup(tier, 'InstanceSecurityGroup', {
    vpc: props.vpc,
    description: 'Web instances: the application port from the load balancer; HTTPS out',
    allowAllOutbound: false,
  });
  instanceSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443),
    'HTTPS to package repositories and AWS APIs (SSM, CloudWatch)');
  if (props.bastionSecurityGroup) {
    instanceSecurityGroup.connections.allowFrom(props.bastionSecurityGroup, ec2.Port.tcp(22), 'SSH from the bastion');
  }
  return { loadBalancerSecurityGroup, instanceSecurityGroup };
}

/** The load balancer and the bucket of its access logs. */
export function createLoadBalancer(tier: Construct, props: ScalableWebTierProps, securityGroup: ec2.ISecurityGroup,
  removalPolicy: RemovalPolicy) {
  const internetFacing = props.internetFacing ?? true;
  const loadBalancer = new elbv2.ApplicationLoadBalancer(tier, 'LoadBalancer', {
    vpc: props.vpc,
    internetFacing,
    vpcSubnets: props.loadBalancerSubnets ?? {
      subnetType: internetFacing ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS,
    },
    ipAddressType: props.ipAddressType ?? elbv2.IpAddressType.IPV4,
    securityGroup,
    deletionProtection: props.deletionProtection ?? true,
    dropInvalidHeaderFields: true,
    desyncMitigationMode: elbv2.DesyncMitigationMode.STRICTEST,
    http2Enabled: true,
    crossZoneEnabled: true,
  });
  const accessLogsBucket = props.accessLogsBucket ?? createLogBucket(tier, 'AccessLogsBucket', {
    holds: 'the load balancer\'s access logs',
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    expirationDays: 90,
    removalPolicy,
  });
  loadBalancer.logAccessLogs(accessLogsBucket, props.accessLogsPrefix ?? 'alb');
  return { loadBalancer, accessLogsBucket };
}

/**
 * Opens the listener ports to the allowed peers: CloudFront's origin-facing prefix list on the serving port with
 * `cloudFrontOriginAccess`, else `loadBalancerIngressPeers` (anywhere by default) on every listener port.
 */
export function admitPeers(props: ScalableWebTierProps, securityGroup: ec2.SecurityGroup) {
  const access = props.cloudFrontOriginAccess;
  const dualStack = props.ipAddressType === elbv2.IpAddressType.DUAL_STACK;
  const peers = access ? [access.peer] : props.loadBalancerIngressPeers
    ?? (dualStack ? [ec2.Peer.anyIpv4(), ec2.Peer.anyIpv6()] : [ec2.Peer.anyIpv4()]);
  const servingPort = props.certificate ? 443 : 80;
  const listenerPorts = access ? [servingPort] : props.certificate ? [80, 443] : [80];
  for (const peer of peers) {
    for (const port of listenerPorts) {
      securityGroup.addIngressRule(peer, ec2.Port.tcp(port), `${port === 443 ? 'HTTPS' : 'HTTP'} to the listener`);
    }
  }
  if (peers.some(peer => peer.uniqueId === '0.0.0.0/0' || peer.uniqueId === '::/0')) {
    acknowledgeFinding(securityGroup, 'AwsSolutions-EC23',
      'An internet-facing load balancer accepts HTTP/HTTPS from anywhere on its listener ports only; SecureEdge ' +
      'narrows this to CloudFront.');
  }
}

/** The listeners: HTTPS serving and HTTP redirecting with a certificate, HTTP serving (with a warning) without. */
export function createListeners(tier: Construct, loadBalancer: elbv2.ApplicationLoadBalancer,
  targetGroup: elbv2.IApplicationTargetGroup, props: ScalableWebTierProps) {
  const access = props.cloudFrontOriginAccess;
  // Without the secret header, requests that did not come through CloudFront are refused.
  const serving = {
    defaultAction: access
      ? elbv2.ListenerAction.fixedResponse(403, { contentType: 'text/plain', messageBody: 'Forbidden' })
      : elbv2.ListenerAction.forward([targetGroup]),
  };
  let listener: elbv2.ApplicationListener;
  let httpListener: elbv2.ApplicationListener;
  let httpsListener: elbv2.ApplicationListener | undefined;
  if (props.certificate) {
    httpsListener = loadBalancer.addListener('HttpsListener', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [props.certificate as acm.ICertificate],
      sslPolicy: props.sslPolicy ?? elbv2.SslPolicy.TLS13_12_RES_PQ,
      ...serving,
      open: false,
    });
    httpListener = loadBalancer.addListener('HttpListener', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
      open: false,
    });
    for (const pack of REGULATORY_PACKS) {
      acknowledgeFinding(httpListener, `${pack}-ELBv2ACMCertificateRequired`,
        'The port 80 listener serves nothing: it only answers with a permanent redirect to the HTTPS listener on 443, ' +
        'which uses the ACM certificate.');
    }
    listener = httpsListener;
  } else {
    httpListener = loadBalancer.addListener('HttpListener', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      ...serving,
      open: false,
    });
    listener = httpListener;
    Annotations.of(tier).addWarningV2('cdk-production-webapp:unencryptedListener',
      'No certificate: the load balancer serves plain HTTP on port 80, so traffic to it is not encrypted. ' +
      'Give a certificate (or put SecureEdge in front with a domain) for HTTPS.');
  }
  if (access) {
    // Requests with CloudFront's secret header reach the fleet; routes added later carry the same condition.
    listener.addAction('FromCloudFront', {
      priority: 50000,
      conditions: [elbv2.ListenerCondition.httpHeader(access.headerName, [access.headerValue])],
      action: elbv2.ListenerAction.forward([targetGroup]),
    });
  }
  return { listener, httpListener, httpsListener };
}

/** The load balancer's regional web ACL: associated from `webAclArn`, created by default, or none. */
export function createFirewall(tier: Construct, loadBalancer: elbv2.IApplicationLoadBalancer, props: ScalableWebTierProps,
  logKey: kms.IKey, logRetention: logs.RetentionDays, removalPolicy: RemovalPolicy): wafv2.CfnWebACL | undefined {
  if (props.webAclArn !== undefined) {
    if (props.regionalWebAcl === true) {
      throw propError(tier, `regionalWebAcl: true creates a web ACL, but webAclArn (${props.webAclArn}) is also given; ` +
        'give one of them.');
    }
    new wafv2.CfnWebACLAssociation(tier, 'WebAclAssociation', {
      resourceArn: loadBalancer.loadBalancerArn,
      webAclArn: props.webAclArn,
    });
    return undefined;
  }
  if (!(props.regionalWebAcl ?? true)) return undefined;
  const rateLimit = props.rateLimitPerFiveMinutes ?? 2000;
  if (!Token.isUnresolved(rateLimit) && (!Number.isInteger(rateLimit) || rateLimit < 10)) {
    throw propError(tier, `rateLimitPerFiveMinutes: ${rateLimit} is below what AWS WAF accepts; use a whole number of at least 10.`);
  }
  const webAcl = createWebAcl(tier, 'WebAcl', {
    scope: 'REGIONAL',
    rateLimitPerFiveMinutes: rateLimit,
    metricPrefix: Names.uniqueResourceName(tier, { maxLength: 64 }),
    logKey,
    logRetention,
    removalPolicy,
  });
  new wafv2.CfnWebACLAssociation(tier, 'WebAclAssociation', {
    resourceArn: loadBalancer.loadBalancerArn,
    webAclArn: webAcl.attrArn,
  });
  return webAcl;
}

/** The conditions of a route: CloudFront's secret header first when the tier admits only CloudFront. */
export function routeConditions(tier: Construct, id: string, options: WebTierRouteOptions,
  access?: CloudFrontOriginAccess): elbv2.ListenerCondition[] {
  validateRoute(tier, id, options, access);
  const conditions: elbv2.ListenerCondition[] = [];
  if (access) conditions.push(elbv2.ListenerCondition.httpHeader(access.headerName, [access.headerValue]));
  if (options.pathPatterns?.length) conditions.push(elbv2.ListenerCondition.pathPatterns(options.pathPatterns));
  if (options.hostHeaders?.length) conditions.push(elbv2.ListenerCondition.hostHeaders(options.hostHeaders));
  return conditions;
}

function validateRoute(tier: Construct, id: string, options: WebTierRouteOptions, access?: CloudFrontOriginAccess) {
  if (!options.pathPatterns?.length && !options.hostHeaders?.length) {
    throw propError(tier, `addRoute('${id}'): give pathPatterns or hostHeaders (or both); a rule without a condition ` +
      'would shadow the default action.');
  }
  // A listener rule holds at most 5 condition values; the CloudFront header takes 2 while its value is rotated.
  const values = (options.pathPatterns?.length ?? 0) + (options.hostHeaders?.length ?? 0);
  const limit = access ? 3 : 5;
  if (values > limit) {
    throw propError(tier, `addRoute('${id}'): ${values} path patterns and host headers; a listener rule holds at most 5 `
      + 'condition values' + (access ? ', and the CloudFront origin header takes 2 of them while its value is '
      + 'rotated: use at most 3, or several routes.' : ': use at most 5, or several routes.'));
  }
  const priority = options.priority;
  if (!Token.isUnresolved(priority) && (!Number.isInteger(priority) || priority < 1 || priority > 50000)) {
    throw propError(tier, `addRoute('${id}'): priority ${priority} is invalid; use a whole number from 1 to 50000.`);
  }
}
