"""The common part of the bridge's own resource models (secrets_manager_secret.py, acm_certificate.py and
unmodelled_placeholders.py)."""
from __future__ import annotations


class ArnModel:
    """Mixed into moto's CloudFormationModel (which finds the types among its direct subclasses only): a resource
    known by its ARN (Ref and physical ID), with the attributes named in ATTRIBUTES (each the ARN too), which
    CloudFormation updates and deletes leave alone. TYPE is the CloudFormation type it models; NAME_TYPE the property
    that names it, if any (moto generates a name there when the template gives none)."""
    TYPE = ''
    NAME_TYPE = ''
    ATTRIBUTES: tuple = ()

    def __init__(self, arn: str):
        self.arn = arn

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.TYPE

    @classmethod
    def cloudformation_name_type(cls) -> str:
        return cls.NAME_TYPE

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.ATTRIBUTES

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name in self.ATTRIBUTES:
            return self.arn
        raise NotImplementedError(f'"Fn::GetAtt" : [ "{{0}}" , "{attribute_name}" ]"')

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json,
                                        account_id, region_name):
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        return None
