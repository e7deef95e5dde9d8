"""Bit names beside every permission: derived in check, carried in outputs, never diffed.

``permission_names`` (``default_permission_names`` for the community settings) holds the names
of the set bits in bit order, undefined bits as ``"bit<N>"``. State written before it existed
lacks it: such state must read and diff exactly as before.
"""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pulumi.runtime import rpc
from pulumi_tencentchat.permissions import GroupPermission, TopicPermissionBit, bit_names
from pulumi_tencentchat.resources._base import BaseProvider
from pulumi_tencentchat.resources._fields import Derived, Replace, Update, permission_names
from pulumi_tencentchat.resources.community_permission_settings import (
    CommunityPermissionSettingsProvider,
)
from pulumi_tencentchat.resources.permission_group import PermissionGroupProvider
from pulumi_tencentchat.resources.topic_permission import TopicPermissionProvider
from pydantic import BaseModel

from tests.resources.conftest import Calls, Community
from tests.resources.helpers import GROUP_ID, TOPIC_GENERAL, checked, failures, pg_news

PG = "@PMG#_names"
MAX = (1 << 64) - 1
ALL_TOPIC = ["ManageTopicInfo", "ManagePermissionTopicInfo", "TopicMuteMember",
             "SendTopicMessage", "GetTopicHistoryMessage", "RevokeOtherMemberTopicMessage",
             "TopicAtAll"]


def tp_news(**over: Any) -> dict[str, Any]:
    news = {"group_id": GROUP_ID, "permission_group_id": PG, "topic_id": TOPIC_GENERAL,
            "permission": 72}
    news.update(over)
    return news


def without_names(props: dict[str, Any]) -> dict[str, Any]:
    """State as an earlier release wrote it: no derived names."""
    return {k: v for k, v in props.items() if not k.endswith("permission_names")}


# -- the names --------------------------------------------------------------------------------

def test_names_are_in_bit_order_with_undefined_bits_numbered() -> None:
    assert bit_names(0, GroupPermission) == []
    # Given in another order: bit order wins.
    assert bit_names(int(GroupPermission.GroupAtAll | GroupPermission.ManageGroupInfo),
                     GroupPermission) == ["ManageGroupInfo", "GroupAtAll"]
    assert bit_names((1 << 40) | (1 << 11) | 64, GroupPermission) == [
        "SendGroupMessage", "bit11", "bit40"]
    # Topic bit 7 is undefined for topics although bit 7 is a community right.
    assert bit_names(128 | 8, TopicPermissionBit) == ["SendTopicMessage", "bit7"]
    every = bit_names(MAX, TopicPermissionBit)
    assert len(every) == 64 and every[:7] == ALL_TOPIC
    assert every[7:] == [f"bit{n}" for n in range(7, 64)]


# -- check ------------------------------------------------------------------------------------

def test_check_derives_the_names_from_every_permission_form(calls: Calls) -> None:
    provider = PermissionGroupProvider()
    for value in (["GroupAtAll", "SendGroupMessage"], 192, 192.0, "192"):
        inputs = checked(provider, pg_news(permission=value))
        assert inputs["permission"] == 192
        assert inputs["permission_names"] == ["SendGroupMessage", "GroupAtAll"]
    big = checked(provider, pg_news(permission=str((1 << 63) | 1)))
    assert big["permission"] == str((1 << 63) | 1)  # kept exact as a decimal string
    assert big["permission_names"] == ["ManageGroupInfo", "bit63"]
    assert calls.since() == 0


def test_check_names_follow_the_default_when_the_permission_is_left_out(
        community: Community) -> None:
    news = pg_news()
    del news["permission"]
    assert checked(PermissionGroupProvider(), news)["permission_names"] == []


def test_an_unknown_permission_has_unknown_names(community: Community) -> None:
    result = TopicPermissionProvider().check({}, tp_news(permission=rpc.UNKNOWN))
    assert failures(result) == {}
    assert result.inputs["permission_names"] == rpc.UNKNOWN


def test_an_invalid_permission_fails_alone_without_names(community: Community) -> None:
    result = TopicPermissionProvider().check({}, tp_news(permission=["GroupAtAll"]))
    assert set(failures(result)) == {"permission"}
    assert "permission_names" not in result.inputs


def test_the_program_cannot_set_the_names(community: Community) -> None:
    # A value sent for the derived field is replaced by the one derived from the source.
    inputs = checked(TopicPermissionProvider(), tp_news(permission=8,
                                                        permission_names=["TopicAtAll"]))
    assert inputs["permission_names"] == ["SendTopicMessage"]


# -- create, update, read -----------------------------------------------------------------------

def test_outputs_carry_the_names_after_create_update_and_read(community: Community) -> None:
    provider = PermissionGroupProvider()
    inputs = checked(provider, pg_news(permission_group_id=PG, permission=64))
    outs = dict(provider.create(inputs).outs)
    assert outs["permission_names"] == ["SendGroupMessage"]

    news = checked(provider, pg_news(permission_group_id=PG, permission=64 | 128 | (1 << 40)))
    updated = dict(provider.update(f"{GROUP_ID}/{PG}", outs, news).outs)
    assert updated["permission_names"] == ["SendGroupMessage", "GroupAtAll", "bit40"]

    read = provider.read(f"{GROUP_ID}/{PG}", without_names(updated))
    assert read.outs["permission_names"] == ["SendGroupMessage", "GroupAtAll", "bit40"]
    # The recorded inputs carry them too, as check would have.
    assert read.inputs["permission_names"] == ["SendGroupMessage", "GroupAtAll", "bit40"]


