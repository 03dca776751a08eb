#!/usr/bin/env python3
"""moto's server (same arguments as `moto_server`), changed only where a CDK deployment without Docker needs it.

moto's CloudFormation (the version pinned in deploy.sh) skips resource types it does not model, hands custom
resources to Lambda code it cannot run without Docker, and has a few bugs that turn a valid template into an HTTP 500
(which the CLI's SDK retries, and the retried ExecuteChangeSet then "succeeds" with the rest of the stack missing).
Each change is a patch in bridge/, one module each, with the moto behaviour it works around, the upstream issue it
corresponds to, and a probe that shows the behaviour: `npx projen verify:moto:patches` (probe.py) runs every probe
against stock moto and against the bridged one, so a moto upgrade is a known, small task. Each patch logs what it does
on stderr as `moto-bridge: ...` lines, so the server log shows it; audit.py reads them.

The Lambda API stays moto's Docker-less one (lambda.use_docker false: Invoke does not run code); custom resources run
their handlers through the bridge (bridge/custom_resource_handlers.py, which lists its environment variables).
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bridge import install_all  # noqa: E402
from bridge.custom_resource_handlers import PYTHON_RUNNER, RUNNER  # noqa: E402


def main() -> None:
    from moto.core.models import default_user_config

    default_user_config.setdefault('lambda', {})['use_docker'] = False
    install_all()
    from bridge.patch import log
    log(f'custom resources run through {RUNNER} (NODE_PATH={os.environ.get("MOTO_BRIDGE_NODE_PATH", "")}) and '
        f'{PYTHON_RUNNER} (Python {os.environ.get("MOTO_BRIDGE_PYTHON") or sys.executable})')

    from moto.server import main as moto_main
    moto_main(sys.argv[1:])


if __name__ == '__main__':
    main()
