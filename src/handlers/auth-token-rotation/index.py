"""Rotates the AUTH token of an ElastiCache (Valkey or Redis OSS) replication group kept in Secrets Manager.

createSecret stores a new token as AWSPENDING; setSecret adds it to the replication group with the ROTATE strategy,
which keeps the current token valid too; testSecret authenticates with it over TLS; finishSecret makes it AWSCURRENT.

ROTATE keeps the two newest tokens: the token before the current one is dropped at each rotation, so clients must
re-read the secret at least once per rotation period.
"""
import logging
import os
import socket
import ssl
import time

import boto3

logger = logging.getLogger()
logger.setLevel(logging.INFO)

REPLICATION_GROUP_ID = os.environ["REPLICATION_GROUP_ID"]
TOKEN_LENGTH = int(os.environ["TOKEN_LENGTH"])
EXCLUDE_CHARACTERS = os.environ["EXCLUDE_CHARACTERS"]
POLL_SECONDS = 15
CONNECT_TIMEOUT_SECONDS = 5

secrets_manager = boto3.client("secretsmanager")
elasticache = boto3.client("elasticache")


def handler(event, context):
    arn = event["SecretId"]
    token = event["ClientRequestToken"]
    step = event["Step"]
    metadata = secrets_manager.describe_secret(SecretId=arn)
    if not metadata.get("RotationEnabled"):
        raise ValueError(f"Rotation is not enabled for {arn}")
    stages = metadata.get("VersionIdsToStages", {})
    if token not in stages:
        raise ValueError(f"Version {token} of {arn} has no stage for rotation")
    if "AWSCURRENT" in stages[token]:
        logger.info("Version %s of %s is already AWSCURRENT", token, arn)
        return
    if "AWSPENDING" not in stages[token]:
        raise ValueError(f"Version {token} of {arn} is not AWSPENDING")
    steps = {
        "createSecret": create_secret,
        "setSecret": set_secret,
        "testSecret": test_secret,
        "finishSecret": finish_secret,
    }
    if step not in steps:
        raise ValueError(f"Unknown rotation step {step}")
    steps[step](arn, token, context)


def create_secret(arn, token, context):
    secrets_manager.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")
    try:
        secrets_manager.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
        logger.info("createSecret: version %s of %s already exists", token, arn)
        return
    except secrets_manager.exceptions.ResourceNotFoundException:
        pass
    password = secrets_manager.get_random_password(
        PasswordLength=TOKEN_LENGTH,
        ExcludeCharacters=EXCLUDE_CHARACTERS,
        RequireEachIncludedType=True,
    )["RandomPassword"]
    secrets_manager.put_secret_value(
        SecretId=arn, ClientRequestToken=token, SecretString=password, VersionStages=["AWSPENDING"],
    )
    logger.info("createSecret: stored version %s of %s as AWSPENDING", token, arn)


def set_secret(arn, token, context):
    pending = pending_token(arn, token)
    group = wait_until_available(context)
    if authenticates(group, pending):
        logger.info("setSecret: %s already accepts version %s", REPLICATION_GROUP_ID, token)
        return
    # ROTATE adds the pending token and keeps the current one valid; the token before it is dropped.
    elasticache.modify_replication_group(
        ReplicationGroupId=REPLICATION_GROUP_ID,
        AuthToken=pending,
        AuthTokenUpdateStrategy="ROTATE",
        ApplyImmediately=True,
    )
    logger.info("setSecret: rotating the AUTH token of %s to version %s", REPLICATION_GROUP_ID, token)
    time.sleep(POLL_SECONDS)
    wait_until_available(context)


def test_secret(arn, token, context):
    group = wait_until_available(context)
    if not authenticates(group, pending_token(arn, token)):
        raise ValueError(f"testSecret: {REPLICATION_GROUP_ID} refuses version {token} of {arn}")
    logger.info("testSecret: %s accepts version %s", REPLICATION_GROUP_ID, token)


def finish_secret(arn, token, context):
    stages = secrets_manager.describe_secret(SecretId=arn)["VersionIdsToStages"]
    current = next((version for version, names in stages.items() if "AWSCURRENT" in names), None)
    if current == token:
        return
    secrets_manager.update_secret_version_stage(
        SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token, RemoveFromVersionId=current,
    )
    logger.info("finishSecret: version %s of %s is AWSCURRENT", token, arn)


def pending_token(arn, token):
    return secrets_manager.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")["SecretString"]


def wait_until_available(context):
    while True:
        group = elasticache.describe_replication_groups(ReplicationGroupId=REPLICATION_GROUP_ID)["ReplicationGroups"][0]
        if group["Status"] == "available" and "AuthTokenStatus" not in group.get("PendingModifiedValues", {}):
            return group
        if context.get_remaining_time_in_millis() < (POLL_SECONDS + 3 * CONNECT_TIMEOUT_SECONDS) * 1000:
            raise TimeoutError(f"{REPLICATION_GROUP_ID} is still {group['Status']}; Secrets Manager retries this step")
        time.sleep(POLL_SECONDS)


def authenticates(group, password):
    endpoint = group["ConfigurationEndpoint"]
    host, port = endpoint["Address"], endpoint["Port"]
    context = ssl.create_default_context()
    with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_SECONDS) as raw:
        with context.wrap_socket(raw, server_hostname=host) as connection:
            connection.sendall(command("AUTH", password))
            reply = read_line(connection)
    if reply.startswith(b"+OK"):
        return True
    if reply.startswith(b"-"):
        logger.info("AUTH refused by %s:%s: %s", host, port, reply.split(b" ", 1)[0].decode(errors="replace"))
        return False
    raise ValueError(f"Unexpected reply to AUTH from {host}:{port}")


def command(*arguments):
    encoded = [argument.encode() for argument in arguments]
    return b"*%d\r\n" % len(encoded) + b"".join(b"$%d\r\n%s\r\n" % (len(part), part) for part in encoded)


def read_line(connection):
    data = b""
    while not data.endswith(b"\r\n"):
        chunk = connection.recv(256)
        if not chunk:
            break
        data += chunk
    return data
