"""ClientSettings.from_config: precedence, validation messages, secrecy."""

from __future__ import annotations

import pytest
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.config import ClientSettings
from pulumi_tencentchat.errors import ConfigError

SECRET = "config-secret-value-123456"
SIG = "config-usersig-value-abcdef"
BASE = {
    "tencentchat:sdkAppId": "1400000000",
    "tencentchat:secretKey": SECRET,
    "tencentchat:region": "singapore",
}


def load(config: dict[str, str], env: dict[str, str] | None = None) -> ClientSettings:
    return ClientSettings.from_config(config.get, env or {})


def test_reads_every_key() -> None:
    s = load({
        **BASE,
        "tencentchat:identifier": "ops-admin",
        "tencentchat:requestsPerSecond": "20",
        "tencentchat:connectTimeout": "2",
        "tencentchat:readTimeout": "7.5",
        "tencentchat:operationTimeout": "90",
    })
    assert s.sdkappid == 1400000000 and s.identifier == "ops-admin"
    assert s.secret_key is not None and s.secret_key.get_secret_value() == SECRET
    assert (s.requests_per_second, s.connect_timeout, s.read_timeout, s.operation_timeout) == (
        20.0, 2.0, 7.5, 90.0,
    )
    client = TencentChatClient.from_settings(s)
    assert client.host == "adminapisgp.im.qcloud.com"
    assert client._limiter.rate == 20.0  # the configured rate, not DEFAULT_RATE, paces calls
    assert client.retry_policy.deadline == 90.0 and client.retry_policy.read_timeout == 7.5


def test_defaults() -> None:
    s = load(BASE)
    assert s.identifier == "administrator" and s.requests_per_second == 50
    assert (s.connect_timeout, s.read_timeout, s.operation_timeout) == (5, 30, 60)


def test_env_overrides_config() -> None:
    s = load(BASE, {"TENCENTCHAT_SDKAPPID": "1400000009", "TENCENTCHAT_IDENTIFIER": "root",
                    "TENCENTCHAT_SECRET_KEY": "rotated-key-0000"})
    assert s.sdkappid == 1400000009 and s.identifier == "root"
    assert s.secret_key is not None and s.secret_key.get_secret_value() == "rotated-key-0000"


def test_env_credential_of_other_kind_wins() -> None:
    s = load(BASE, {"TENCENTCHAT_USERSIG": SIG})
    assert s.secret_key is None and s.usersig is not None
    s = load({**BASE, "tencentchat:secretKey": "", "tencentchat:userSig": SIG},
             {"TENCENTCHAT_SECRET_KEY": SECRET})
    assert s.usersig is None and s.secret_key is not None


def test_env_endpoint_replaces_config_region() -> None:
    s = load(BASE, {"TENCENTCHAT_ENDPOINT": "http://127.0.0.1:9999"})
    assert s.region is None and s.endpoint == "http://127.0.0.1:9999"
    s = load({**BASE, "tencentchat:region": "", "tencentchat:endpoint": "https://x.example"},
             {"TENCENTCHAT_REGION": "tokyo"})
    assert s.endpoint is None and s.region == "tokyo"


