"""The AUTH token rotation function (src/handlers/auth-token-rotation/index.py), imported with fake Secrets Manager and
ElastiCache clients that keep state the way the services do, and a fake TLS connection to the cache."""
import importlib.util
import pathlib

import pytest

HANDLER = pathlib.Path(__file__).resolve().parents[3] / "src" / "handlers" / "auth-token-rotation" / "index.py"
SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:auth-AbCdEf"
GROUP = "cache-rg"
OLD = "o" * 64
# What ElastiCache refuses in an AUTH token (the construct's AUTH_TOKEN_EXCLUDED_CHARACTERS).
EXCLUDED = "\"%'()*+,./:;=?@[\\]_`{|}~"


class ResourceNotFoundException(Exception):
    pass


class FakeSecretsManager:
    """Versions and their stages, as Secrets Manager keeps them; a version may be staged before it has a value."""

    class exceptions:  # noqa: N801 - the shape of a boto3 client
        ResourceNotFoundException = ResourceNotFoundException

    def __init__(self):
        self.rotation_enabled = True
        self.versions = {"v1": {"value": OLD, "stages": ["AWSCURRENT"]}}
        self.calls = []

    def describe_secret(self, SecretId):
        self.calls.append("describe_secret")
        return {
            "RotationEnabled": self.rotation_enabled,
            "VersionIdsToStages": {v: list(version["stages"]) for v, version in self.versions.items()},
        }

    def get_secret_value(self, SecretId, VersionStage, VersionId=None):
        self.calls.append("get_secret_value")
        found = [v for v, version in self.versions.items()
                 if (VersionId is None or v == VersionId) and VersionStage in version["stages"]]
        if not found or self.versions[found[0]]["value"] is None:
            raise ResourceNotFoundException(f"no {VersionStage} value")
        return {"SecretString": self.versions[found[0]]["value"]}

    def get_random_password(self, PasswordLength, ExcludeCharacters, RequireEachIncludedType):
        self.calls.append("get_random_password")
        assert RequireEachIncludedType is True
        allowed = [chr(c) for c in range(33, 127) if chr(c) not in ExcludeCharacters]
        return {"RandomPassword": "".join(allowed[i % len(allowed)] for i in range(PasswordLength))}

    def put_secret_value(self, SecretId, ClientRequestToken, SecretString, VersionStages):
        self.calls.append("put_secret_value")
        self.versions[ClientRequestToken] = {"value": SecretString, "stages": list(VersionStages)}

    def update_secret_version_stage(self, SecretId, VersionStage, MoveToVersionId, RemoveFromVersionId):
        self.calls.append("update_secret_version_stage")
        self.versions[RemoveFromVersionId]["stages"].remove(VersionStage)
        self.versions[RemoveFromVersionId]["stages"].append("AWSPREVIOUS")
        self.versions[MoveToVersionId]["stages"] = [VersionStage]


class FakeElastiCache:
    """One replication group: the tokens it accepts, and the statuses it reports on each describe call."""

    def __init__(self):
        self.accepted = [OLD]
        self.statuses = ["available"]
        self.modifications = []

    def describe_replication_groups(self, ReplicationGroupId):
        assert ReplicationGroupId == GROUP
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        pending = {"AuthTokenStatus": "ROTATING"} if status == "modifying" else {}
        return {"ReplicationGroups": [{
            "Status": status, "PendingModifiedValues": pending,
            "ConfigurationEndpoint": {"Address": "clustercfg.cache-rg.example.com", "Port": 6379},
        }]}

    def modify_replication_group(self, **request):
        self.modifications.append(request)
        # ROTATE keeps the two newest tokens.
        self.accepted = [*self.accepted, request["AuthToken"]][-2:]
        self.statuses = ["modifying", "available"]


class Context:
    def __init__(self, remaining_millis=600_000):
        self.remaining_millis = remaining_millis

    def get_remaining_time_in_millis(self):
        return self.remaining_millis