def test_topic_permission_outputs_carry_the_names(community: Community, raw) -> None:
    raw.create_permission_group(GROUP_ID, "N", permission_group_id=PG)
    provider = TopicPermissionProvider()
    outs = dict(provider.create(checked(provider, tp_news())).outs)
    assert outs["permission_names"] == ["SendTopicMessage", "TopicAtAll"]
    raw.set_topic_permissions(GROUP_ID, PG, {TOPIC_GENERAL: 127})
    read = provider.read(f"{PG}/{TOPIC_GENERAL}", outs)
    assert read.outs["permission_names"] == ALL_TOPIC


def test_settings_carry_the_default_permission_names(community: Community) -> None:
    provider = CommunityPermissionSettingsProvider()
    inputs = checked(provider, {"group_id": GROUP_ID,
                                "default_permission": ["GetGroupHistoryMessage"]})
    assert inputs["default_permission_names"] == ["GetGroupHistoryMessage"]
    assert "previous_default_permission_names" not in inputs
    outs = dict(provider.create(inputs).outs)
    assert outs["default_permission_names"] == ["GetGroupHistoryMessage"]
    read = provider.read(GROUP_ID, without_names(outs))
    assert read.outs["default_permission_names"] == ["GetGroupHistoryMessage"]
    assert read.inputs["default_permission_names"] == ["GetGroupHistoryMessage"]


# -- diff: the names never decide -------------------------------------------------------------

@pytest.mark.parametrize(("provider_cls", "news", "name"), [
    (PermissionGroupProvider, pg_news(permission_group_id=PG, permission=192),
     "permission_names"),
    (TopicPermissionProvider, tp_news(), "permission_names"),
    (CommunityPermissionSettingsProvider, {"group_id": GROUP_ID, "default_permission": 256},
     "default_permission_names"),
], ids=["PermissionGroup", "TopicPermission", "CommunityPermissionSettings"])
def test_state_without_names_diffs_clean_and_stale_names_do_not_count(
        community: Community, provider_cls: type[BaseProvider], news: dict[str, Any],
        name: str) -> None:
    provider = provider_cls()
    inputs = checked(provider, news)
    assert inputs[name]  # the new checked inputs carry names...
    old_state = without_names(inputs)  # ...state written before this release does not
    assert provider.diff("id", old_state, inputs).changes is False
    # Refresh direction (refreshed outputs against old inputs), both ways round.
    assert provider.diff("id", inputs, old_state).changes is False
    # Names that disagree with the permission do not decide either: the permission does.
    assert provider.diff("id", {**inputs, name: ["bit63"]}, inputs).changes is False


def test_a_permission_change_is_an_update_whose_names_change_too(
        community: Community) -> None:
    provider = PermissionGroupProvider()
    old = checked(provider, pg_news(permission_group_id=PG, permission=98))
    new = checked(provider, pg_news(permission_group_id=PG, permission=114))
    diff = provider.diff("id", without_names(old), new)
    assert diff.changes is True and diff.replaces == []
    assert old["permission_names"] == ["ManageGroupMember", "GroupMuteMember",
                                       "SendGroupMessage"]
    assert new["permission_names"] == ["ManageGroupMember", "ManageTopic", "GroupMuteMember",
                                       "SendGroupMessage"]


# -- the declaration: one line per derived value ------------------------------------------------

class _MappingInputs(BaseModel):
    group_id: Annotated[str, Replace(str)]
    permissions: Annotated[dict[str, int], Update(
        lambda value: {str(k): int(v) for k, v in value.items()})] = {}


class _MappingProvider(BaseProvider[_MappingInputs]):
    kind = "Mapping"
    Inputs = _MappingInputs
    derived = {"permission_names": permission_names("permissions", TopicPermissionBit,
                                                    each=True)}


def test_a_mapping_of_permissions_gets_names_per_key() -> None:
    provider = _MappingProvider()
    result = provider.check({}, {"group_id": "g", "permissions": {"t1": 72, "t2": 0.0}})
    assert failures(result) == {}
    assert result.inputs["permission_names"] == {"t1": ["SendTopicMessage", "TopicAtAll"],
                                                 "t2": []}
    partly = provider.check({}, {"group_id": "g", "permissions": {"t1": 8, "t2": rpc.UNKNOWN}})
    assert partly.inputs["permission_names"] == rpc.UNKNOWN
    old = without_names(dict(result.inputs))
    assert provider.diff("id", old, dict(result.inputs)).changes is False


def test_a_derived_value_must_come_from_an_input() -> None:
    with pytest.raises(TypeError, match="source must be an input"):
        type("Broken", (BaseProvider,), {"kind": "B", "Inputs": _MappingInputs,
                                         "derived": {"x": Derived("nothing", str)}})
    with pytest.raises(TypeError, match="must not be one"):
        type("Broken", (BaseProvider,), {"kind": "B", "Inputs": _MappingInputs,
                                         "derived": {"group_id": Derived("permissions", str)}})
