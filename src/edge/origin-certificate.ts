import { Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { isInZone, validateDomainName } from './private/domain-names';
import { propError } from '../core/errors';

/**
 * Properties of an `OriginCertificate`.
 */
export interface OriginCertificateProps {
  /**
   * The public hosted zone that validates the certificate and will hold the origin's record.
   */
  readonly hostedZone: route53.IHostedZone;

  /**
   * The DNS name CloudFront uses for the load balancer.
   *
   * @default - `origin.` and the zone's name
   */
  readonly domainName?: string;
}

/**
 * The load balancer's certificate, so that CloudFront talks HTTPS to it: an ACM certificate in the stack's region
 * for the origin's DNS name, validated by DNS in the hosted zone.
 *
 * Give `certificate` to `ScalableWebTier` and `domainName` to `SecureEdge` as `originDomainName` (which creates the
 * name's alias record).
 *
 * @example
 * declare const network: NetworkFoundation;
 * declare const zone: route53.IHostedZone;
 * declare const originAccess: CloudFrontOriginAccess;
 * const origin = new OriginCertificate(this, 'Origin', { hostedZone: zone });
 * const web = new ScalableWebTier(this, 'Web', {
 *   vpc: network.vpc, certificate: origin.certificate, cloudFrontOriginAccess: originAccess,
 * });
 * new SecureEdge(this, 'Edge', {
 *   loadBalancer: web.loadBalancer,
 *   originAccess,
 *   domainName: 'www.example.com',
 *   hostedZone: zone,
 *   originDomainName: origin.domainName,
 * });
 */
export class OriginCertificate extends Construct {
  /** The certificate, in the stack's region. */
  public readonly certificate: acm.ICertificate;
  /** The DNS name it covers. */
  public readonly domainName: string;

  constructor(scope: Construct, id: string, props: OriginCertificateProps) {
    super(scope, id);
    this.domainName = props.domainName ?? `origin.${props.hostedZone.zoneName.replace(/\.$/, '')}`;
    validateDomainName(this, 'domainName', this.domainName);
    if (!Token.isUnresolved(this.domainName) && !Token.isUnresolved(props.hostedZone.zoneName)
      && !isInZone(this.domainName, props.hostedZone.zoneName)) {
      throw propError(this, `domainName: '${this.domainName}' is outside the hosted zone '${props.hostedZone.zoneName}'; ` +
        'use a name under the zone.');
    }
    this.certificate = new acm.Certificate(this, 'Certificate', {
      domainName: this.domainName,
      validation: acm.CertificateValidation.fromDns(props.hostedZone),
    });
  }
}
