import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { CloudFrontOriginAccess, NetworkFoundation, OriginCertificate, ScalableWebTier, SecureEdge, SecureEdgeProps, WebAclOperatingSystem } from '../../src';
import { complianceFindings, formatFindings } from '../compliance';
import { idOf, only } from '../template';
import { strictApp, templateRuleFindings } from '../util';

const ACCOUNT = '123456789012';
const ZONE = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' };

interface Fixture {
  readonly app: App;
  readonly stack: Stack;
  readonly web: ScalableWebTier;
  readonly edge: SecureEdge;
  readonly template: Template;
  /** The us-east-1 companion stack's template, when the stack is elsewhere. */
  readonly companion?: Template;
}

/** A web tier (HTTPS on its origin name when a domain is used) behind a SecureEdge, in `region`. */
function synth(region: string, props: Partial<SecureEdgeProps> = {},
  options: { domain?: boolean; originAccess?: boolean; internal?: boolean } = {}): Fixture {
  const app = strictApp();
  const stack = new Stack(app, 'TestStack', { env: { account: ACCOUNT, region } });
  const network = new NetworkFoundation(stack, 'Network');
  const hostedZone = options.domain ? route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', ZONE) : undefined;
  const origin = hostedZone ? new OriginCertificate(stack, 'Origin', { hostedZone }) : undefined;
  const certificate = origin?.certificate;
  const originAccess = options.originAccess ? new CloudFrontOriginAccess(stack, 'OriginAccess') : undefined;
  const web = new ScalableWebTier(stack, 'Web', {
    vpc: network.vpc, certificate, cloudFrontOriginAccess: originAccess, internetFacing: !options.internal,
  });
  const edge = new SecureEdge(stack, 'Edge', {
    loadBalancer: web.loadBalancer,
    originAccess,
    // Without origin access, the fixture opts in to an open origin by name (the default refuses it).
    allowOpenOrigin: !originAccess,
    ...(options.domain ? { domainName: 'www.example.com', hostedZone, originDomainName: origin!.domainName } : {}),
    ...props,
  });
  const companions = app.node.children.filter(c => c instanceof Stack && c !== stack) as Stack[];
  return {
    app,
    stack,
    web,
    edge,
    template: Template.fromStack(stack),
    companion: companions.length ? Template.fromStack(companions[0]) : undefined,
  };
}

