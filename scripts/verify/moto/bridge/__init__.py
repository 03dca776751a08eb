"""The moto bridge: the patches that let a CDK deployment run against moto's server without Docker.

One module a patch, each with the moto behaviour it works around, the upstream issue, the change, and a probe that
shows the behaviour (see patch.py). PATCHES is their order of installation, which matters in two places: the model
fixes and the bridge's own models go in before unmodelled_placeholders.py takes every type still without a model, and
dynamic_references.py wraps moto's parse_resource before unmodelled_placeholders.py wraps it again (a placeholder's
properties are not evaluated, so not resolved either).
"""
from __future__ import annotations

from . import (acm_certificate, bucket_deployment_invalidation, custom_resource_handlers, custom_resource_properties,
               dynamic_references, ec2_ingress_prefix_list, ec2_route_table_association, elbv2_attributes,
               lambda_layers, rds_adjacent_windows, rds_instance_properties, s3_bucket_versioning,
               secrets_manager_secret, template_url_host, unmodelled_placeholders)
from .patch import Patch, log

PATCHES: list[Patch] = [module.PATCH for module in (
    custom_resource_handlers,
    custom_resource_properties,
    bucket_deployment_invalidation,
    ec2_ingress_prefix_list,
    ec2_route_table_association,
    rds_instance_properties,
    rds_adjacent_windows,
    s3_bucket_versioning,
    lambda_layers,
    elbv2_attributes,
    secrets_manager_secret,
    acm_certificate,
    dynamic_references,
    unmodelled_placeholders,
    template_url_host,
)]


class PatchInstallError(RuntimeError):
    pass


def install_all() -> None:
    """Installs every patch, in order; one that no longer fits moto's code (after an upgrade) fails naming itself."""
    import moto

    for patch in PATCHES:
        if patch.install is None:
            continue
        try:
            patch.install()
        except Exception as err:
            raise PatchInstallError(
                f'moto-bridge patch {patch.name} does not install on moto {moto.__version__}: {err!r}. See '
                f'scripts/verify/moto/bridge/{patch.name.replace("-", "_")}.py for what it changes.') from err
    log(f'{sum(1 for p in PATCHES if p.install)} patches installed on moto {moto.__version__}: '
        f'{", ".join(p.name for p in PATCHES if p.install)}')
