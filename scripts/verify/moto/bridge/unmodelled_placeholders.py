"""A resource of a type moto's CloudFormation does not model gets a placeholder, so references to it stay valid.

moto behaviour: for a type it has no model of, moto logs "No Moto CloudFormation support for <type>", creates
nothing, and gives None to every Ref and Fn::GetAtt of it, which makes the resources that refer to it invalid (an IAM
policy without a Resource, "None/*" ARNs).

The patch: such a resource gets a placeholder model (after moto's own line, which stays). As in stock moto nothing is
created and its properties are not evaluated, but Ref gives an ARN-shaped
`arn:aws:<service>:<region>:<account>:moto-skipped/<kind>/<logical id>/not-deployed` and Fn::GetAtt a
`moto-skipped-...` text. ListStackResources shows the placeholder's physical ID; audit.py compares the placeholders'
types with skipped-types.json, so each type moto starts to model shows there as a stale entry.
"""
from __future__ import annotations

from .arn_model import ArnModel
from .patch import Observed, Patch, deploy, log

PLACEHOLDER_MARKER = 'moto-skipped'


def placeholder_model():
    """The stand-in for a resource whose type moto's CloudFormation does not model."""
    from moto.core.common_models import CloudFormationModel

    class SkippedResource(ArnModel, CloudFormationModel):
        # moto files its models by the service in their module's name (moto.<service>....).
        __module__ = 'moto.cloudformation.bridge'

        def __init__(self, resource_type: str, logical_id: str, account_id: str, region_name: str):
            # Shaped like a real ARN, with as many "/" parts as the deepest (a WAFv2 web ACL's
            # global/webacl/<name>/<id>), for templates that Fn::Split and Fn::Select them.
            _, service, kind = resource_type.lower().split('::')
            self.logical_id = logical_id
            self.arn = (f'arn:aws:{service}:{region_name}:{account_id}:'
                        f'{PLACEHOLDER_MARKER}/{kind}/{logical_id}/not-deployed')

        TYPE = 'Moto::Bridge::SkippedResource'

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return True

        def get_cfn_attribute(self, attribute_name: str) -> str:
            if attribute_name == 'Arn':
                return self.arn
            if attribute_name.endswith('Arn'):
                return f'{self.arn}/{attribute_name}'
            return f'{PLACEHOLDER_MARKER}-{self.logical_id}-{attribute_name}'.lower().replace('.', '-')

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name,
                                            **kwargs):
            resource = cls(kwargs['ResourceType'], kwargs['LogicalId'], account_id, region_name)
            log(f'placeholder for {kwargs["LogicalId"]} ({kwargs["ResourceType"]}, not modelled by moto): '
                f'{resource.arn}')
            return resource

    return SkippedResource


def install() -> None:
    """resource_class_from_type answers the placeholder model where moto has none, and parse_resource leaves a
    placeholder's properties alone, as moto does for a type it skips: nothing in them is evaluated."""
    from moto.cloudformation import parsing

    skipped = placeholder_model()
    original_class_from_type = parsing.resource_class_from_type
    original_parse_resource = parsing.parse_resource

    def resource_class_from_type(resource_type: str):
        resource_class = original_class_from_type(resource_type)
        if resource_class is None and resource_type not in parsing.NULL_MODELS:
            return skipped
        return resource_class

    def parse_resource(resource_json, resources_map):
        resource_type = resource_json['Type']
        if resource_class_from_type(resource_type) is skipped:
            return skipped, resource_json, resource_type
        return original_parse_resource(resource_json, resources_map)

    parsing.resource_class_from_type = resource_class_from_type
    parsing.parse_resource = parse_resource


def probe() -> Observed:
    """A web ACL (a type moto does not model) and an SNS topic whose name is built from the ACL's Ref and
    Fn::GetAtt Arn."""
    status, outputs, error = deploy(
        {'Acl': {'Type': 'AWS::WAFv2::WebACL', 'Properties': {
            'Scope': 'REGIONAL', 'DefaultAction': {'Allow': {}},
            'VisibilityConfig': {'SampledRequestsEnabled': False, 'CloudWatchMetricsEnabled': False,
                                 'MetricName': 'probe'}}}},
        {'Ref': {'Ref': 'Acl'}, 'Arn': {'Fn::GetAtt': ['Acl', 'Arn']}})
    values = (outputs.get('Ref'), outputs.get('Arn'))
    as_aws = status == 'CREATE_COMPLETE' and all(v and v.startswith('arn:aws:wafv2:') for v in values)
    return Observed(as_aws, f'{status}: Ref {values[0]!r}, Fn::GetAtt Arn {values[1]!r} {error}'.strip())


PATCH = Patch(
    name='unmodelled-placeholders',
    behaviour='A resource of a type moto does not model is skipped and every Ref and Fn::GetAtt of it is None',
    upstream='by design since getmoto/moto#111 ("If we find a resource in a template that we haven\'t implemented '
             'yet, we just log an error")',
    install=install,
    probe=probe,
)