function distributionConfig(template: Template): any {
  return only(template, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig;
}

describe('SecureEdge', () => {
  describe('in us-east-1 without a domain', () => {
    const { template, app, stack, edge } = synth('us-east-1');
    const config = distributionConfig(template);

    test('no companion stack: everything lives in the stack', () => {
      expect(app.node.children.filter(c => c instanceof Stack)).toEqual([stack]);
      template.resourceCountIs('AWS::WAFv2::WebACL', 2); // the load balancer's REGIONAL one and the CLOUDFRONT one
      const [aclId] = Object.entries<any>(template.findResources('AWS::WAFv2::WebACL')).find(([, a]) => a.Properties.Scope === 'CLOUDFRONT')!;
      expect(config.WebACLId).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    });

    test('HTTP/2 and HTTP/3, IPv6, the newest TLS 1.2 policy, all edge locations, access logs', () => {
      expect(config).toMatchObject({
        Enabled: true,
        HttpVersion: 'http2and3',
        IPV6Enabled: true,
        PriceClass: 'PriceClass_All',
        Logging: { Bucket: { 'Fn::GetAtt': [idOf(template, 'AWS::S3::Bucket', /EdgeLogsBucket/), 'RegionalDomainName'] }, Prefix: 'cloudfront/' },
      });
      expect(config.ViewerCertificate).toBeUndefined();
    });

    test('default behaviour: the load balancer, nothing cached, viewer data forwarded, HTTPS only to viewers, compressed', () => {
      expect(config.DefaultCacheBehavior).toMatchObject({
        ViewerProtocolPolicy: 'redirect-to-https',
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
        CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
        OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // Managed-AllViewerExceptHostHeader
        Compress: true,
      });
      const origin = config.Origins.find((o: any) => o.Id === config.DefaultCacheBehavior.TargetOriginId);
      expect(origin.DomainName).toEqual({ 'Fn::GetAtt': [idOf(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer', /Web/), 'DNSName'] });
      expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'http-only' });
    });

    test('/static/* comes from the static bucket through origin access control, cached', () => {
      expect(config.CacheBehaviors).toHaveLength(1);
      const behavior = config.CacheBehaviors[0];
      expect(behavior).toMatchObject({
        PathPattern: '/static/*',
        ViewerProtocolPolicy: 'redirect-to-https',
        CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6', // Managed-CachingOptimized
        Compress: true,
      });
      const origin = config.Origins.find((o: any) => o.Id === behavior.TargetOriginId);
      expect(origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
      expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [idOf(template, 'AWS::CloudFront::OriginAccessControl', /.*/), 'Id'] });
    });

    test('the static bucket admits only this distribution, and is private, versioned, TLS-only and access-logged', () => {
      const bucketId = idOf(template, 'AWS::S3::Bucket', /EdgeStaticAssetsBucket/);
      const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find(p => p.Properties.Bucket.Ref === bucketId)!;
      const grant = policy.Properties.PolicyDocument.Statement.find((s: any) => s.Principal?.Service === 'cloudfront.amazonaws.com');
      expect(grant.Action).toBe('s3:GetObject');
      expect(JSON.stringify(grant.Condition)).toContain(idOf(template, 'AWS::CloudFront::Distribution', /.*/));
      const [, bucket] = only(template, 'AWS::S3::Bucket', /EdgeStaticAssetsBucket/);
      expect(bucket.Properties).toMatchObject({
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: { DestinationBucketName: { Ref: idOf(template, 'AWS::S3::Bucket', /EdgeLogsBucket/) }, LogFilePrefix: 'static-assets/' },
      });
      expect(bucket.Properties.LifecycleConfiguration.Rules[0].NoncurrentVersionTransitions).toEqual([{ StorageClass: 'GLACIER', TransitionInDays: 90 }]);
      expect(bucket.DeletionPolicy).toBe('Retain');
    });

    test('security headers on every response: HSTS, nosniff, DENY framing, strict referrer', () => {
      const [policyId, policy] = only(template, 'AWS::CloudFront::ResponseHeadersPolicy');
      expect(policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig).toEqual({
        StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: true },
        ContentTypeOptions: { Override: true },
        FrameOptions: { FrameOption: 'DENY', Override: true },
        ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
      });
      expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
      expect(config.CacheBehaviors[0].ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    });

    test('the web ACL: CLOUDFRONT scope, baseline managed rules, a rate limit, logged with redactions', () => {
      const acl = Object.values(template.findResources('AWS::WAFv2::WebACL')).find(a => a.Properties.Scope === 'CLOUDFRONT')!;
      expect(acl.Properties.Rules.map((r: any) => r.Name)).toEqual([
        'AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet',
        'AWSManagedRulesSQLiRuleSet', 'RateLimitPerClientIp',
      ]);
      template.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 2);
    });

    test('warnings say what is missing: a domain, and HTTPS to the origin', () => {
      const annotations = Annotations.fromStack(stack);
      annotations.hasWarning('/TestStack/Edge', Match.stringLikeRegexp('cdk-production-webapp:noCustomDomain'));
      annotations.hasWarning('/TestStack/Edge', Match.stringLikeRegexp('cdk-production-webapp:plainOrigin'));
      expect(edge.url).toMatch(/^https:\/\/\$\{Token/);
      expect(edge.certificateArn).toBeUndefined();
    });

    test('raises no finding of aws-cdk-lib\'s built-in CloudFormation rules', () => {
      expect(templateRuleFindings(app)).toEqual([]);
    });

    test('the edge itself has no unacknowledged finding (the certificate-less load balancer\'s HTTP listener does)', () => {
      const findings = formatFindings(complianceFindings(app));
      expect(findings.filter(f => f.includes('/Edge/'))).toEqual([]);
      expect(findings.filter(f => !f.includes('/Web/LoadBalancer/HttpListener/'))).toEqual([]);
    });
  });

  describe('in eu-west-1 (any region)', () => {
    test('the CLOUDFRONT web ACL lives in a us-east-1 companion stack and reaches the distribution', () => {
      const { app, stack, template, companion } = synth('eu-west-1');
      const stacks = app.node.children.filter(c => c instanceof Stack) as Stack[];
      expect(stacks).toHaveLength(2);
      const other = stacks.find(s => s !== stack)!;
      expect(other.region).toBe('us-east-1');
      expect(other.account).toBe(ACCOUNT);
      expect(stack.dependencies).toContain(other);
      companion!.resourceCountIs('AWS::WAFv2::WebACL', 1);
      companion!.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
      template.resourceCountIs('AWS::WAFv2::WebACL', 1); // the load balancer's REGIONAL one
      expect(JSON.stringify(distributionConfig(template).WebACLId)).toContain('Value');
    });
  });

  describe('with a domain', () => {
    test.each(['us-east-1', 'eu-west-1'])('in %s: a DNS-validated us-east-1 certificate, aliases and HTTPS to the origin', region => {
      const { template, companion, edge } = synth(region, {}, { domain: true });
      const certificates = companion ?? template;
      certificates.hasResourceProperties('AWS::CertificateManager::Certificate', {
        DomainName: 'www.example.com',
        ValidationMethod: 'DNS',
        DomainValidationOptions: [{ DomainName: 'www.example.com', HostedZoneId: ZONE.hostedZoneId }],
      });
      const config = distributionConfig(template);
      expect(config.Aliases).toEqual(['www.example.com']);
      expect(config.ViewerCertificate).toMatchObject({ SslSupportMethod: 'sni-only', MinimumProtocolVersion: 'TLSv1.2_2025' });
      for (const type of ['A', 'AAAA']) {
        template.hasResourceProperties('AWS::Route53::RecordSet', {
          Name: 'www.example.com.',
          Type: type,
          HostedZoneId: ZONE.hostedZoneId,
          AliasTarget: Match.objectLike({ DNSName: { 'Fn::GetAtt': [idOf(template, 'AWS::CloudFront::Distribution', /.*/), 'DomainName'] } }),
        });
      }
      const origin = config.Origins.find((o: any) => o.Id === config.DefaultCacheBehavior.TargetOriginId);
      expect(origin.DomainName).toBe('origin.example.com');
      expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
      template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'origin.example.com.', Type: 'A' });
      expect(edge.url).toBe('https://www.example.com');
      expect(edge.records).toHaveLength(2);
      expect(edge.certificate).toBeDefined();
      expect(edge.webAcl!.scope).toBe('CLOUDFRONT');
      expect(Stack.of(edge.webAcl!).region).toBe('us-east-1');
    });

    test.each(['us-east-1', 'eu-west-1'])('in %s: passes the four compliance packs with the web tier and network', region => {
      const { app } = synth(region, {}, { domain: true });
      expect(formatFindings(complianceFindings(app))).toEqual([]);
      expect(templateRuleFindings(app)).toEqual([]);
    });

    test('apex and www, and an origin health check', () => {
      const { template } = synth('us-east-1', { domainName: 'example.com', includeWww: true, originHealthCheck: true }, { domain: true });
      template.hasResourceProperties('AWS::CertificateManager::Certificate', {
        DomainName: 'example.com', SubjectAlternativeNames: ['www.example.com'],
      });
      expect(distributionConfig(template).Aliases).toEqual(['example.com', 'www.example.com']);
      template.resourcePropertiesCountIs('AWS::Route53::RecordSet', { AliasTarget: Match.objectLike({ DNSName: Match.anyValue() }), Type: 'AAAA' }, 2);
      template.hasResourceProperties('AWS::Route53::HealthCheck', {
        HealthCheckConfig: { Type: 'HTTPS', FullyQualifiedDomainName: 'origin.example.com', Port: 443, ResourcePath: '/health', RequestInterval: 30, FailureThreshold: 3, EnableSNI: true },
      });
    });
  });

  describe('origin protection', () => {
    const { template, app } = synth('eu-west-1', {}, { domain: true, originAccess: true });
    const albSg = idOf(template, 'AWS::EC2::SecurityGroup', /WebLoadBalancerSecurityGroup/);
    const secretId = idOf(template, 'AWS::SecretsManager::Secret', /OriginAccessSecret/);

    test('the load balancer admits only CloudFront\'s origin-facing prefix list, on 443 only', () => {
      const [, sg] = only(template, 'AWS::EC2::SecurityGroup', /WebLoadBalancerSecurityGroup/);
      expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
      const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
        .filter(r => r.Properties.GroupId['Fn::GetAtt'][0] === albSg).map(r => r.Properties);
      expect(ingress).toEqual([expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        SourcePrefixListId: { 'Fn::GetAtt': [expect.stringMatching(/CloudFrontOriginFacingPrefixList/), 'PrefixListId'] },
      })]);
      template.hasResourceProperties('Custom::CdkProductionWebappPrefixListLookup', { PrefixListName: 'com.amazonaws.global.cloudfront.origin-facing' });
    });

    test('a secret generated at deploy time, KMS-encrypted', () => {
      const [, secret] = only(template, 'AWS::SecretsManager::Secret', /OriginAccessSecret/);
      expect(secret.Properties.GenerateSecretString).toEqual({ PasswordLength: 48, ExcludePunctuation: true, IncludeSpace: false });
      expect(secret.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [idOf(template, 'AWS::KMS::Key', /OriginAccessKey/), 'Arn'] });
    });

    test('the listener answers 403 unless the secret header is present; CloudFront sends it', () => {
      const listenerId = idOf(template, 'AWS::ElasticLoadBalancingV2::Listener', /HttpsListener/);
      const [, listener] = only(template, 'AWS::ElasticLoadBalancingV2::Listener', /HttpsListener/);
      expect(listener.Properties.DefaultActions).toEqual([{
        Type: 'fixed-response', FixedResponseConfig: { StatusCode: '403', ContentType: 'text/plain', MessageBody: 'Forbidden' },
      }]);
      const reference = { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] };
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
        ListenerArn: { Ref: listenerId },
        Priority: 50000,
        Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Origin-Verify', Values: [reference] } }],
        Actions: [Match.objectLike({ Type: 'forward' })],
      });
      const config = distributionConfig(template);
      const origin = config.Origins.find((o: any) => o.Id === config.DefaultCacheBehavior.TargetOriginId);
      expect(origin.OriginCustomHeaders).toEqual([{ HeaderName: 'X-Origin-Verify', HeaderValue: reference }]);
    });

    test('routes added later require the header too', () => {
      const { web: other } = synth('eu-west-1', {}, { domain: true, originAccess: true });
      const rule = other.addRoute('Api', { priority: 10, pathPatterns: ['/api/*'] });
      const conditions = Stack.of(rule).resolve((rule.node.defaultChild as any).conditions);
      expect(conditions.map((c: any) => c.field)).toEqual(['http-header', 'path-pattern']);
    });

    test('passes the four compliance packs with no unacknowledged finding, in both stacks', () => {
      expect(formatFindings(complianceFindings(app))).toEqual([]);
      expect(templateRuleFindings(app)).toEqual([]);
    });
  });

  describe('VPC origin', () => {
    test('CloudFront reaches an internal load balancer through a VPC origin, over HTTPS on the origin name', () => {
      const { template, app } = synth('eu-west-1', { vpcOrigin: true }, { domain: true, originAccess: true, internal: true });
      const [vpcOriginId, vpcOrigin] = only(template, 'AWS::CloudFront::VpcOrigin');
      expect(vpcOrigin.Properties.VpcOriginEndpointConfig).toMatchObject({
        Arn: { Ref: idOf(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer', /Web/) },
        OriginProtocolPolicy: 'https-only',
        OriginSSLProtocols: ['TLSv1.2'],
      });
      const config = distributionConfig(template);
      const origin = config.Origins.find((o: any) => o.Id === config.DefaultCacheBehavior.TargetOriginId);
      expect(origin.DomainName).toBe('origin.example.com');
      expect(origin.VpcOriginConfig).toMatchObject({ VpcOriginId: { 'Fn::GetAtt': [vpcOriginId, 'Id'] } });
      expect(origin.OriginCustomHeaders).toEqual([expect.objectContaining({ HeaderName: 'X-Origin-Verify' })]);
      const [, alb] = only(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
      expect(alb.Properties.Scheme).toBe('internal');
      expect(formatFindings(complianceFindings(app))).toEqual([]);
      expect(templateRuleFindings(app)).toEqual([]);
    });
  });

  describe('web ACL options', () => {
    test('anonymous IPs, OS rule groups, Bot Control, blocked countries and addresses, custom rules, in order', () => {
      const customRule: wafv2.CfnWebACL.RuleProperty = {
        name: 'BlockAdmin',
        priority: 0,
        action: { block: {} },
        statement: { byteMatchStatement: { searchString: '/admin', fieldToMatch: { uriPath: {} }, positionalConstraint: 'STARTS_WITH', textTransformations: [{ priority: 0, type: 'NONE' }] } },
        visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: 'BlockAdmin' },
      };
      const { template } = synth('us-east-1', {
        anonymousIpRules: true,
        operatingSystemRules: [WebAclOperatingSystem.LINUX, WebAclOperatingSystem.POSIX],
        botControl: true,
        blockedCountries: ['KP', 'IR'],
        blockedIpAddresses: ['192.0.2.0/24', '2001:db8::/32'],
        customRules: [customRule],
      });
      const acl = Object.values(template.findResources('AWS::WAFv2::WebACL')).find(a => a.Properties.Scope === 'CLOUDFRONT')!;
      const rules = acl.Properties.Rules;
      expect(rules.map((r: any) => [r.Priority, r.Name])).toEqual([
        [0, 'BlockedAddressesIpv4'], [1, 'BlockedAddressesIpv6'], [2, 'BlockedCountries'],
        [3, 'AWSManagedRulesAmazonIpReputationList'], [4, 'AWSManagedRulesCommonRuleSet'], [5, 'AWSManagedRulesKnownBadInputsRuleSet'],
        [6, 'AWSManagedRulesSQLiRuleSet'], [7, 'AWSManagedRulesAnonymousIpList'], [8, 'AWSManagedRulesLinuxRuleSet'],
        [9, 'AWSManagedRulesUnixRuleSet'], [10, 'AWSManagedRulesBotControlRuleSet'], [11, 'RateLimitPerClientIp'], [12, 'BlockAdmin'],
      ]);
      expect(rules[2].Statement).toEqual({ GeoMatchStatement: { CountryCodes: ['KP', 'IR'] } });
      expect(rules[10].Statement.ManagedRuleGroupStatement.ManagedRuleGroupConfigs).toEqual([{ AWSManagedRulesBotControlRuleSet: { InspectionLevel: 'COMMON' } }]);
      template.hasResourceProperties('AWS::WAFv2::IPSet', { Scope: 'CLOUDFRONT', IPAddressVersion: 'IPV4', Addresses: ['192.0.2.0/24'] });
      template.hasResourceProperties('AWS::WAFv2::IPSet', { Scope: 'CLOUDFRONT', IPAddressVersion: 'IPV6', Addresses: ['2001:db8::/32'] });
    });
  });

  describe('options', () => {
    test('CSP, error responses, geo restriction, price class, static paths', () => {
      const { template } = synth('us-east-1', {
        contentSecurityPolicy: "default-src 'self'",
        errorResponses: [{ httpStatus: 404, responsePagePath: '/static/404.html', responseHttpStatus: 404 }],
        geoRestriction: cloudfront.GeoRestriction.allowlist('DE', 'FR'),
        priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
        staticPathPatterns: ['/assets/*', '/images/*'],
      });
      const config = distributionConfig(template);
      expect(config.PriceClass).toBe('PriceClass_100');
      expect(config.Restrictions).toEqual({ GeoRestriction: { RestrictionType: 'whitelist', Locations: ['DE', 'FR'] } });
      expect(config.CustomErrorResponses).toEqual([{ ErrorCode: 404, ResponseCode: 404, ResponsePagePath: '/static/404.html' }]);
      expect(config.CacheBehaviors.map((b: any) => b.PathPattern)).toEqual(['/assets/*', '/images/*']);
      template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
        ResponseHeadersPolicyConfig: { SecurityHeadersConfig: Match.objectLike({ ContentSecurityPolicy: { ContentSecurityPolicy: "default-src 'self'", Override: true } }) },
      });
    });

    test('given buckets and an existing web ACL are used instead of new ones', () => {
      const app = strictApp();
      const stack = new Stack(app, 'TestStack', { env: { account: ACCOUNT, region: 'eu-west-1' } });
      const network = new NetworkFoundation(stack, 'Network');
      const web = new ScalableWebTier(stack, 'Web', { vpc: network.vpc });
      const staticAssetsBucket = new s3.Bucket(stack, 'Static');
      const logsBucket = new s3.Bucket(stack, 'Logs', { objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED });
      const webAclArn = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/shared/abc';
      new SecureEdge(stack, 'Edge', { loadBalancer: web.loadBalancer, staticAssetsBucket, logsBucket, webAclArn, allowOpenOrigin: true });
      const template = Template.fromStack(stack);
      expect(app.node.children.filter(c => c instanceof Stack)).toHaveLength(1);
      expect(distributionConfig(template).WebACLId).toBe(webAclArn);
      expect(Object.keys(template.findResources('AWS::S3::Bucket')).filter(id => id.startsWith('Edge'))).toEqual([]);
    });
  });

  describe('bad input fails at synth with the prop, the value and what is valid', () => {
    test.each<[string, Partial<SecureEdgeProps>, boolean, string]>([
      ['a domain outside the hosted zone', { domainName: 'www.example.org' }, true,
        "TestStack/Edge: domainName: 'www.example.org' is outside the hosted zone 'example.com'; use the zone's name or a name under it."],
      ['an invalid domain name', { domainName: 'www..example.com' }, true,
        "TestStack/Edge: domainName: 'www..example.com' is not a valid domain name; use labels of letters, digits and hyphens separated by dots, e.g. 'www.example.com'."],
      ['an invalid origin domain name', { originDomainName: 'origin_example.com' }, true,
        "TestStack/Edge: originDomainName: 'origin_example.com' is not a valid domain name; use labels of letters, digits and hyphens separated by dots, e.g. 'www.example.com'."],
      ['a rate limit below WAF\'s minimum', { rateLimitPerFiveMinutes: 5 }, false,
        'TestStack/Edge: rateLimitPerFiveMinutes: 5 is below what AWS WAF accepts; use a whole number of at least 10.'],
      ['a static path without a slash', { staticPathPatterns: ['static/*'] }, false,
        "TestStack/Edge: staticPathPatterns: 'static/*' must start with '/', e.g. '/static/*'."],
      ['no static paths', { staticPathPatterns: [] }, false,
        "TestStack/Edge: staticPathPatterns: [] serves nothing from the static bucket; give at least one path, e.g. ['/static/*']."],
      ['a domain without a zone', { domainName: 'www.example.com' }, false,
        "TestStack/Edge: domainName: 'www.example.com' needs hostedZone, the public zone that validates its certificate and holds its records (or an existing certificate)."],
      ['www on a www name', { includeWww: true }, true,
        "TestStack/Edge: includeWww: true would add 'www.www.example.com'; set domainName to the apex instead."],
      ['a health check without an origin name', { originHealthCheck: true }, false,
        'TestStack/Edge: originHealthCheck: true needs originDomainName, the HTTPS name of the load balancer to check.'],
    ])('%s', (_name, props, domain, message) => {
      expect(() => synth('us-east-1', props, { domain })).toThrow(message);
    });

    test.each<[string, Partial<SecureEdgeProps>, string]>([
      ['a country code that is not ISO alpha-2', { blockedCountries: ['North Korea'] },
        "TestStack/Edge: blockedCountries: 'North Korea' is not an ISO 3166 alpha-2 code; use two capital letters, e.g. 'KP'."],
      ['an address that is not a CIDR block', { blockedIpAddresses: ['192.0.2.1'] },
        "TestStack/Edge: blockedIpAddresses: '192.0.2.1' is not an IPv4 or IPv6 CIDR block, e.g. '192.0.2.0/24' or '2001:db8::/32'."],
    ])('%s', (_name, props, message) => {
      expect(() => synth('us-east-1', props)).toThrow(message);
    });

    test('origin access and ingress peers on the web tier together', () => {
      const app = strictApp();
      const stack = new Stack(app, 'TestStack', { env: { account: ACCOUNT, region: 'us-east-1' } });
      const network = new NetworkFoundation(stack, 'Network');
      const access = new CloudFrontOriginAccess(stack, 'OriginAccess');
      expect(() => new ScalableWebTier(stack, 'Web', { vpc: network.vpc, cloudFrontOriginAccess: access, loadBalancerIngressPeers: [] })).toThrow(
        'TestStack/Web: loadBalancerIngressPeers and cloudFrontOriginAccess are both set; cloudFrontOriginAccess admits CloudFront only, so give one of them.');
    });

    test('a static bucket without a way to grant access (imported)', () => {
      const app = strictApp();
      const stack = new Stack(app, 'TestStack', { env: { account: ACCOUNT, region: 'us-east-1' } });
      const network = new NetworkFoundation(stack, 'Network');
      const web = new ScalableWebTier(stack, 'Web', { vpc: network.vpc });
      const staticAssetsBucket = s3.Bucket.fromBucketName(stack, 'Imported', 'someone-elses-bucket');
      expect(() => new SecureEdge(stack, 'Edge', { loadBalancer: web.loadBalancer, staticAssetsBucket })).toThrow(
        'TestStack/Edge: staticAssetsBucket: TestStack/Imported is imported, so its bucket policy cannot be changed to admit this distribution (origin access control); pass a bucket created in this app, or omit it.');
    });

    test('a hosted zone without a domain', () => {
      expect(() => synth('us-east-1', { domainName: undefined, originDomainName: undefined }, { domain: true })).toThrow(
        'TestStack/Edge: hostedZone: TestStack/Zone is given without domainName; give the site\'s name in the zone.');
    });

    test('an environment-agnostic stack', () => {
      const app = strictApp();
      const stack = new Stack(app, 'Agnostic');
      const bucket = new s3.Bucket(stack, 'Static');
      const alb = { loadBalancerDnsName: 'alb.example.com' } as any;
      expect(() => new SecureEdge(stack, 'Edge', { loadBalancer: alb, staticAssetsBucket: bucket, allowOpenOrigin: true })).toThrow(/region/);
    });

    test.each<[string, Partial<SecureEdgeProps>, { internal?: boolean }]>([
      ['an internet-facing load balancer', {}, {}],
      ['an internet-facing load balancer behind a VPC origin', { vpcOrigin: true }, {}],
      ['an internal load balancer reached over the internet', {}, { internal: true }],
    ])('no origin access, and no opt-in to an open origin: %s', (_name, props, options) => {
      expect(() => synth('us-east-1', { ...props, allowOpenOrigin: undefined }, options)).toThrow(
        'TestStack/Edge: originAccess: none given, so the load balancer would also answer requests that bypass CloudFront and its web ACL. '
        + 'Create a CloudFrontOriginAccess and give it to ScalableWebTier (cloudFrontOriginAccess) and SecureEdge (originAccess), or put an '
        + 'internal load balancer behind a VPC origin (vpcOrigin: true); set allowOpenOrigin: true only if the load balancer guards itself.');
    });
  });

  describe('an origin without CloudFrontOriginAccess', () => {
    test('an internal load balancer behind a VPC origin needs no origin access: nothing outside the VPC reaches it', () => {
      const { template } = synth('us-east-1', { vpcOrigin: true, allowOpenOrigin: undefined }, { internal: true });
      template.resourceCountIs('AWS::CloudFront::VpcOrigin', 1);
      expect(distributionConfig(template).Origins.every((o: any) => !o.OriginCustomHeaders)).toBe(true);
    });

    test('allowOpenOrigin: true lets an internet-facing load balancer stand open, by name', () => {
      const { template } = synth('us-east-1', { allowOpenOrigin: true });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing' });
      expect(distributionConfig(template).Origins.every((o: any) => !o.OriginCustomHeaders)).toBe(true);
    });
  });
});
