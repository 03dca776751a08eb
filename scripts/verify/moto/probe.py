#!/usr/bin/env python3
"""Runs every bridge patch's probe against stock moto and against the bridged moto, and says which patches moto
still needs. The task `verify:moto:patches` (with the moto venv of deploy.sh); for a moto upgrade:

  .venv-moto/bin/pip install 'moto[server]==<new>' && .venv-moto/bin/python scripts/verify/moto/probe.py

Each probe is a small deployment under moto's mock_aws (in-process, a fresh backend each): see bridge/patch.py. The
two modes run in two processes, since a patch changes moto for the whole process. Exit status 0 when, for every
patch, stock moto still shows the behaviour the patch is for and the bridged moto does what AWS does (or, for a patch
that works around a gap it cannot fill, still shows the gap); 1 otherwise, with what to do: delete a patch moto no
longer needs (a dead patch hides nothing, but is code to keep), repair one whose bridged probe fails.

  probe.py [--mode stock|bridged]   one mode only, as JSON lines (what the two child processes run)
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def run_mode(mode: str) -> None:
    os.environ.update({'AWS_ACCESS_KEY_ID': 'testing', 'AWS_SECRET_ACCESS_KEY': 'testing',
                       'AWS_DEFAULT_REGION': 'us-east-1'})
    os.environ.pop('AWS_ENDPOINT_URL', None)
    warnings.simplefilter('ignore')
    import logging
    logging.disable(logging.CRITICAL)  # moto's "No Moto CloudFormation support" lines: the probes say it
    from moto import mock_aws
    from moto.core.models import default_user_config

    from bridge import PATCHES, install_all
    from bridge.patch import Observed
    if mode == 'bridged':
        default_user_config.setdefault('lambda', {})['use_docker'] = False
        install_all()
    for patch in PATCHES:
        started = time.time()
        try:
            with mock_aws():
                observed = patch.probe()
        except Exception as err:  # noqa: BLE001 - a probe that cannot run is a finding, not a crash of the report
            observed = Observed(False, f'the probe itself failed: {type(err).__name__}: {err}'[:300])
        print(json.dumps({'name': patch.name, 'as_aws': observed.as_aws, 'what': observed.what,
                          'seconds': round(time.time() - started, 2)}), flush=True)


def child(mode: str) -> dict[str, dict]:
    completed = subprocess.run([sys.executable, os.path.abspath(__file__), '--mode', mode],
                               capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        sys.exit(f'probe.py --mode {mode} failed (exit {completed.returncode})')
    results = [json.loads(line) for line in completed.stdout.splitlines() if line.startswith('{')]
    return {r['name']: r for r in results}


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == '--mode':
        run_mode(sys.argv[2])
        return 0
    import moto

    from bridge import PATCHES
    started = time.time()
    stock, bridged = child('stock'), child('bridged')
    print(f'moto {moto.__version__}: {len(PATCHES)} patches of scripts/verify/moto/bridge/, each probe run against '
          'stock moto and against the bridged moto')
    problems = []
    for patch in PATCHES:
        before, after = stock[patch.name], bridged[patch.name]
        fills = patch.fills and patch.install is not None
        if before['as_aws']:
            verdict = 'FIXED UPSTREAM: delete the patch'
            problems.append(f'{patch.name}: stock moto {moto.__version__} does what AWS does ({before["what"]}); '
                            'the patch is no longer needed')
        elif fills and not after['as_aws']:
            verdict = 'BROKEN: the bridged probe fails'
            problems.append(f'{patch.name}: with the bridge, {after["what"]}')
        else:
            verdict = 'needed' if fills else 'needed (works around a gap it cannot fill)'
        print(f'\n{patch.name}: {verdict}')
        print(f'  behaviour: {patch.behaviour}')
        print(f'  upstream:  {patch.upstream}')
        print(f'  stock:     {before["what"]}')
        print(f'  bridged:   {after["what"]}' if patch.install else '  bridged:   (the workaround is outside the '
              'server process)')
    needed = len(PATCHES) - len(problems)
    print(f'\n{needed} of {len(PATCHES)} patches needed and working on moto {moto.__version__}; '
          f'{len(problems)} to act on; {time.time() - started:.1f} s')
    for problem in problems:
        print(f'FAILED: {problem}')
    if not problems:
        print('PASS: every patch is still needed, and works')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
