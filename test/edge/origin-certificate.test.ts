import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { OriginCertificate } from '../../src';
import { strictStack } from '../util';

const ZONE = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' };

function zoneIn(stack: Stack): route53.IHostedZone {
  return route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', ZONE);
}

describe('OriginCertificate', () => {
  test('a DNS-validated certificate for origin.<zone> in the stack\'s region', () => {
    const stack = strictStack({ env: { account: '123456789012', region: 'eu-west-1' } });
    const origin = new OriginCertificate(stack, 'Origin', { hostedZone: zoneIn(stack) });
    Template.fromStack(stack).hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'origin.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'origin.example.com', HostedZoneId: ZONE.hostedZoneId }],
    });
    expect(origin.domainName).toBe('origin.example.com');
  });

  test('another name under the zone', () => {
    const stack = strictStack({ env: { region: 'eu-west-1' } });
    new OriginCertificate(stack, 'Origin', { hostedZone: zoneIn(stack), domainName: 'lb.app.example.com' });
    Template.fromStack(stack).hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'lb.app.example.com' });
  });

  test.each([
    ['a name outside the zone', 'origin.example.org',
      "TestStack/Origin: domainName: 'origin.example.org' is outside the hosted zone 'example.com'; use a name under the zone."],
    ['an invalid name', 'origin..example.com',
      "TestStack/Origin: domainName: 'origin..example.com' is not a valid domain name; use labels of letters, digits and hyphens separated by dots, e.g. 'www.example.com'."],
  ])('%s fails', (_name, domainName, message) => {
    const stack = strictStack({ env: { region: 'eu-west-1' } });
    expect(() => new OriginCertificate(stack, 'Origin', { hostedZone: zoneIn(stack), domainName })).toThrow(message);
  });
});
