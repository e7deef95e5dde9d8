"""Adopting creates read before they write: an object that already holds the declared values
costs reads only, one that differs gets exactly the writes for the difference, a missing one is
created. This is what lets an exported program apply against its community without a write.
"""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.resources._base import ProviderError
from pulumi_tencentchat.resources.community_permission_settings import (
    CommunityPermissionSettingsProvider,
)
from pulumi_tencentchat.resources.permission_group import PermissionGroupProvider
from pulumi_tencentchat.resources.permission_group_members import (
    PermissionGroupMembersProvider,
)
from pulumi_tencentchat.resources.topic import TopicProvider
from pulumi_tencentchat.resources.topic_permission import TopicPermissionProvider
from pulumi_tencentchat.resources.topic_permissions import TopicPermissionsProvider

from tests.resources.conftest import Calls, Community
from tests.resources.helpers import GROUP_ID, TOPIC_GENERAL, TOPIC_NEWS, checked

PG = "@PMG#_crew"
LOUNGE = f"{GROUP_ID}@TOPIC#_lounge"


def create(provider: Any, news: dict[str, Any]) -> dict[str, Any]:
    return dict(provider.create(checked(provider, news)).outs)


# -- PermissionGroup -------------------------------------------------------------------------

def pg_news(pg_id: str = PG, **over: Any) -> dict[str, Any]:
    return {"group_id": GROUP_ID, "permission_group_id": pg_id, "name": "Crew",
            "permission": 65.0, "custom_string": "tier=1", "adopt_existing": True, **over}


def pg_on_server(raw: TencentChatClient, pg_id: str = PG) -> tuple[str, int, str] | None:
    found = [i for i in raw.get_permission_groups(GROUP_ID, [pg_id]).items if i.ok]
    return (found[0].name, found[0].permission, found[0].custom_string) if found else None


@pytest.mark.parametrize("server_id", [False, True], ids=["custom-id", "server-id"])
def test_pg_adopting_identical_values_reads_once_and_writes_nothing(
        community: Community, raw: TencentChatClient, calls: Calls, server_id: bool) -> None:
    pg_id = raw.create_permission_group(GROUP_ID, "Crew", permission=65, custom_string="tier=1",
                                        permission_group_id=None if server_id else PG)
    raw.add_permission_group_members(GROUP_ID, pg_id, ["alice"])
    calls.mark()
    outs = create(PermissionGroupProvider(), pg_news(pg_id))
    assert calls.commands() == {"get_permission_group": 1}
    assert (outs["permission_group_id"], outs["member_count"]) == (pg_id, 1)
    assert pg_on_server(raw, pg_id) == ("Crew", 65, "tier=1")


def test_pg_adopting_different_values_writes_only_the_difference(
        community: Community, raw: TencentChatClient, calls: Calls) -> None:
    raw.create_permission_group(GROUP_ID, "Crew", permission=1, custom_string="tier=1",
                                permission_group_id=PG)
    calls.mark()
    create(PermissionGroupProvider(), pg_news())
    assert calls.commands() == {"get_permission_group": 1, "modify_permission_group": 1}
    assert pg_on_server(raw) == ("Crew", 65, "tier=1")


def test_pg_adopting_a_missing_group_creates_it_or_names_the_server_id(
        community: Community, raw: TencentChatClient, calls: Calls) -> None:
    create(PermissionGroupProvider(), pg_news())
    assert calls.commands() == {"get_permission_group": 1, "create_permission_group": 1}
    assert pg_on_server(raw) == ("Crew", 65, "tier=1")
    calls.mark()
    with pytest.raises(ProviderError, match="can only be adopted, not created"):
        create(PermissionGroupProvider(), pg_news("@PMG#_@PMG#gone"))
    assert calls.commands() == {"get_permission_group": 1}


# -- Topic -----------------------------------------------------------------------------------

def topic_news(**over: Any) -> dict[str, Any]:
    return {"group_id": GROUP_ID, "topic_id": LOUNGE, "topic_name": "Lounge",
            "introduction": "Say hi", "notification": "Be kind", "adopt_existing": True, **over}


def test_topic_adopting_identical_values_reads_once_and_writes_nothing(
        community: Community, raw: TencentChatClient, calls: Calls) -> None:
    raw.create_topic(GROUP_ID, "Lounge", topic_id=LOUNGE, introduction="Say hi",
                     notification="Be kind")
    calls.mark()
    outs = create(TopicProvider(), topic_news())
    assert calls.commands() == {"get_topic": 1}
    assert (outs["topic_id"], outs["adopt_existing"]) == (LOUNGE, True)


