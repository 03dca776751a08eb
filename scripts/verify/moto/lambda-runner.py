#!/usr/bin/env python3
"""Runs one Python Lambda handler once, outside Docker, for server.py's custom resource bridge.

  python lambda-runner.py <code directory> <layers directory> <handler, e.g. index.handler>  < event.json

The Python counterpart of lambda-runner.js. The code directory is the function's unpacked deployment package (Lambda's
/var/task, first on sys.path); the layers directory holds the function's layers unpacked in order, as Lambda mounts
them at /opt. Lambda code finds its layers by their absolute /opt paths (aws-cdk-lib's BucketDeployment handler runs
`/opt/awscli/aws`, the AWS CLI v1 of its AwsCliLayer): every command this process starts whose program is under /opt/
is started from the layers directory instead, and, as its `#!/var/lang/bin/python` line (Lambda's Python) cannot run
here, with this Python (sys.executable). Nothing else of the handler is changed.

The event's ResponseURL points at MOTO_BRIDGE_RESPONSE_HOST (a name that cannot resolve): a request to that host
through urllib.request.urlopen (what the handlers of aws-cdk-lib use) is kept here instead of being sent, and the last
body sent there (the CloudFormation custom resource response) is printed on stdout as the single line
`{"response": <body>}`. Everything the handler and its commands log goes to stderr. boto3, botocore and the AWS CLI
reach moto through AWS_ENDPOINT_URL (set by server.py).
"""
from __future__ import annotations

import importlib
import json
import logging
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from typing import Any

LAMBDA_OPT = '/opt/'


def main() -> int:
    code, layers, handler_name = sys.argv[1:4]
    event = json.load(sys.stdin)
    response_host = os.environ.get('MOTO_BRIDGE_RESPONSE_HOST', '')
    sent: list[str] = []

    # Lambda's Python runtime gives the root logger a handler; the handlers only set its level.
    logging.basicConfig(stream=sys.stderr, format='%(levelname)s %(message)s')

    class OptPopen(subprocess.Popen):
        """subprocess.Popen with /opt/... programs taken from the layers directory, run by this Python."""

        def __init__(self, args: Any, *rest: Any, **kwargs: Any) -> None:
            if isinstance(args, (list, tuple)) and args and str(args[0]).startswith(LAMBDA_OPT):
                program = os.path.join(layers, str(args[0])[len(LAMBDA_OPT):])
                sys.stderr.write(f'[lambda-runner.py] {args[0]} -> {sys.executable} {program}\n')
                args = [sys.executable, program, *args[1:]]
            # The commands' output joins the handler's log (stdout carries only the response line).
            if kwargs.get('stdout') is None and not rest:
                kwargs['stdout'] = sys.stderr
            super().__init__(args, *rest, **kwargs)

    subprocess.Popen = OptPopen  # type: ignore[misc]

    original_urlopen = urllib.request.urlopen

    class Response:
        status = 200
        reason = 'OK'

        def read(self, *_: Any) -> bytes:
            return b''

        def close(self) -> None:
            pass

        def __enter__(self) -> 'Response':
            return self

        def __exit__(self, *_: Any) -> None:
            pass

    def urlopen(request: Any, *args: Any, **kwargs: Any) -> Any:
        url = request.full_url if isinstance(request, urllib.request.Request) else str(request)
        if response_host and urllib.request.urlparse(url).hostname == response_host:
            data = request.data if isinstance(request, urllib.request.Request) else kwargs.get('data')
            sent.append((data or b'').decode('utf-8'))
            return Response()
        return original_urlopen(request, *args, **kwargs)

    urllib.request.urlopen = urlopen  # before the handler's module binds it (from urllib.request import urlopen)

    sys.path.insert(0, code)
    module_name, function_name = handler_name.rsplit('.', 1)
    handler = getattr(importlib.import_module(module_name), function_name)

    timeout = int(os.environ.get('AWS_LAMBDA_FUNCTION_TIMEOUT', '300'))
    deadline = time.time() + timeout

    class Context:
        function_name = os.environ.get('AWS_LAMBDA_FUNCTION_NAME', '')
        function_version = '$LATEST'
        invoked_function_arn = os.environ.get('MOTO_BRIDGE_FUNCTION_ARN', '')
        memory_limit_in_mb = os.environ.get('AWS_LAMBDA_FUNCTION_MEMORY_SIZE', '128')
        aws_request_id = str(uuid.uuid4())
        log_group_name = f'/aws/lambda/{function_name}'
        log_stream_name = f'moto-bridge/{aws_request_id}'

        @staticmethod
        def get_remaining_time_in_millis() -> int:
            return max(0, int((deadline - time.time()) * 1000))

    result = handler(event, Context())
    if response_host:
        if not sent:
            sys.stderr.write('[lambda-runner.py] the handler sent no response\n')
            return 1
        print(json.dumps({'response': json.loads(sent[-1])}))
    else:
        print(json.dumps({'result': result}, default=str))
    return 0


if __name__ == '__main__':
    sys.exit(main())
