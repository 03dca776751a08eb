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
}

/** The AWS managed rule groups every web ACL of this library starts with (architecture section 3). */
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
  const managed: wafv2.CfnWebACL.RuleProperty[] = BASELINE_MANAGED_RULE_GROUPS.map((name, priority) => ({
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
    visibilityConfig: visibility(name),
  }));
  const rateLimit: wafv2.CfnWebACL.RuleProperty = {
    name: 'RateLimitPerClientIp',
    priority: managed.length,
    action: { block: {} },
    statement: { rateBasedStatement: { limit: spec.rateLimitPerFiveMinutes, aggregateKeyType: 'IP' } },
    visibilityConfig: visibility('RateLimitPerClientIp'),
  };
  const webAcl = new wafv2.CfnWebACL(scope, id, {
    scope: spec.scope,
    defaultAction: { allow: {} },
    rules: [...managed, rateLimit],
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
