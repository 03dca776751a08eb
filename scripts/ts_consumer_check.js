// Checks the cloud assembly that scripts/ts-consumer.sh synthesizes (ProductionWebApp with www.example.com in a
// eu-west-1 stack): no error annotation, the main stack and its companions, and the resources of each tier and of
// the domain. Prints a one-line summary; exits 1 with the failed checks.
//
// Usage: node scripts/ts_consumer_check.js <cdk.out>
'use strict';
const fs = require('fs');
const path = require('path');

const out = process.argv[2];
const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
const failures = [];
const check = (ok, message) => { if (!ok) failures.push(message); };

const stacks = Object.entries(manifest.artifacts)
  .filter(([, a]) => a.type === 'aws:cloudformation:stack')
  .map(([id, a]) => ({
    id,
    region: (a.environment || '').split('/').pop(),
    template: JSON.parse(fs.readFileSync(path.join(out, a.properties.templateFile), 'utf8')),
    errors: Object.values(a.metadata || {}).flat().filter((m) => m.type === 'aws:cdk:error'),
  }));
const resources = (stack, type) => Object.values(stack?.template.Resources || {}).filter((r) => r.Type === type);
const byRegion = (region) => stacks.filter((s) => s.region === region);

for (const s of stacks) {
  check(s.errors.length === 0, `${s.id}: error annotations: ${s.errors.map((e) => e.data).join('; ')}`);
}
const main = stacks.find((s) => s.id === 'Consumer');
check(main && main.region === 'eu-west-1', 'the Consumer stack in eu-west-1');
check(byRegion('us-east-1').length >= 1, 'a us-east-1 companion stack (CloudFront certificate and web ACL)');

// The system's tiers, in the main stack.
for (const type of ['AWS::EC2::VPC', 'AWS::EC2::NatGateway', 'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::AutoScaling::AutoScalingGroup', 'AWS::RDS::DBInstance', 'AWS::ElastiCache::ReplicationGroup',
  'AWS::CloudFront::Distribution', 'AWS::S3::Bucket', 'AWS::CloudWatch::Alarm', 'AWS::CloudTrail::Trail']) {
  check(resources(main, type).length > 0, `Consumer: a ${type}`);
}
check(resources(main, 'AWS::RDS::DBInstance').some((r) => r.Properties.MultiAZ === true), 'Consumer: a Multi-AZ database');

// The domain: CloudFront's alias, the records, HTTPS on the load balancer with the origin's certificate.
const aliases = resources(main, 'AWS::CloudFront::Distribution').flatMap((r) => r.Properties.DistributionConfig.Aliases || []);
check(aliases.includes('www.example.com'), `Consumer: the distribution's alias www.example.com (got ${JSON.stringify(aliases)})`);
const records = resources(main, 'AWS::Route53::RecordSet').map((r) => r.Properties.Name);
check(records.some((n) => /^www\.example\.com\.?$/.test(n)), `Consumer: a www.example.com record (got ${JSON.stringify(records)})`);
check(resources(main, 'AWS::ElasticLoadBalancingV2::Listener').some((r) => r.Properties.Port === 443), 'Consumer: an HTTPS listener on 443');
const east = byRegion('us-east-1');
const certificates = east.flatMap((s) => resources(s, 'AWS::CertificateManager::Certificate')).map((r) => r.Properties.DomainName);
check(certificates.includes('www.example.com'), `us-east-1: the viewer certificate for www.example.com (got ${JSON.stringify(certificates)})`);
check(east.some((s) => resources(s, 'AWS::WAFv2::WebACL').some((r) => r.Properties.Scope === 'CLOUDFRONT')), 'us-east-1: a CLOUDFRONT web ACL');

if (failures.length > 0) {
  console.error(`ts-consumer: ${failures.length} check(s) failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
const count = (s) => Object.keys(s.template.Resources || {}).length;
console.log(`${stacks.length} stacks (${stacks.map((s) => `${s.id} ${s.region} ${count(s)} resources`).join(', ')}), `
  + 'domain wired (alias, records, HTTPS listener, us-east-1 certificate and web ACL), no error annotation');
