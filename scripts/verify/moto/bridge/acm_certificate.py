"""AWS::CertificateManager::Certificate is requested through moto's own ACM, DNS-validated in Route 53.

moto behaviour: moto's CloudFormation has no model for AWS::CertificateManager::Certificate (moto's ACM API exists):
the certificate is skipped, and the HTTPS listener that uses it cannot be created. And moto's ACM answers
PENDING_VALIDATION for a requested certificate until MOTO_ACM_VALIDATION_WAIT seconds (default 60) have passed, then
ISSUED, whatever the DNS holds.

The patch, as CloudFormation does it: the certificate is requested through moto's RequestCertificate (DomainName,
SubjectAlternativeNames, tags: an AMAZON_ISSUED certificate, not an imported one), its DNS validation CNAME records
are written to the hosted zones given in DomainValidationOptions (ChangeResourceRecordSets, UPSERT; the zone must
exist, be public and contain the name), and the resource is complete once the certificate is ISSUED. The validation
wait is set to 0 (MOTO_ACM_VALIDATION_WAIT overrides it), and the bridge itself checks that every validation record
is in its zone before it accepts the ISSUED status. moto's ELBv2 CreateListener needs the certificate only to exist
in ACM in the load balancer's region (it does not look at the status), so no self-signed certificate
(ImportCertificate) is needed.

Not emulated: EMAIL validation, validation records of another account, ACM's own DNS lookup,
CertificateTransparencyLoggingPreference and KeyAlgorithm (moto's keys are RSA 2048).
"""
from __future__ import annotations

import os
import time

from .arn_model import ArnModel
from .patch import Observed, Patch, clear_model_caches, client, deploy, log


def acm_certificate_model():
    from moto.acm.models import acm_backends
    from moto.cloudformation.exceptions import ValidationError
    from moto.core.common_models import CloudFormationModel
    from moto.route53.models import route53_backends
    from moto.utilities.utils import get_partition

    class CloudFormationCertificate(ArnModel, CloudFormationModel):
        __module__ = 'moto.acm.bridge'

        TYPE = 'AWS::CertificateManager::Certificate'

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name,
                                            **kwargs):
            logical_id = kwargs.get('LogicalId')
            properties = cloudformation_json['Properties']
            domain = properties['DomainName']
            sans = [name for name in properties.get('SubjectAlternativeNames') or [] if name != domain]
            method = properties.get('ValidationMethod', 'EMAIL')
            if method != 'DNS' or properties.get('CertificateAuthorityArn'):
                raise ValidationError(message=f'moto-bridge: {logical_id}: only DNS-validated public certificates '
                                      f'are bridged (ValidationMethod {method})')
            zones = {option['DomainName']: option.get('HostedZoneId')
                     for option in properties.get('DomainValidationOptions') or []}
            unvalidated = [name for name in [domain, *sans] if not zones.get(name)]
            if unvalidated:
                # CloudFormation would wait (up to 72 hours) for someone else to create the records.
                raise ValidationError(message=f'moto-bridge: {logical_id}: no HostedZoneId in DomainValidationOptions '
                                      f'for {", ".join(unvalidated)}: the certificate would never be validated')
            route53 = route53_backends[account_id][get_partition(region_name)]
            for name in set(zones.values()):
                if route53.get_hosted_zone(name).private_zone:  # NoSuchHostedZone if it does not exist
                    raise ValidationError(message=f'moto-bridge: {logical_id}: hosted zone {name} is private: '
                                          'ACM cannot validate through it')
            acm = acm_backends[account_id][region_name]
            arn = acm.request_certificate(
                domain_name=domain, idempotency_token=None, subject_alt_names=sans or None,
                tags=properties.get('Tags') or [])
            options = acm.describe_certificate(arn).describe()['Certificate']['DomainValidationOptions']
            records = []
            for option in options:
                record = option['ResourceRecord']
                zone_id = zones[option['DomainName']]
                route53.change_resource_record_sets(zone_id, [{'Action': 'UPSERT', 'ResourceRecordSet': {
                    'Name': record['Name'], 'Type': record['Type'], 'TTL': '300',
                    'ResourceRecords': [{'Value': record['Value']}]}}])
                found = [r for r in route53.get_hosted_zone(zone_id).rrsets
                         if r.name == record['Name'] and r.type == record['Type'] and r.records == [record['Value']]]
                if not found:
                    raise ValidationError(message=f'moto-bridge: {logical_id}: validation record {record["Name"]} '
                                          f'not found in {zone_id} after writing it')
                records.append(f'{record["Name"]} {record["Type"]} in {zone_id}')
            deadline = time.time() + 10
            while (status := acm.describe_certificate(arn).status) == 'PENDING_VALIDATION' and time.time() < deadline:
                time.sleep(0.05)
            if status != 'ISSUED':
                raise ValidationError(message=f'moto-bridge: {logical_id}: certificate {arn} is {status}, not ISSUED')
            log(f'{logical_id}: certificate {arn} for {", ".join([domain, *sans])} (AWS::CertificateManager::'
                f'Certificate, through RequestCertificate: AMAZON_ISSUED, not imported); DNS validation record(s) '
                f'{"; ".join(records)} (through ChangeResourceRecordSets, as CloudFormation writes them); {status} '
                '(moto issues requested certificates after MOTO_ACM_VALIDATION_WAIT, set to 0, without looking at '
                'DNS; moto\'s CreateListener needs the certificate to exist, not to be ISSUED)')
            return cls(arn)

    return CloudFormationCertificate


def install() -> None:
    from moto import settings
    settings.ACM_VALIDATION_WAIT = int(os.environ.get('MOTO_ACM_VALIDATION_WAIT', '0'))
    acm_certificate_model()
    clear_model_caches()


def probe() -> Observed:
    zone = client('route53').create_hosted_zone(Name='example.com', CallerReference='probe')['HostedZone']['Id']
    zone = zone.split('/')[-1]
    status, outputs, error = deploy(
        {'Certificate': {'Type': 'AWS::CertificateManager::Certificate', 'Properties': {
            'DomainName': 'www.example.com', 'ValidationMethod': 'DNS',
            'DomainValidationOptions': [{'DomainName': 'www.example.com', 'HostedZoneId': zone}]}}},
        {'Ref': {'Ref': 'Certificate'}})
    certificates = client('acm').list_certificates()['CertificateSummaryList']
    if not certificates:
        return Observed(False, f'{status}: no certificate requested; Ref {outputs.get("Ref")!r} {error}'.strip())
    certificate = client('acm').describe_certificate(CertificateArn=certificates[0]['CertificateArn'])['Certificate']
    records = [r for r in client('route53').list_resource_record_sets(HostedZoneId=zone)['ResourceRecordSets']
               if r['Type'] == 'CNAME']
    as_aws = certificate['Status'] == 'ISSUED' and len(records) == 1 and outputs.get('Ref') == certificate[
        'CertificateArn']
    return Observed(as_aws, f'{status}: certificate {certificate["Status"]}, {len(records)} validation record(s) in '
                    'the zone')


PATCH = Patch(
    name='acm-certificate',
    behaviour='AWS::CertificateManager::Certificate is not modelled by CloudFormation (no certificate), and a '
              'requested certificate stays PENDING_VALIDATION for MOTO_ACM_VALIDATION_WAIT (60 s)',
    upstream='the CloudFormation model: not reported upstream (getmoto/moto searched 2026-12); the wait is by '
             'design, configurable since getmoto/moto#3843 (MOTO_ACM_VALIDATION_WAIT)',
    install=install,
    probe=probe,
)