def test_topic_adopting_different_values_or_a_missing_topic_writes_once(
        community: Community, raw: TencentChatClient, calls: Calls) -> None:
    create(TopicProvider(), topic_news())
    assert calls.commands() == {"get_topic": 1, "create_topic": 1}
    calls.mark()
    create(TopicProvider(), topic_news(introduction="Hello"))
    assert calls.commands() == {"get_topic": 1, "modify_topic": 1}
    item = raw.get_topics(GROUP_ID, [LOUNGE]).items[0]
    assert (item.topic_name, item.introduction, item.notification) == (
        "Lounge", "Hello", "Be kind")


# -- TopicPermission -------------------------------------------------------------------------

def tp_news(**over: Any) -> dict[str, Any]:
    return {"group_id": GROUP_ID, "permission_group_id": PG, "topic_id": TOPIC_GENERAL,
            "permission": 24.0, "adopt_existing": True, **over}


def tp_on_server(raw: TencentChatClient) -> int | None:
    found = [i.permission for i in raw.get_topic_permissions(GROUP_ID, PG).items
             if i.ok and i.topic_id == TOPIC_GENERAL]
    return int(found[0]) if found else None


def test_tp_adopting_reads_first_and_writes_only_a_difference(
        community: Community, raw: TencentChatClient, calls: Calls) -> None:
    raw.create_permission_group(GROUP_ID, "Crew", permission_group_id=PG)
    calls.mark()
    create(TopicPermissionProvider(), tp_news())  # none yet: read, then add
    assert calls.commands() == {"get_topic_permission_group": 1,
                                "add_topic_permission_group": 1}
    calls.mark()
    outs = create(TopicPermissionProvider(), tp_news())  # identical: the read only
    assert calls.commands() == {"get_topic_permission_group": 1}
    assert outs["permission"] == 24 and tp_on_server(raw) == 24
    calls.mark()
    create(TopicPermissionProvider(), tp_news(permission=8.0))  # different: read, then set
    assert calls.commands() == {"get_topic_permission_group": 1,
                                "set_topic_permission_group": 1}
    assert tp_on_server(raw) == 8


# -- TopicPermissions ------------------------------------------------------------------------

def tps_news(permissions: dict[str, Any], **over: Any) -> dict[str, Any]:
    return {"group_id": GROUP_ID, "permission_group_id": PG, "permissions": permissions,
            "adopt_existing": True, **over}


def tps_on_server(raw: TencentChatClient) -> dict[str, int]:
    return {i.topic_id: int(i.permission or 0)
            for i in raw.get_topic_permissions(GROUP_ID, PG).items if i.ok}


def test_tps_adopting_reads_once_and_writes_only_the_topics_that_differ(
        community: Community, raw: TencentChatClient, calls: Calls) -> None:
    raw.create_permission_group(GROUP_ID, "Crew", permission_group_id=PG)
    raw.create_topic(GROUP_ID, "Lounge", topic_id=LOUNGE)
    raw.add_topic_permissions(GROUP_ID, PG, {TOPIC_GENERAL: 24, TOPIC_NEWS: 8})
    calls.mark()
    outs = create(TopicPermissionsProvider(), tps_news({TOPIC_GENERAL: 24, TOPIC_NEWS: 8}))
    assert calls.commands() == {"get_topic_permission_group": 1}  # identical: no write
    assert outs["permissions"] == {TOPIC_GENERAL: 24, TOPIC_NEWS: 8}
    assert outs["adopt_existing"] is True
    calls.mark()
    # One topic differs (a reduction), one is missing: read, then exactly those writes.
    create(TopicPermissionsProvider(), tps_news({TOPIC_GENERAL: 8, TOPIC_NEWS: 8,
                                                 LOUNGE: 16}))
    assert calls.commands() == {"get_topic_permission_group": 1,
                                "set_topic_permission_group": 1,
                                "add_topic_permission_group": 1}
    assert tps_on_server(raw) == {TOPIC_GENERAL: 8, TOPIC_NEWS: 8, LOUNGE: 16}


