"""Errors raised to the engine (resource named, Tencent code, no secrets) and shared-client use
from the host's 4 worker threads."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.resources import _runtime
from pulumi_tencentchat.resources._base import ProviderError
from pulumi_tencentchat.resources.permission_group import PermissionGroupProvider
from pulumi_tencentchat.resources.permission_group_members import (
    PermissionGroupMembersProvider,
)
from pulumi_tencentchat.resources.topic_permission import TopicPermissionProvider
from tencentchat_emulator.usersig import generate_usersig

from tests.resources.conftest import Calls, Community, config_getter
from tests.resources.helpers import GROUP_ID, TOPIC_GENERAL, checked, next_deployment, pg_news
from tests.support.emulator import DEV_ADMIN, DEV_SDKAPPID, DEV_SECRET_KEY, EmulatorProcess

WRONG_KEY = "not-the-emulator-key-0123456789abcdef"
PG = "@PMG#_admins"


def full_text(exc: BaseException) -> str:
    """Everything the engine would show: the message and the formatted traceback."""
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def secrets_of_runtime_client() -> tuple[str, ...]:
    """The key and every UserSig the runtime's client has used."""
    return _runtime.client()._sigs.secrets()  # noqa: SLF001 - test needs the real values


@pytest.fixture
def wrong_key(community: Community, emulator: EmulatorProcess) -> Iterator[None]:
    """The runtime reconfigured with a key the emulator does not accept."""
    _runtime.configure(config_getter(emulator.url, secret_key=WRONG_KEY), environ={})
    yield


@pytest.fixture
def existing(community: Community, raw: TencentChatClient) -> None:
    raw.create_permission_group(GROUP_ID, "Admins", permission=39, permission_group_id=PG)
    raw.add_topic_permissions(GROUP_ID, PG, {TOPIC_GENERAL: 8})
    raw.add_permission_group_members(GROUP_ID, PG, ["alice"])


PG_PROPS = {"group_id": GROUP_ID, "permission_group_id": PG, "name": "Admins",
            "permission": 39, "custom_string": "", "adopt_existing": False, "member_count": 0}
TP_PROPS = {"group_id": GROUP_ID, "permission_group_id": PG, "topic_id": TOPIC_GENERAL,
            "permission": 8}
M_PROPS = {"group_id": GROUP_ID, "permission_group_id": PG, "members": ["alice"]}

OPERATIONS: dict[str, Callable[[], Any]] = {
    "PermissionGroup create": lambda: PermissionGroupProvider().create(
        {**PG_PROPS, "permission_group_id": "@PMG#_new"}),
    "PermissionGroup read": lambda: PermissionGroupProvider().read("x", PG_PROPS),
    "PermissionGroup update": lambda: PermissionGroupProvider().update(
        "x", PG_PROPS, {**PG_PROPS, "name": "New"}),
    "PermissionGroup delete": lambda: PermissionGroupProvider().delete("x", PG_PROPS),
    "TopicPermission create": lambda: TopicPermissionProvider().create(TP_PROPS),
    "TopicPermission read": lambda: TopicPermissionProvider().read("x", TP_PROPS),
    "TopicPermission update": lambda: TopicPermissionProvider().update(
        "x", TP_PROPS, {**TP_PROPS, "permission": 9}),
    "TopicPermission delete": lambda: TopicPermissionProvider().delete("x", TP_PROPS),
    "PermissionGroupMembers create": lambda: PermissionGroupMembersProvider().create(
        {**M_PROPS, "members": ["bob"]}),
    "PermissionGroupMembers read": lambda: PermissionGroupMembersProvider().read("x", M_PROPS),
    "PermissionGroupMembers update": lambda: PermissionGroupMembersProvider().update(
        "x", M_PROPS, {**M_PROPS, "members": ["bob"]}),
    "PermissionGroupMembers delete": lambda: PermissionGroupMembersProvider().delete(
        "x", M_PROPS),
}
IDENT = {"PermissionGroup": f"{PG} in community {GROUP_ID}",
         "TopicPermission": f"{TOPIC_GENERAL} of permission group {PG}",
         "PermissionGroupMembers": f"members of permission group {PG} in community {GROUP_ID}"}


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_auth_error_names_resource_and_code_without_secrets(
        operation: str, existing: None, wrong_key: None, raw: TencentChatClient) -> None:
    kind, action = operation.split()
    with pytest.raises(ProviderError) as info:
        OPERATIONS[operation]()
    text = str(info.value)
    ident = IDENT[kind]
    if operation == "PermissionGroup create":
        ident = ident.replace(PG, "@PMG#_new")
    assert text.startswith(f"tencentchat:{kind} {ident}: ")
    assert "70009" in text and "UserSig verification failed" in text
    assert "tencentchat:secretKey" in text  # what to do
    # Auth failures are never mistaken for "gone" (read) or "already done" (delete).
    assert action in text
    secrets = secrets_of_runtime_client()
    assert WRONG_KEY in secrets and len(secrets) >= 2
    shown = full_text(info.value)
    for secret in secrets:
        assert secret not in shown
    assert "usersig=" not in shown.lower()
    assert info.value.__cause__ is None and info.value.__suppress_context__
    # Nothing changed on the server.
    assert set(raw.iter_permission_group_members(GROUP_ID, PG)) == {"alice"}
    item = raw.get_permission_groups(GROUP_ID, [PG]).items[0]
    assert (item.ok, item.name) == (True, "Admins")


