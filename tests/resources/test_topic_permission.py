"""TopicPermissionProvider called directly, as the dynamic-provider host calls it."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.naming import auto_name
from pulumi_tencentchat.permissions import GroupPermission, TopicPermissionBit
from pulumi_tencentchat.resources._base import ProviderError
from pulumi_tencentchat.resources.topic_permission import TopicPermissionProvider

from tests.resources.conftest import Calls, Community
from tests.resources.helpers import (
    GROUP_ID,
    MAX,
    OTHER_TOPIC,
    TOPIC_GENERAL,
    TOPIC_NEWS,
    checked,
    failures,
    next_deployment,
)

PG = "@PMG#_mods"
ID = f"{PG}/{TOPIC_GENERAL}"


@pytest.fixture
def provider(community: Community, raw: TencentChatClient) -> TopicPermissionProvider:
    """A provider against the emulator, whose community holds permission group ``PG``."""
    raw.create_permission_group(GROUP_ID, "Mods", permission=64, permission_group_id=PG)
    return TopicPermissionProvider()


def tp_news(**over: Any) -> dict[str, Any]:
    news: dict[str, Any] = {"group_id": GROUP_ID, "permission_group_id": PG,
                            "topic_id": TOPIC_GENERAL, "permission": 24.0}
    news.update(over)
    return {k: v for k, v in news.items() if v is not None}


def on_server(raw: TencentChatClient, topic: str = TOPIC_GENERAL, pg: str = PG) -> int | None:
    """The permission the server holds for ``topic`` (None when there is none)."""
    items = raw.get_topic_permissions(GROUP_ID, pg).items
    found = [i.permission for i in items if i.ok and i.topic_id == topic]
    return int(found[0]) if found else None


def created(provider: TopicPermissionProvider, **over: Any) -> dict[str, Any]:
    return dict(provider.create(checked(provider, tp_news(**over))).outs)


# -- check ----------------------------------------------------------------------------------

def test_check_coerces_and_makes_no_call(provider: TopicPermissionProvider,
                                         calls: Calls) -> None:
    calls.mark()
    inputs = checked(provider, tp_news())
    assert inputs == {"group_id": GROUP_ID, "permission_group_id": PG,
                      "topic_id": TOPIC_GENERAL, "permission": 24, "adopt_existing": False,
                      "permission_names": ["SendTopicMessage", "GetTopicHistoryMessage"]}
    assert type(inputs["permission"]) is int
    assert calls.since() == 0


@pytest.mark.parametrize("value", [
    ["SendTopicMessage", "GetTopicHistoryMessage"],
    TopicPermissionBit.SendTopicMessage | TopicPermissionBit.GetTopicHistoryMessage,
    24, 24.0, "24",
])
def test_check_permission_forms(provider: TopicPermissionProvider, value: Any) -> None:
    assert checked(provider, tp_news(permission=value))["permission"] == 24


def test_check_permission_limits(provider: TopicPermissionProvider) -> None:
    assert checked(provider, tp_news(permission=MAX))["permission"] == str(MAX)
    assert checked(provider, tp_news(permission=0.0))["permission"] == 0
    for bad in (-1.0, 2**64):
        reason = failures(provider.check({}, tp_news(permission=bad)))["permission"]
        assert reason.startswith("permission must be between 0 and 2^64-1")


@pytest.mark.parametrize(("value", "needle"), [
    (["SendGroupMessage"], "unknown TopicPermissionBit bit name 'SendGroupMessage'"),
    (GroupPermission.SendGroupMessage, "expected TopicPermissionBit"),
    (None, "permission is required"),
])
def test_check_permission_rejects(provider: TopicPermissionProvider, value: Any,
                                  needle: str) -> None:
    reason = failures(provider.check({}, tp_news(permission=value)))["permission"]
    assert needle in reason


@pytest.mark.parametrize("bad", [
    "general", "@TGS#_dev", "@TGS#_dev@TOPIC#_", "nope@TOPIC#_x",
    "@TGS#_dev@TOPIC#_" + "x" * 80, "@TGS#_dev@TOPIC#_gé",
])
def test_check_rejects_malformed_topic_id(provider: TopicPermissionProvider, bad: str) -> None:
    reason = failures(provider.check({}, tp_news(topic_id=bad)))["topic_id"]
    assert reason.startswith("topic_id must ")


def test_check_topic_id_length_boundary(provider: TopicPermissionProvider) -> None:
    prefix = f"{GROUP_ID}@TOPIC#_"
    ok = prefix + "x" * (96 - len(prefix))
    assert checked(provider, tp_news(topic_id=ok))["topic_id"] == ok
    reason = failures(provider.check({}, tp_news(topic_id=ok + "x")))["topic_id"]
    assert "at most 96 bytes" in reason and "97" in reason


def test_check_rejects_topic_of_another_community(provider: TopicPermissionProvider) -> None:
    reason = failures(provider.check({}, tp_news(topic_id=OTHER_TOPIC)))["topic_id"]
    assert "must be a topic of community '@TGS#_dev'" in reason and OTHER_TOPIC in reason


def test_check_rejects_malformed_ids(provider: TopicPermissionProvider) -> None:
    result = provider.check({}, tp_news(group_id="dev", permission_group_id="mods"))
    assert set(failures(result)) == {"group_id", "permission_group_id"}


def test_check_lets_unknowns_through(provider: TopicPermissionProvider, calls: Calls) -> None:
    calls.mark()
    news = {k: rpc.UNKNOWN for k in tp_news()}
    result = provider.check({}, news)
    assert failures(result) == {} and dict(result.inputs) == {
        **news, "adopt_existing": False, "permission_names": rpc.UNKNOWN}
    # A known topic with an unknown community: the cross-field rule waits.
    result = provider.check({}, tp_news(group_id=rpc.UNKNOWN, topic_id=OTHER_TOPIC))
    assert failures(result) == {}
    assert calls.since() == 0


def test_check_lets_unknown_objects_through(provider: TopicPermissionProvider) -> None:
    result = provider.check({}, tp_news(permission_group_id=Unknown(), permission=Unknown()))
    assert failures(result) == {}


# -- create ---------------------------------------------------------------------------------

def test_create_is_one_call_and_visible(provider: TopicPermissionProvider, calls: Calls,
                                        raw: TencentChatClient) -> None:
    inputs = checked(provider, tp_news(permission=["SendTopicMessage", "TopicAtAll"]))
    calls.mark()
    result = provider.create(inputs)
    assert calls.since() == 1
    assert calls.commands() == {"add_topic_permission_group": 1}
    assert result.id == ID
    assert result.outs == {"group_id": GROUP_ID, "permission_group_id": PG,
                           "topic_id": TOPIC_GENERAL, "permission": 72,
                           "adopt_existing": False,
                           "permission_names": ["SendTopicMessage", "TopicAtAll"]}
    assert on_server(raw) == 72
    assert on_server(raw, TOPIC_NEWS) is None


def test_create_large_permission(provider: TopicPermissionProvider,
                                 raw: TencentChatClient) -> None:
    outs = created(provider, permission=str(MAX))
    assert outs["permission"] == str(MAX)
    assert on_server(raw) == MAX


def test_create_existing_identical_needs_proof_or_adoption(provider: TopicPermissionProvider,
                                                           raw: TencentChatClient) -> None:
    # Under a custom-ID permission group equal values prove nothing (another stack may
    # declare the same): refused, then taken over with adopt_existing.
    raw.add_topic_permissions(GROUP_ID, PG, {TOPIC_GENERAL: 24})
    with pytest.raises(ProviderError, match="adopt_existing=True"):
        provider.create(checked(provider, tp_news()))
    result = provider.create(checked(provider, tp_news(adopt_existing=True, permission=8.0)))
    assert result.id == ID and on_server(raw) == 8
    assert result.outs["adopt_existing"] is True


def test_create_under_an_auto_named_group_takes_its_own_object(
        provider: TopicPermissionProvider, raw: TencentChatClient) -> None:
    # An auto-name contains the stack: a topic permission under it is this stack's.
    pg = auto_name("proj", "dev", "mods")
    raw.create_permission_group(GROUP_ID, "Mods", permission_group_id=pg)
    raw.add_topic_permissions(GROUP_ID, pg, {TOPIC_GENERAL: 1})
    result = provider.create(checked(provider, tp_news(permission_group_id=pg)))
    assert result.outs["permission"] == 24 and on_server(raw, pg=pg) == 24


def test_create_existing_different_fails_clearly(provider: TopicPermissionProvider,
                                                 raw: TencentChatClient) -> None:
    raw.add_topic_permissions(GROUP_ID, PG, {TOPIC_GENERAL: 1})
    with pytest.raises(ProviderError) as info:
        provider.create(checked(provider, tp_news()))
    text = str(info.value)
    assert text.startswith(f"tencentchat:TopicPermission {TOPIC_GENERAL} of permission group "
                           f"{PG}: create failed")
    assert "already has a permission" in text
    assert "ManageTopicInfo (1)" in text and "(24)" in text
    assert on_server(raw) == 1


def test_create_for_missing_permission_group_fails(provider: TopicPermissionProvider) -> None:
    with pytest.raises(ProviderError) as info:
        provider.create(checked(provider, tp_news(permission_group_id="@PMG#_nope")))
    text = str(info.value)
    assert "tencentchat:TopicPermission" in text and "@PMG#_nope" in text
    assert "110006" in text


def test_create_for_missing_topic_fails(provider: TopicPermissionProvider) -> None:
    topic = f"{GROUP_ID}@TOPIC#_missing"
    with pytest.raises(ProviderError) as info:
        provider.create(checked(provider, tp_news(topic_id=topic)))
    assert topic in str(info.value) and "create failed" in str(info.value)


# -- read -----------------------------------------------------------------------------------

def test_read_reports_drift_in_one_call(provider: TopicPermissionProvider, calls: Calls,
                                        raw: TencentChatClient) -> None:
    outs = created(provider)
    raw.set_topic_permissions(GROUP_ID, PG, {TOPIC_GENERAL: 127})
    calls.mark()
    result = provider.read(ID, outs)
    assert calls.since() == 1
    assert result.id == ID
    assert result.outs == {**outs, "permission": 127, "permission_names": [
        "ManageTopicInfo", "ManagePermissionTopicInfo", "TopicMuteMember", "SendTopicMessage",
        "GetTopicHistoryMessage", "RevokeOtherMemberTopicMessage", "TopicAtAll"]}
    assert result.inputs == result.outs
    # refresh direction: refreshed outputs vs old inputs -> an in-place update
    diff = provider.diff(ID, result.outs, checked(provider, tp_news()))
    assert diff.changes is True and diff.replaces == []


def test_read_unchanged(provider: TopicPermissionProvider) -> None:
    outs = created(provider, permission=str(MAX))
    result = provider.read(ID, outs)
    assert result.outs == outs
    assert provider.diff(ID, result.outs, tp_news(permission=str(MAX))).changes is False


def test_read_gone_deleted_out_of_band(provider: TopicPermissionProvider,
                                       raw: TencentChatClient) -> None:
    outs = created(provider)
    raw.delete_topic_permissions(GROUP_ID, PG, [TOPIC_GENERAL])
    result = provider.read(ID, outs)
    assert result.id == "" and result.outs == {}


def test_read_gone_with_permission_group(provider: TopicPermissionProvider,
                                         raw: TencentChatClient) -> None:
    outs = created(provider)
    raw.destroy_permission_groups(GROUP_ID, [PG])
    result = provider.read(ID, outs)
    assert result.id == "" and result.outs == {}


def test_read_gone_with_community(provider: TopicPermissionProvider,
                                  raw: TencentChatClient) -> None:
    outs = created(provider)
    raw.destroy_group(GROUP_ID)
    result = provider.read(ID, outs)
    assert result.id == "" and result.outs == {}


# -- diff -----------------------------------------------------------------------------------

def test_diff_equal(provider: TopicPermissionProvider) -> None:
    olds = {**tp_news(permission=24), "__provider": "a"}
    news = {**tp_news(permission=24.0), "__provider": "b"}
    result = provider.diff(ID, olds, news)
    assert result.changes is False and result.replaces == []
    assert provider.diff(ID, olds, tp_news(permission=["SendTopicMessage",
                                                       "GetTopicHistoryMessage"])).changes \
        is False


def test_diff_permission_updates_in_place(provider: TopicPermissionProvider) -> None:
    result = provider.diff(ID, tp_news(), tp_news(permission=25.0))
    assert result.changes is True and result.replaces == []


@pytest.mark.parametrize(("field", "value"), [
    ("group_id", "@TGS#_other"), ("permission_group_id", "@PMG#_other"),
    ("topic_id", TOPIC_NEWS), ("topic_id", rpc.UNKNOWN), ("permission_group_id", rpc.UNKNOWN),
])
def test_diff_replace(provider: TopicPermissionProvider, field: str, value: Any) -> None:
    result = provider.diff(ID, tp_news(), tp_news(**{field: value}))
    assert result.changes is True and result.replaces == [field]


def test_diff_unknown_permission_is_a_change(provider: TopicPermissionProvider) -> None:
    result = provider.diff(ID, tp_news(), tp_news(permission=rpc.UNKNOWN))
    assert result.changes is True and result.replaces == []


# -- update ---------------------------------------------------------------------------------

def test_update_sets_permission_in_one_call(provider: TopicPermissionProvider, calls: Calls,
                                            raw: TencentChatClient) -> None:
    olds = created(provider)
    news = checked(provider, tp_news(permission=["TopicAtAll"]))
    calls.mark()
    result = provider.update(ID, olds, news)
    assert calls.commands() == {"set_topic_permission_group": 1}
    assert result.outs["permission"] == 64
    assert on_server(raw) == 64


def test_update_without_change_makes_no_call(provider: TopicPermissionProvider,
                                             calls: Calls) -> None:
    olds = created(provider)
    calls.mark()
    provider.update(ID, olds, checked(provider, tp_news(permission=24.0)))
    assert calls.since() == 0


def test_update_recreates_deleted_out_of_band(provider: TopicPermissionProvider,
                                              raw: TencentChatClient) -> None:
    olds = created(provider)
    raw.delete_topic_permissions(GROUP_ID, PG, [TOPIC_GENERAL])
    result = provider.update(ID, olds, checked(provider, tp_news(permission=3.0)))
    assert result.outs["permission"] == 3
    assert on_server(raw) == 3


def test_update_leaves_other_topics(provider: TopicPermissionProvider,
                                    raw: TencentChatClient) -> None:
    raw.add_topic_permissions(GROUP_ID, PG, {TOPIC_NEWS: 5})
    olds = created(provider)
    provider.update(ID, olds, checked(provider, tp_news(permission=1)))
    assert on_server(raw, TOPIC_NEWS) == 5


# -- delete ---------------------------------------------------------------------------------

def test_delete_is_idempotent(provider: TopicPermissionProvider, calls: Calls,
                              raw: TencentChatClient) -> None:
    raw.add_topic_permissions(GROUP_ID, PG, {TOPIC_NEWS: 5})
    outs = created(provider)
    calls.mark()
    next_deployment()
    provider.delete(ID, outs)
    assert calls.since() == 1
    assert on_server(raw) is None and on_server(raw, TOPIC_NEWS) == 5
    next_deployment()
    provider.delete(ID, outs)


def test_delete_after_permission_group_or_community_gone(provider: TopicPermissionProvider,
                                                         raw: TencentChatClient,
                                                         calls: Calls) -> None:
    outs = created(provider)
    raw.destroy_permission_groups(GROUP_ID, [PG])
    next_deployment()
    calls.mark()
    provider.delete(ID, outs)  # gone with its permission group: done, after asking
    assert calls.commands() == {"delete_topic_permission_group": 1}
    raw.destroy_group(GROUP_ID)
    calls.mark()
    provider.delete(ID, outs)  # and with its community
    assert calls.commands() == {"delete_topic_permission_group": 1}


# -- topic destroyed out of band ------------------------------------------------------------

def test_read_gone_with_topic(provider: TopicPermissionProvider,
                              raw: TencentChatClient) -> None:
    outs = created(provider)
    raw.destroy_topics(GROUP_ID, [TOPIC_GENERAL])
    result = provider.read(ID, outs)
    assert result.id == "" and result.outs == {}


def test_delete_after_topic_destroyed(provider: TopicPermissionProvider,
                                      raw: TencentChatClient, calls: Calls) -> None:
    outs = created(provider)
    raw.destroy_topics(GROUP_ID, [TOPIC_GENERAL])
    next_deployment()
    calls.mark()
    provider.delete(ID, outs)  # gone with its topic: done, after asking
    assert calls.commands() == {"delete_topic_permission_group": 1}