def test_tps_without_adoption_refuses_a_topic_it_does_not_own(
        community: Community, raw: TencentChatClient, calls: Calls) -> None:
    raw.create_permission_group(GROUP_ID, "Crew", permission_group_id=PG)
    raw.add_topic_permissions(GROUP_ID, PG, {TOPIC_GENERAL: 24})
    with pytest.raises(ProviderError, match="adopt_existing") as failed:
        create(TopicPermissionsProvider(), tps_news({TOPIC_GENERAL: 8},
                                                    adopt_existing=False))
    assert TOPIC_GENERAL in str(failed.value)
    assert tps_on_server(raw) == {TOPIC_GENERAL: 24}  # left as it was


# -- PermissionGroupMembers ------------------------------------------------------------------

def members_news(members: list[str], **over: Any) -> dict[str, Any]:
    return {"group_id": GROUP_ID, "permission_group_id": PG, "members": members,
            "adopt_existing": True, **over}


def test_members_adopting_reads_the_list_and_adds_only_the_missing(
        community: Community, raw: TencentChatClient, calls: Calls) -> None:
    raw.create_permission_group(GROUP_ID, "Crew", permission_group_id=PG)
    present = [f"u{n:03}" for n in range(120)]
    raw.add_permission_group_members(GROUP_ID, PG, [*present, "other"])
    calls.mark()
    outs = create(PermissionGroupMembersProvider(), members_news(present))
    # 121 members in pages of 50: three reads, no write.
    assert calls.commands() == {"get_permission_group_member_list": 3}
    assert outs["members"] == present and outs["adopt_existing"] is True
    calls.mark()
    create(PermissionGroupMembersProvider(), members_news([*present[:10], "new1", "new2"]))
    assert calls.commands() == {"get_permission_group_member_list": 3,
                                "add_permission_group_member": 1}
    assert set(raw.iter_permission_group_members(GROUP_ID, PG)) == {
        *present, "other", "new1", "new2"}


def test_members_without_adoption_add_without_reading(
        community: Community, raw: TencentChatClient, calls: Calls) -> None:
    raw.create_permission_group(GROUP_ID, "Crew", permission_group_id=PG)
    raw.add_permission_group_members(GROUP_ID, PG, ["alice"])
    calls.mark()
    create(PermissionGroupMembersProvider(), members_news(["alice", "bob"],
                                                          adopt_existing=False))
    assert calls.commands() == {"add_permission_group_member": 1}


def test_members_adoption_is_kept_by_a_refresh(community: Community,
                                               raw: TencentChatClient) -> None:
    raw.create_permission_group(GROUP_ID, "Crew", permission_group_id=PG)
    provider = PermissionGroupMembersProvider()
    outs = create(provider, members_news(["alice"]))
    read = provider.read(f"{GROUP_ID}/{PG}/members", outs)
    assert read.outs["adopt_existing"] is True
    # The refreshed inputs diff as unchanged against the program's.
    assert not provider.diff(read.id, read.outs, checked(provider, members_news(["alice"]))
                             ).changes


# -- CommunityPermissionSettings -------------------------------------------------------------

@pytest.mark.parametrize(("enable", "default", "declared"), [
    (True, 64, {"default_permission": 64.0, "enable_permission_groups": True}),
    (False, 0, {"default_permission": 0, "enable_permission_groups": False}),
], ids=["on", "off"])
def test_settings_holding_the_declared_values_are_read_not_written(
        community: Community, raw: TencentChatClient, calls: Calls, enable: bool,
        default: int, declared: dict[str, Any]) -> None:
    if enable:
        raw.modify_group_base_info(GROUP_ID, enable_permission=True, default_permission=default)
    calls.mark()
    outs = create(CommunityPermissionSettingsProvider(), {"group_id": GROUP_ID, **declared})
    assert calls.commands() == {"get_group_info": 1}
    assert (outs["previous_enable_permission_groups"], outs["previous_default_permission"]) == (
        enable, default)
    info = raw.get_group_info([GROUP_ID]).items[0]
    assert (info.enable_permission == 1, info.default_permission) == (enable, default)


def test_settings_that_differ_are_written_once(community: Community, raw: TencentChatClient,
                                               calls: Calls) -> None:
    raw.modify_group_base_info(GROUP_ID, enable_permission=True, default_permission=64)
    calls.mark()
    create(CommunityPermissionSettingsProvider(),
           {"group_id": GROUP_ID, "default_permission": 65.0})
    assert calls.commands() == {"get_group_info": 1, "modify_group_base_info": 1}
    assert raw.get_group_info([GROUP_ID]).items[0].default_permission == 65