@pytest.fixture
def environment(monkeypatch):
    """The environment the construct gives the function."""
    monkeypatch.setenv("REPLICATION_GROUP_ID", GROUP)
    monkeypatch.setenv("TOKEN_LENGTH", "64")
    monkeypatch.setenv("EXCLUDE_CHARACTERS", EXCLUDED)
    # boto3 creates its clients when the module loads, as in Lambda: a region and no credentials lookup.
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")


def load():
    """The handler's module, loaded afresh from its file."""
    spec = importlib.util.spec_from_file_location("auth_token_rotation", HANDLER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def rotation(environment, monkeypatch):
    """The handler with fake Secrets Manager and ElastiCache clients; a token works if the group accepts it."""
    module = load()
    module.secrets_manager = FakeSecretsManager()
    module.elasticache = FakeElastiCache()
    module.authenticates = lambda group, password: password in module.elasticache.accepted
    monkeypatch.setattr(module.time, "sleep", lambda seconds: None)
    return module


def run(module, step, token="v2", context=None):
    return module.handler({"SecretId": SECRET, "ClientRequestToken": token, "Step": step}, context or Context())


def start_rotation(module):
    """Runs createSecret as Secrets Manager does: with the new version already staged AWSPENDING, without a value."""
    module.secrets_manager.versions["v2"] = {"value": None, "stages": ["AWSPENDING"]}
    run(module, "createSecret")
    return module.secrets_manager.versions["v2"]["value"]


def test_create_secret_stores_a_token_elasticache_accepts_as_awspending_once(rotation):
    pending = start_rotation(rotation)
    assert len(pending) == 64
    assert not set(pending) & set(EXCLUDED + " ")
    run(rotation, "createSecret")
    assert rotation.secrets_manager.versions["v2"]["value"] == pending
    assert rotation.secrets_manager.calls.count("put_secret_value") == 1


def test_a_whole_rotation_rotate_keeps_the_current_token_valid_until_the_new_one_is_current(rotation):
    pending = start_rotation(rotation)

    run(rotation, "setSecret")
    assert rotation.elasticache.modifications == [{
        "ReplicationGroupId": GROUP, "AuthToken": pending, "AuthTokenUpdateStrategy": "ROTATE", "ApplyImmediately": True,
    }]
    assert rotation.elasticache.accepted == [OLD, pending]
    assert rotation.secrets_manager.versions["v1"]["stages"] == ["AWSCURRENT"]

    run(rotation, "testSecret")
    run(rotation, "finishSecret")
    assert rotation.secrets_manager.versions["v2"]["stages"] == ["AWSCURRENT"]
    assert rotation.secrets_manager.versions["v1"]["stages"] == ["AWSPREVIOUS"]


def test_set_secret_does_nothing_when_the_group_already_accepts_the_new_token(rotation):
    pending = start_rotation(rotation)
    rotation.elasticache.accepted = [OLD, pending]
    run(rotation, "setSecret")
    assert rotation.elasticache.modifications == []


def test_test_secret_fails_when_the_group_refuses_the_new_token(rotation):
    start_rotation(rotation)
    with pytest.raises(ValueError, match=f"testSecret: {GROUP} refuses version v2 of {SECRET}"):
        run(rotation, "testSecret")


def test_a_step_gives_up_before_the_function_times_out_while_the_group_is_modifying(rotation):
    start_rotation(rotation)
    rotation.elasticache.statuses = ["modifying"]
    with pytest.raises(TimeoutError, match=f"{GROUP} is still modifying; Secrets Manager retries this step"):
        run(rotation, "setSecret", context=Context(remaining_millis=20_000))
    assert rotation.elasticache.modifications == []


def test_a_version_already_current_is_left_alone(rotation):
    rotation.secrets_manager.versions["v2"] = {"value": "new", "stages": ["AWSCURRENT"]}
    rotation.secrets_manager.versions["v1"]["stages"] = ["AWSPREVIOUS"]
    run(rotation, "finishSecret")
    assert "update_secret_version_stage" not in rotation.secrets_manager.calls


@pytest.mark.parametrize("change, message", [
    (lambda sm: setattr(sm, "rotation_enabled", False), f"Rotation is not enabled for {SECRET}"),
    (lambda sm: sm.versions.pop("v2"), f"Version v2 of {SECRET} has no stage for rotation"),
    (lambda sm: sm.versions["v2"].update(stages=["AWSPREVIOUS"]), f"Version v2 of {SECRET} is not AWSPENDING"),
])
def test_it_refuses_a_secret_without_rotation_and_a_version_not_pending(rotation, change, message):
    rotation.secrets_manager.versions["v2"] = {"value": "x", "stages": ["AWSPENDING"]}
    change(rotation.secrets_manager)
    with pytest.raises(ValueError, match=message):
        run(rotation, "createSecret")


def test_it_refuses_an_unknown_step(rotation):
    rotation.secrets_manager.versions["v2"] = {"value": "x", "stages": ["AWSPENDING"]}
    with pytest.raises(ValueError, match="Unknown rotation step rotate"):
        run(rotation, "rotate")


def test_command_is_a_resp_array_of_bulk_strings(rotation):
    assert rotation.command("AUTH", "s3cr3t") == b"*2\r\n$4\r\nAUTH\r\n$6\r\ns3cr3t\r\n"


class FakeConnection:
    """A TLS connection to the cache that answers AUTH with `reply`, in small chunks."""

    def __init__(self, reply):
        self.reply = reply
        self.sent = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def sendall(self, data):
        self.sent += data

    def recv(self, size):
        chunk, self.reply = self.reply[:3], self.reply[3:]
        return chunk


@pytest.mark.parametrize("reply, accepted", [
    (b"+OK\r\n", True),
    (b"-WRONGPASS invalid username-password pair or user is disabled.\r\n", False),
])
def test_authenticates_sends_auth_over_tls_to_the_configuration_endpoint(environment, monkeypatch, reply, accepted):
    connection = FakeConnection(reply)
    opened = []

    class FakeContext:
        def wrap_socket(self, raw, server_hostname):
            opened.append(server_hostname)
            return connection

    def create_connection(address, timeout):
        opened.append((address, timeout))
        return FakeConnection(b"")

    module = load()
    monkeypatch.setattr(module.socket, "create_connection", create_connection)
    monkeypatch.setattr(module.ssl, "create_default_context", lambda: FakeContext())
    group = FakeElastiCache().describe_replication_groups(ReplicationGroupId=GROUP)["ReplicationGroups"][0]
    assert module.authenticates(group, "s3cr3t") is accepted
    assert opened == [(("clustercfg.cache-rg.example.com", 6379), 5), "clustercfg.cache-rg.example.com"]
    assert connection.sent == b"*2\r\n$4\r\nAUTH\r\n$6\r\ns3cr3t\r\n"


def test_authenticates_refuses_a_reply_it_does_not_understand(environment, monkeypatch):
    class FakeContext:
        def wrap_socket(self, raw, server_hostname):
            return FakeConnection(b"$3\r\n")

    module = load()
    monkeypatch.setattr(module.socket, "create_connection", lambda address, timeout: FakeConnection(b""))
    monkeypatch.setattr(module.ssl, "create_default_context", lambda: FakeContext())
    group = FakeElastiCache().describe_replication_groups(ReplicationGroupId=GROUP)["ReplicationGroups"][0]
    with pytest.raises(ValueError, match="Unexpected reply to AUTH from clustercfg.cache-rg.example.com:6379"):
        module.authenticates(group, "s3cr3t")


def test_the_handler_uses_the_default_tls_context_and_no_third_party_package():
    source = HANDLER.read_text()
    assert "ssl.create_default_context()" in source
    imports = {line.split()[1] for line in source.splitlines() if line.startswith(("import ", "from "))}
    assert imports == {"logging", "os", "socket", "ssl", "time", "boto3"}