@pytest.mark.parametrize(
    ("config", "needles"),
    [
        ({}, ["tencentchat:sdkAppId is not set",
              "`pulumi config set tencentchat:sdkAppId <SDKAppID>`", "TENCENTCHAT_SDKAPPID"]),
        ({**BASE, "tencentchat:sdkAppId": "abc"},
         ["tencentchat:sdkAppId must be a number", "pulumi config set tencentchat:sdkAppId"]),
        ({**BASE, "tencentchat:sdkAppId": "-5"},
         ["tencentchat:sdkAppId must be a positive integer"]),
        ({k: v for k, v in BASE.items() if k != "tencentchat:secretKey"},
         ["tencentchat:secretKey", "`pulumi config set --secret tencentchat:secretKey <key>`",
          "TENCENTCHAT_SECRET_KEY", "tencentchat:userSig"]),
        ({**BASE, "tencentchat:userSig": SIG}, ["exactly one of tencentchat:secretKey", "both"]),
        ({k: v for k, v in BASE.items() if k != "tencentchat:region"},
         ["tencentchat:region", "pulumi config set tencentchat:region", "TENCENTCHAT_REGION",
          "tencentchat:endpoint"]),
        ({**BASE, "tencentchat:region": "mars"},
         ["tencentchat:region", "'mars'", "china, singapore, seoul, tokyo, frankfurt",
          "pulumi config set tencentchat:region"]),
        ({**BASE, "tencentchat:region": "", "tencentchat:endpoint": "http://chat.example.com"},
         ["tencentchat:endpoint", "https", "loopback", "pulumi config set tencentchat:endpoint"]),
        ({**BASE, "tencentchat:requestsPerSecond": "500"},
         ["tencentchat:requestsPerSecond", "at most 200",
          "pulumi config set tencentchat:requestsPerSecond"]),
        ({**BASE, "tencentchat:requestsPerSecond": "0"}, ["tencentchat:requestsPerSecond"]),
        ({**BASE, "tencentchat:requestsPerSecond": "fast"},
         ["tencentchat:requestsPerSecond must be a number"]),
        ({**BASE, "tencentchat:readTimeout": "-1"},
         ["tencentchat:readTimeout", "pulumi config set tencentchat:readTimeout"]),
        ({**BASE, "tencentchat:operationTimeout": "nan"}, ["tencentchat:operationTimeout"]),
        ({**BASE, "tencentchat:identifier": "x" * 40}, ["tencentchat:identifier"]),
    ],
)
def test_bad_settings_name_key_and_command(config: dict[str, str], needles: list[str]) -> None:
    with pytest.raises(ConfigError) as info:
        load(config)
    text = str(info.value)
    for needle in needles:
        assert needle in text
    assert SECRET not in text and SIG not in text


def test_secret_never_in_repr_or_messages() -> None:
    s = load(BASE)
    assert SECRET not in repr(s) and SECRET not in str(s)
    assert SECRET not in repr(TencentChatClient.from_settings(s))
    with pytest.raises(ConfigError) as info:
        ClientSettings(sdkappid="oops", secret_key=SECRET, region="china")
    assert SECRET not in str(info.value) and "tencentchat:sdkAppId" in str(info.value)


def test_settings_are_frozen() -> None:
    s = load(BASE)
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen error type
        s.sdkappid = 1  # type: ignore[misc]


def test_no_tencentchat_key_at_all_points_at_the_cli_version() -> None:
    # Before CLI 3.139 a Python dynamic provider received no stack config at all.
    with pytest.raises(ConfigError) as info:
        load({"tencentchat-community:groupId": "@TGS#_dev"})
    assert "Pulumi CLI" in str(info.value) and "3.139.0" in str(info.value)
    with pytest.raises(ConfigError) as partly:
        load({"tencentchat:region": "singapore"})  # config arrived, the key is just missing
    assert "3.139" not in str(partly.value)


def test_settings_and_client_share_their_defaults() -> None:
    s = ClientSettings(sdkappid=1400000000, secret_key=SECRET, region="singapore")
    from_settings = TencentChatClient.from_settings(s)
    direct = TencentChatClient(1400000000, secret_key=SECRET, region="singapore")
    assert from_settings.identifier == direct.identifier == "administrator"
    policies = from_settings.retry_policy, direct.retry_policy
    fields = ("max_attempts", "deadline", "connect_timeout", "read_timeout")
    assert [getattr(policies[0], f) for f in fields] == [getattr(policies[1], f) for f in fields]
    assert [getattr(policies[0], f) for f in fields] == [6, 60.0, 5.0, 30.0]
    assert (s.requests_per_second, direct._limiter.rate) == (50.0, 50.0)


def test_from_settings_overrides_replace_keyword_arguments() -> None:
    client = TencentChatClient.from_settings(load(BASE), identifier="other-admin", deadline=5)
    assert client.identifier == "other-admin" and client.retry_policy.deadline == 5