def test_configured_usersig_never_shown(community: Community,
                                        emulator: EmulatorProcess) -> None:
    sig = generate_usersig(DEV_SDKAPPID, WRONG_KEY, DEV_ADMIN)
    values = {"tencentchat:sdkAppId": str(DEV_SDKAPPID), "tencentchat:userSig": sig,
              "tencentchat:endpoint": emulator.url}
    _runtime.configure(values.get, environ={})
    provider = PermissionGroupProvider()
    with pytest.raises(ProviderError) as info:
        provider.create(checked(provider, pg_news()))
    shown = full_text(info.value)
    assert "70009" in shown and f"tencentchat:PermissionGroup {PG}" in shown
    assert sig not in shown and WRONG_KEY not in shown


def test_configure_through_configure_request(community: Community, emulator: EmulatorProcess,
                                             monkeypatch: pytest.MonkeyPatch,
                                             raw: TencentChatClient) -> None:
    for name in ("TENCENTCHAT_SDKAPPID", "TENCENTCHAT_SECRET_KEY", "TENCENTCHAT_USERSIG",
                 "TENCENTCHAT_REGION", "TENCENTCHAT_ENDPOINT", "TENCENTCHAT_IDENTIFIER"):
        monkeypatch.delenv(name, raising=False)
    _runtime.reset()
    provider = PermissionGroupProvider()
    config: Any = SimpleNamespace(get=config_getter(emulator.url, DEV_SECRET_KEY))
    provider.configure(ConfigureRequest(config))
    provider.create(checked(provider, pg_news()))
    assert [i.permission_group_id for i in raw.iter_permission_groups(GROUP_ID)] == [PG]


def test_network_failure_names_resource_without_secrets(community: Community) -> None:
    # Nothing listens on port 9 of loopback (discard); a short deadline bounds the retries.
    values = {"tencentchat:sdkAppId": str(DEV_SDKAPPID), "tencentchat:secretKey": WRONG_KEY,
              "tencentchat:endpoint": "http://127.0.0.1:9",
              "tencentchat:connectTimeout": "0.5", "tencentchat:operationTimeout": "1"}
    _runtime.configure(values.get, environ={})
    provider = TopicPermissionProvider()
    props = {"group_id": GROUP_ID, "permission_group_id": PG, "topic_id": TOPIC_GENERAL,
             "permission": 8}
    with pytest.raises(ProviderError) as info:
        provider.read("x", props)
    text = str(info.value)
    assert text.startswith(f"tencentchat:TopicPermission {TOPIC_GENERAL} of permission group "
                           f"{PG}: read failed")
    assert "127.0.0.1:9" in text
    shown = full_text(info.value)
    for secret in secrets_of_runtime_client():
        assert secret not in shown


# -- concurrency ------------------------------------------------------------------------------

def test_forty_creates_from_four_threads(community: Community, calls: Calls,
                                         raw: TencentChatClient) -> None:
    provider = PermissionGroupProvider()
    ids = [f"@PMG#_pg{i:02d}" for i in range(40)]
    inputs = [checked(provider, pg_news(permission_group_id=pg_id, name=f"Group {i}",
                                        permission=float(i)))
              for i, pg_id in enumerate(ids)]
    clients: list[TencentChatClient] = []

    def create(props: dict[str, Any]) -> str:
        clients.append(provider.client())
        return provider.create(props).id

    calls.mark()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(create, inputs))
    assert results == [f"{GROUP_ID}/{pg_id}" for pg_id in ids]
    assert len({id(c) for c in clients}) == 1  # one shared client
    assert calls.commands() == {"create_permission_group": 40}
    on_server = {i.permission_group_id: (i.name, i.permission)
                 for i in raw.iter_permission_groups(GROUP_ID)}
    assert on_server == {pg_id: (f"Group {i}", i) for i, pg_id in enumerate(ids)}

    next_deployment()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda props: provider.delete("x", props), inputs))
    assert list(raw.iter_permission_groups(GROUP_ID)) == []
