import { Stack, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { IConstruct } from 'constructs';
import { propError } from '../../core/errors';
import { SecureEdge } from '../../edge/secure-edge';
import { ICacheMetrics } from '../cache-metrics';
import type { ObservabilityProps } from '../observability';

/** What `Observability` is given to watch: the tiers, as shorthands, or the resources themselves. */
export type WatchedInputs = Pick<ObservabilityProps, 'network' | 'vpc' | 'webTier' | 'loadBalancer' | 'targetGroup'
  | 'autoScalingGroup' | 'dataTier' | 'database' | 'readReplicas' | 'cache' | 'edge' | 'distribution' | 'webAclArn'>;

/** An Application Load Balancer, its target group and the Auto Scaling group behind it. */
export interface WatchedWebTier {
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  readonly targetGroup: elbv2.IApplicationTargetGroup;
  readonly autoScalingGroup?: autoscaling.IAutoScalingGroup;
}

/** A distribution and its web ACL. */
export interface WatchedEdge {
  readonly distribution: cloudfront.IDistribution;
  /** The web ACL on the dashboard. */
  readonly webAclArn?: string;
  /** The web ACL alarmed: not an imported one of a `SecureEdge`, managed (and alarmed) where it was created. */
  readonly alarmedWebAclArn?: string;
  /** The stack the distribution's ID and the web ACL's ARN come from. */
  readonly producer: Stack;
}

/** The resources to watch, whether given as tiers or one by one. */
export interface WatchedResources {
  readonly vpc?: ec2.IVpc;
  readonly web?: WatchedWebTier;
  readonly database?: rds.IDatabaseInstance;
  readonly readReplicas: rds.IDatabaseInstance[];
  readonly cache?: ICacheMetrics;
  readonly edge?: WatchedEdge;
}

/** The resources each tier shorthand stands for, once the inputs are checked for contradictions. */
export function watchedResources(owner: IConstruct, inputs: WatchedInputs): WatchedResources {
  validateShorthand(owner, 'network', inputs.network, { vpc: inputs.vpc });
  validateShorthand(owner, 'webTier', inputs.webTier, {
    loadBalancer: inputs.loadBalancer, targetGroup: inputs.targetGroup, autoScalingGroup: inputs.autoScalingGroup,
  });
  validateShorthand(owner, 'dataTier', inputs.dataTier, {
    database: inputs.database, readReplicas: inputs.readReplicas, cache: inputs.cache,
  });
  validateShorthand(owner, 'edge', inputs.edge, { distribution: inputs.distribution, webAclArn: inputs.webAclArn });
  validateNeeds(owner, 'targetGroup', inputs.targetGroup, 'loadBalancer', inputs.loadBalancer, 'the load balancer it is attached to');
  validateNeeds(owner, 'loadBalancer', inputs.loadBalancer, 'targetGroup', inputs.targetGroup,
    'the target group whose targets it watches (unhealthy hosts, response time, target 5xx)');
  validateNeeds(owner, 'autoScalingGroup', inputs.autoScalingGroup, 'loadBalancer', inputs.loadBalancer,
    'the load balancer in front of it');
  validateNeeds(owner, 'readReplicas', inputs.readReplicas, 'database', inputs.database, 'the instance they replicate');
  validateNeeds(owner, 'webAclArn', inputs.webAclArn, 'distribution', inputs.distribution, 'the distribution it protects');
  validateWebAclArn(owner, inputs.webAclArn);

  const web = inputs.webTier;
  const data = inputs.dataTier;
  const edge = inputs.edge;
  return {
    vpc: inputs.network?.vpc ?? inputs.vpc,
    web: web
      ? { loadBalancer: web.loadBalancer, targetGroup: web.targetGroup, autoScalingGroup: web.autoScalingGroup }
      : inputs.loadBalancer && inputs.targetGroup
        ? { loadBalancer: inputs.loadBalancer, targetGroup: inputs.targetGroup, autoScalingGroup: inputs.autoScalingGroup }
        : undefined,
    database: data?.database ?? inputs.database,
    readReplicas: data?.readReplicas ?? inputs.readReplicas ?? [],
    cache: data?.cache ?? inputs.cache,
    edge: edge ? edgeOf(edge) : inputs.distribution ? {
      distribution: inputs.distribution,
      webAclArn: inputs.webAclArn,
      alarmedWebAclArn: inputs.webAclArn,
      producer: Stack.of(inputs.distribution),
    } : undefined,
  };
}

/** A `SecureEdge`'s distribution and web ACL; an imported web ACL is alarmed where it was created. */
function edgeOf(edge: SecureEdge): WatchedEdge {
  return {
    distribution: edge.distribution,
    webAclArn: edge.webAclArn,
    alarmedWebAclArn: edge.webAcl ? edge.webAclArn : undefined,
    producer: Stack.of(edge),
  };
}

/** A tier is a shorthand for its resources: giving both is a contradiction. */
function validateShorthand(owner: IConstruct, name: string, shorthand: unknown, resources: Record<string, unknown>) {
  if (shorthand === undefined) return;
  const given = Object.keys(resources).filter(key => resources[key] !== undefined);
  if (given.length === 0) return;
  throw propError(owner, `${name} and ${given.join(' and ')} are given together; give ${name} or the resources it stands for `
    + `(${Object.keys(resources).join(', ')}), not both.`);
}

function validateNeeds(owner: IConstruct, name: string, value: unknown, needed: string, neededValue: unknown, why: string) {
  if (value === undefined || neededValue !== undefined) return;
  throw propError(owner, `${name} is given without ${needed}; give ${needed} too: ${why}.`);
}

/** The WAF metrics name the web ACL: the third part of a CLOUDFRONT-scope ACL's ARN resource. */
function validateWebAclArn(owner: IConstruct, arn?: string) {
  if (arn === undefined || Token.isUnresolved(arn)) return;
  if (!/^arn:[\w-]+:wafv2:us-east-1:\d{12}:global\/webacl\/[^/]+\/[^/]+$/.test(arn)) {
    throw propError(owner, `webAclArn: '${arn}' is not the ARN of a CLOUDFRONT-scope web ACL `
      + '(arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>).');
  }
}
