"""Every write is safe to retry: one injected fault is absorbed, an exhausted one is rerun.

Faults come from the emulator's ``fail_next`` on one command, so each test meets exactly the
fault it names: a dropped answer (the work is committed, the client hears nothing), a bare 502
or an error code (nothing is done). A failure the client cannot absorb fails the operation;
the engine then records nothing new and the user reruns, which must finish the job without a
duplicate, an orphan or an error about the object the failed attempt left behind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.naming import auto_name
from pulumi_tencentchat.resources._base import ProviderError
from pulumi_tencentchat.resources.permission_group import PermissionGroupProvider
from pulumi_tencentchat.resources.permission_group_members import PermissionGroupMembersProvider
from pulumi_tencentchat.resources.topic_permission import TopicPermissionProvider

from tests.resources.conftest import Community
from tests.resources.helpers import GROUP_ID, TOPIC_GENERAL, checked, next_deployment, pg_news
from tests.support.emulator import EmulatorProcess

PG = "@PMG#_retry"
FAULTS: dict[str, dict[str, Any]] = {
    "dropped answer": {"drop_response_rate": 1.0},
    "bare 502": {"http_502_rate": 1.0},
    "10002": {"error_rate": 1.0, "error_code": 10002},
    "60007": {"error_rate": 1.0, "error_code": 60007},
}
KINDS = pytest.mark.parametrize("kind", list(FAULTS))
# 60007 costs a second of back-off per fault: the permission-group writes meet it, the rest not.
FAST_KINDS = pytest.mark.parametrize("kind", [k for k in FAULTS if k != "60007"])


@pytest.fixture
def group(community: Community, quick: EmulatorProcess, raw: TencentChatClient) -> str:
    """Permission group ``PG`` (for topic permissions and members)."""
    raw.create_permission_group(GROUP_ID, "Retry", permission=64, permission_group_id=PG)
    return PG


def fault(emulator: EmulatorProcess, command: str, kind: str, times: int = 1) -> None:
    emulator.set_faults(commands=[command], fail_next=times, **FAULTS[kind])


def injected(emulator: EmulatorProcess) -> int:
    return sum(emulator.injected().values())


def rerun_after_exhaustion(emulator: EmulatorProcess, command: str,
                           operation: Callable[[], Any]) -> Any:
    """Answers to ``command`` are dropped until the operation fails; then the user reruns."""
    fault(emulator, command, "dropped answer", times=1000)
    with pytest.raises(ProviderError):
        operation()
    assert injected(emulator) >= 2  # the client retried before giving up
    emulator.clear_faults()
    return operation()


def pgs(raw: TencentChatClient) -> dict[str, tuple[str, int, str]]:
    return {p.permission_group_id: (p.name, p.permission, p.custom_string or "")
            for p in raw.iter_permission_groups(GROUP_ID) if p.ok}


def topic_permissions(raw: TencentChatClient) -> dict[str, int]:
    return {i.topic_id: int(i.permission or 0)
            for i in raw.get_topic_permissions(GROUP_ID, PG).items if i.ok}


def members(raw: TencentChatClient) -> list[str]:
    return sorted(raw.iter_permission_group_members(GROUP_ID, PG))


# -- PermissionGroup ------------------------------------------------------------------------

@KINDS
@pytest.mark.parametrize("pg_id", [PG, auto_name("proj", "dev", "retry")])
def test_pg_create_absorbs_one_fault(community: Community, quick: EmulatorProcess,
                                     raw: TencentChatClient, kind: str, pg_id: str) -> None:
    provider = PermissionGroupProvider()
    inputs = checked(provider, pg_news(permission_group_id=pg_id, custom_string="c"))
    fault(quick, "create_permission_group", kind)
    result = provider.create(inputs)
    assert injected(quick) == 1
    assert result.id == f"{GROUP_ID}/{pg_id}"
    assert pgs(raw) == {pg_id: ("Admins", 39, "c")}


@pytest.mark.parametrize("pg_id", [PG, auto_name("proj", "dev", "retry")])
def test_pg_create_whose_answers_are_all_lost_finds_what_it_made(
        community: Community, quick: EmulatorProcess, raw: TencentChatClient, pg_id: str) -> None:
    # Every answer to the create is dropped after the work is done: the client gives up, and
    # the provider looks once more within the same operation instead of reporting a failure.
    provider = PermissionGroupProvider()
    inputs = checked(provider, pg_news(permission_group_id=pg_id))
    fault(quick, "create_permission_group", "dropped answer", times=1000)
    result = provider.create(inputs)
    assert injected(quick) >= 2  # the client retried before giving up
    assert result.id == f"{GROUP_ID}/{pg_id}"
    assert pgs(raw) == {pg_id: ("Admins", 39, "")}


@pytest.mark.parametrize(("pg_id", "ours"), [(PG, False),
                                             (auto_name("proj", "dev", "retry"), True)])
def test_pg_create_lost_beyond_the_operation_is_taken_over_only_by_its_name(
        community: Community, quick: EmulatorProcess, raw: TencentChatClient, pg_id: str,
        ours: bool) -> None:
    # The look-up fails too, so the operation fails; the user reruns. An auto-name proves the
    # object is this stack's; a custom ID does not (another stack may declare the same), so the
    # rerun is refused until the user adopts it.
    provider = PermissionGroupProvider()
    inputs = checked(provider, pg_news(permission_group_id=pg_id))
    quick.set_faults(commands=["create_permission_group", "get_permission_group"],
                     fail_next=1000, **FAULTS["dropped answer"])
    with pytest.raises(ProviderError):
        provider.create(inputs)
    quick.clear_faults()
    next_deployment()
    if ours:
        assert provider.create(inputs).id == f"{GROUP_ID}/{pg_id}"
    else:
        with pytest.raises(ProviderError, match="adopt_existing=True"):
            provider.create(inputs)
        adopted = checked(provider, pg_news(permission_group_id=pg_id, adopt_existing=True))
        assert provider.create(adopted).id == f"{GROUP_ID}/{pg_id}"
    assert pgs(raw) == {pg_id: ("Admins", 39, "")}


@KINDS
def test_pg_update_absorbs_one_fault(community: Community, quick: EmulatorProcess,
                                     raw: TencentChatClient, kind: str) -> None:
    provider = PermissionGroupProvider()
    olds = dict(provider.create(checked(provider, pg_news(permission_group_id=PG))).outs)
    news = checked(provider, pg_news(permission_group_id=PG, name="Renamed", permission=7.0))
    fault(quick, "modify_permission_group", kind)
    outs = provider.update(olds.get("id", ""), olds, news).outs
    assert injected(quick) == 1
    assert (outs["name"], outs["permission"]) == ("Renamed", 7)
    assert pgs(raw) == {PG: ("Renamed", 7, "")}


def test_pg_update_rerun_after_exhaustion(community: Community, quick: EmulatorProcess,
                                          raw: TencentChatClient) -> None:
    provider = PermissionGroupProvider()
    olds = dict(provider.create(checked(provider, pg_news(permission_group_id=PG))).outs)
    news = checked(provider, pg_news(permission_group_id=PG, custom_string="new"))
    rerun_after_exhaustion(quick, "modify_permission_group",
                           lambda: provider.update("", olds, news))
    assert pgs(raw) == {PG: ("Admins", 39, "new")}


@KINDS
def test_pg_delete_absorbs_one_fault(community: Community, quick: EmulatorProcess,
                                     raw: TencentChatClient, kind: str) -> None:
    provider = PermissionGroupProvider()
    outs = dict(provider.create(checked(provider, pg_news(permission_group_id=PG))).outs)
    fault(quick, "destroy_permission_group", kind)
    next_deployment()
    provider.delete("", outs)
    assert injected(quick) == 1
    assert pgs(raw) == {}


def test_pg_delete_rerun_after_exhaustion(community: Community, quick: EmulatorProcess,
                                          raw: TencentChatClient) -> None:
    provider = PermissionGroupProvider()
    outs = dict(provider.create(checked(provider, pg_news(permission_group_id=PG))).outs)
    next_deployment()
    rerun_after_exhaustion(quick, "destroy_permission_group", lambda: provider.delete("", outs))
    assert pgs(raw) == {}


# -- TopicPermission ------------------------------------------------------------------------

def tp_inputs(provider: TopicPermissionProvider, permission: float = 24.0) -> dict[str, Any]:
    return checked(provider, {"group_id": GROUP_ID, "permission_group_id": PG,
                              "topic_id": TOPIC_GENERAL, "permission": permission})


@FAST_KINDS
def test_tp_create_update_delete_absorb_one_fault(group: str, quick: EmulatorProcess,
                                                  raw: TencentChatClient, kind: str) -> None:
    provider = TopicPermissionProvider()
    fault(quick, "add_topic_permission_group", kind)
    outs = dict(provider.create(tp_inputs(provider)).outs)
    assert injected(quick) == 1
    assert topic_permissions(raw) == {TOPIC_GENERAL: 24}

    fault(quick, "set_topic_permission_group", kind)
    next_deployment()
    outs = dict(provider.update("", outs, tp_inputs(provider, 72.0)).outs)
    assert injected(quick) == 2
    assert outs["permission"] == 72 and topic_permissions(raw) == {TOPIC_GENERAL: 72}

    fault(quick, "delete_topic_permission_group", kind)
    next_deployment()
    provider.delete("", outs)
    assert injected(quick) == 3
    assert topic_permissions(raw) == {}


def test_tp_reruns_after_exhaustion(group: str, quick: EmulatorProcess,
                                    raw: TencentChatClient) -> None:
    provider = TopicPermissionProvider()
    inputs = tp_inputs(provider)
    # Every answer to the add is lost: the provider finds its work within the operation.
    fault(quick, "add_topic_permission_group", "dropped answer", times=1000)
    outs = dict(provider.create(inputs).outs)
    quick.clear_faults()
    assert topic_permissions(raw) == {TOPIC_GENERAL: 24}
    news = tp_inputs(provider, 8.0)
    next_deployment()
    outs = dict(rerun_after_exhaustion(quick, "set_topic_permission_group",
                                       lambda: provider.update("", outs, news)).outs)
    assert topic_permissions(raw) == {TOPIC_GENERAL: 8}
    next_deployment()
    rerun_after_exhaustion(quick, "delete_topic_permission_group",
                           lambda: provider.delete("", outs))
    assert topic_permissions(raw) == {}


# -- PermissionGroupMembers -----------------------------------------------------------------

def member_inputs(provider: PermissionGroupMembersProvider, *accounts: str) -> dict[str, Any]:
    return checked(provider, {"group_id": GROUP_ID, "permission_group_id": PG,
                              "members": list(accounts)})


@FAST_KINDS
def test_members_create_update_delete_absorb_one_fault(group: str, quick: EmulatorProcess,
                                                       raw: TencentChatClient,
                                                       kind: str) -> None:
    provider = PermissionGroupMembersProvider()
    fault(quick, "add_permission_group_member", kind)
    outs = dict(provider.create(member_inputs(provider, "ann", "bob")).outs)
    assert injected(quick) == 1
    assert members(raw) == ["ann", "bob"]

    fault(quick, "add_permission_group_member", kind)  # the addition of an update
    next_deployment()
    outs = dict(provider.update("", outs, member_inputs(provider, "ann", "bob", "cat")).outs)
    assert injected(quick) == 2
    assert members(raw) == ["ann", "bob", "cat"]

    fault(quick, "delete_permission_group_member", kind)  # the removal of an update
    next_deployment()
    outs = dict(provider.update("", outs, member_inputs(provider, "bob", "cat")).outs)
    assert injected(quick) == 3
    assert members(raw) == ["bob", "cat"]

    fault(quick, "delete_permission_group_member", kind)
    next_deployment()
    provider.delete("", outs)
    assert injected(quick) == 4
    assert members(raw) == []


def test_members_reruns_after_exhaustion(group: str, quick: EmulatorProcess,
                                         raw: TencentChatClient) -> None:
    provider = PermissionGroupMembersProvider()
    inputs = member_inputs(provider, "ann", "bob")
    outs = dict(rerun_after_exhaustion(quick, "add_permission_group_member",
                                       lambda: provider.create(inputs)).outs)
    assert members(raw) == ["ann", "bob"]
    # An update whose removal keeps failing after its addition went through: rerun from the
    # old state (the engine kept it), which must neither fail on the added account nor leave
    # the removed one behind.
    news = member_inputs(provider, "bob", "cat")
    next_deployment()
    outs = dict(rerun_after_exhaustion(quick, "delete_permission_group_member",
                                       lambda: provider.update("", outs, news)).outs)
    assert members(raw) == ["bob", "cat"]
    next_deployment()
    rerun_after_exhaustion(quick, "delete_permission_group_member",
                           lambda: provider.delete("", outs))
    assert members(raw) == []


@pytest.mark.parametrize("field", ["name", "permission", "custom_string"])
def test_a_lost_answer_proves_nothing_when_one_field_differs(
        community: Community, quick: EmulatorProcess, raw: TencentChatClient,
        field: str) -> None:
    # Someone else's group holds the ID with one field different. The create's first answer
    # (the conflict) is lost, so the retry's conflict follows a doubtful attempt: only equal
    # values in every field would make it this call's own work.
    values = {"name": "Admins", "permission": 39, "custom_string": "tier=1"}
    values[field] = {"name": "Others", "permission": 7, "custom_string": "theirs"}[field]
    raw.create_permission_group(GROUP_ID, values["name"], permission=values["permission"],
                                permission_group_id=PG, custom_string=values["custom_string"])
    provider = PermissionGroupProvider()
    fault(quick, "create_permission_group", "dropped answer")
    with pytest.raises(ProviderError, match="adopt_existing=True"):
        provider.create(checked(provider, pg_news(permission_group_id=PG, custom_string="tier=1")))
    assert injected(quick) == 1
    assert pgs(raw) == {PG: (values["name"], values["permission"], values["custom_string"])}
