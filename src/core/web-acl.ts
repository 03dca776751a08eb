import { Names, RemovalPolicy, Stack, ArnFormat } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/**
 * What a web ACL built by this library holds.
 */
export interface WebAclSpec {
  /** CLOUDFRONT or REGIONAL. */
  readonly scope: 'CLOUDFRONT' | 'REGIONAL';
  /** Requests one client IP may make in 5 minutes before it is blocked. */
  readonly rateLimitPerFiveMinutes: number;
  /** Metric name prefix, unique in the account. */
  readonly metricPrefix: string;
  /** Key encrypting the WAF log group. */
  readonly logKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** AWS managed rule groups added after the baseline ones. */
  readonly additionalManagedRuleGroups?: string[];
  /** Whether Bot Control (common inspection level, billed per request) is added. */
  readonly botControl?: boolean;
  /** ISO 3166 alpha-2 country codes whose requests are blocked. */
  readonly blockedCountries?: string[];
  /** IPv4 and IPv6 CIDR blocks whose requests are blocked. */
  readonly blockedIpAddresses?: string[];
  /** Rules of the user's, evaluated after the others (their priorities are reassigned in order). */
  readonly customRules?: wafv2.CfnWebACL.RuleProperty[];
}

/** The AWS managed rule groups every web ACL of this library starts with. */
export const BASELINE_MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesSQLiRuleSet',
];

/**
 * A web ACL with the baseline AWS managed rule groups and a per-IP rate limit, with metrics, sampled requests and
 * logging to an encrypted CloudWatch log group (authorization and cookie headers redacted).
 */
export function createWebAcl(scope: Construct, id: string, spec: WebAclSpec): wafv2.CfnWebACL {
  const visibility = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
    cloudWatchMetricsEnabled: true,
    sampledRequestsEnabled: true,
    metricName: `${spec.metricPrefix}-${name}`,
  });
  const rules: Array<Omit<wafv2.CfnWebACL.RuleProperty, 'priority'>> = [];
  // Blocks first: they are the cheapest to evaluate and the most certain.
  const ipv4 = (spec.blockedIpAddresses ?? []).filter(cidr => !cidr.includes(':'));
  const ipv6 = (spec.blockedIpAddresses ?? []).filter(cidr => cidr.includes(':'));
  for (const [version, addresses] of [['IPV4', ipv4], ['IPV6', ipv6]] as const) {
    if (addresses.length === 0) continue;
    const ipSet = new wafv2.CfnIPSet(scope, `${id}Blocked${version === 'IPV4' ? 'Ipv4' : 'Ipv6'}`, {
      scope: spec.scope,
      ipAddressVersion: version,
      addresses,
    });
    const name = `BlockedAddresses${version === 'IPV4' ? 'Ipv4' : 'Ipv6'}`;
    rules.push({
      name,
      action: { block: {} },
      statement: { ipSetReferenceStatement: { arn: ipSet.attrArn } },
      visibilityConfig: visibility(name),
    });
  }
  if (spec.blockedCountries?.length) {
    rules.push({
      name: 'BlockedCountries',
      action: { block: {} },
      statement: { geoMatchStatement: { countryCodes: spec.blockedCountries } },
      visibilityConfig: visibility('BlockedCountries'),
    });
  }
  const managedGroups = [...BASELINE_MANAGED_RULE_GROUPS, ...spec.additionalManagedRuleGroups ?? []];
  for (const name of managedGroups) {
    rules.push({
      name,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: visibility(name),
    });
  }
  if (spec.botControl) {
    rules.push({
      name: 'AWSManagedRulesBotControlRuleSet',
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name: 'AWSManagedRulesBotControlRuleSet',
          managedRuleGroupConfigs: [{ awsManagedRulesBotControlRuleSet: { inspectionLevel: 'COMMON' } }],
        },
      },
      visibilityConfig: visibility('AWSManagedRulesBotControlRuleSet'),
    });
  }
  rules.push({
    name: 'RateLimitPerClientIp',
    action: { block: {} },
    statement: { rateBasedStatement: { limit: spec.rateLimitPerFiveMinutes, aggregateKeyType: 'IP' } },
    visibilityConfig: visibility('RateLimitPerClientIp'),
  });
  rules.push(...spec.customRules ?? []);
  const webAcl = new wafv2.CfnWebACL(scope, id, {
    scope: spec.scope,
    defaultAction: { allow: {} },
    rules: rules.map((rule, priority) => ({ ...rule, priority })),
    visibilityConfig: visibility('WebAcl'),
  });

  // WAF delivers only to log groups whose name starts with aws-waf-logs-.
  const logGroupName = `aws-waf-logs-${Names.uniqueResourceName(webAcl, { maxLength: 80 })}`;
  const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
    logGroupName,
    encryptionKey: spec.logKey,
    retention: spec.logRetention,
    removalPolicy: spec.removalPolicy,
  });
  const logging = new wafv2.CfnLoggingConfiguration(scope, `${id}Logging`, {
    resourceArn: webAcl.attrArn,
    // The ARN without the ':*' suffix of LogGroup.logGroupArn.
    logDestinationConfigs: [Stack.of(scope).formatArn({
      service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    })],
    redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'cookie' } }],
  });
  logging.node.addDependency(logGroup);
  return webAcl;
}
