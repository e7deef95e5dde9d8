"""TopicPermissionsProvider called directly, as the dynamic-provider host calls it: check,
create, read, diff and delete, with the calls each makes (updates are in
test_topic_permissions_update)."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.naming import auto_name
from pulumi_tencentchat.resources._base import ProviderError
from pulumi_tencentchat.resources.topic_permissions import TopicPermissionsProvider

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

PG = "@PMG#_squad"
ID = f"{GROUP_ID}/{PG}/topic-permissions"


@pytest.fixture
def provider(community: Community, raw: TencentChatClient) -> TopicPermissionsProvider:
    raw.create_permission_group(GROUP_ID, "Squad", permission=64, permission_group_id=PG)
    return TopicPermissionsProvider()


def news(permissions: Any = None, **over: Any) -> dict[str, Any]:
    """Wire-form inputs (numbers as the engine's doubles)."""
    out: dict[str, Any] = {"group_id": GROUP_ID, "permission_group_id": PG,
                           "permissions": permissions if permissions is not None else
                           {TOPIC_GENERAL: 8.0, TOPIC_NEWS: 24.0}}
    out.update(over)
    return {k: v for k, v in out.items() if v is not None}


def on_server(raw: TencentChatClient, pg: str = PG) -> dict[str, int]:
    return {i.topic_id: int(i.permission or 0)
            for i in raw.get_topic_permissions(GROUP_ID, pg).items if i.ok}


def created(provider: TopicPermissionsProvider, **kw: Any) -> dict[str, Any]:
    return dict(provider.create(checked(provider, news(**kw))).outs)


def many_topics(raw: TencentChatClient, count: int) -> list[str]:
    topics = [f"{GROUP_ID}@TOPIC#_m{k:03d}" for k in range(count)]
    for topic in topics:
        raw.create_topic(GROUP_ID, topic.rsplit("_", 1)[1], topic_id=topic)
    return topics


# -- check ----------------------------------------------------------------------------------

def test_check_normalises_every_form_and_makes_no_call(provider: TopicPermissionsProvider,
                                                      calls: Calls) -> None:
    inputs = checked(provider, news({TOPIC_GENERAL: ["SendTopicMessage", "TopicAtAll"],
                                     TOPIC_NEWS: str(MAX)}))
    names = inputs.pop("permission_names")  # derived: previews show names beside the bits
    assert names[TOPIC_GENERAL] == ["SendTopicMessage", "TopicAtAll"]
    assert len(names[TOPIC_NEWS]) == 64 and names[TOPIC_NEWS][-1] == "bit63"
    assert inputs == {"group_id": GROUP_ID, "permission_group_id": PG,
                      "permissions": {TOPIC_GENERAL: 72, TOPIC_NEWS: str(MAX)},
                      "exclusive": False, "adopt_existing": False}
    assert calls.since() == 0


@pytest.mark.parametrize(("permissions", "needle"), [
    ([TOPIC_GENERAL], "must be a mapping of topic ID to permission (got list)"),
    ({}, "must list at least one topic"),
    ({"general": 8}, "entry 'general': must be a topic ID of the form"),
    ({TOPIC_GENERAL: ["SendGroupMessage"]},
     f"entry {TOPIC_GENERAL}: permission unknown TopicPermissionBit bit name 'SendGroupMessage'"),
    ({TOPIC_GENERAL: -1, TOPIC_NEWS: 2**64},
     "has 2 invalid entries: entry @TGS#_dev@TOPIC#_general: permission must be between 0"),
    ({OTHER_TOPIC: 8}, "must be a topic of community '@TGS#_dev'"),
])
def test_check_rejects(provider: TopicPermissionsProvider, permissions: Any,
                       needle: str) -> None:
    reason = failures(provider.check({}, news(permissions)))["permissions"]
    assert reason.startswith("permissions ") and needle in reason


def test_check_limits_the_number_of_topics(provider: TopicPermissionsProvider) -> None:
    prefix = f"{GROUP_ID}@TOPIC#_"
    at_limit = {f"{prefix}{k}": 1.0 for k in range(1000)}
    assert len(checked(provider, news(at_limit))["permissions"]) == 1000
    reason = failures(provider.check({}, news({**at_limit, f"{prefix}x": 1.0})))["permissions"]
    assert "must list at most 1000 topics (got 1001)" in reason


def test_check_lets_unknowns_through_and_checks_known_parts(
        provider: TopicPermissionsProvider, calls: Calls) -> None:
    result = provider.check({}, news(rpc.UNKNOWN))
    assert failures(result) == {} and result.inputs["permissions"] == rpc.UNKNOWN
    result = provider.check({}, news({TOPIC_GENERAL: Unknown(), TOPIC_NEWS: 8.0}))
    assert failures(result) == {}
    result = provider.check({}, news({"general": rpc.UNKNOWN, TOPIC_NEWS: -1.0}))
    reason = failures(result)["permissions"]
    assert "entry 'general'" in reason and f"entry {TOPIC_NEWS}: permission" in reason
    assert calls.since() == 0


# -- create ---------------------------------------------------------------------------------

def test_create_is_one_call_and_leaves_other_topics(provider: TopicPermissionsProvider,
                                                     calls: Calls,
                                                     raw: TencentChatClient) -> None:
    extra = many_topics(raw, 1)[0]
    raw.add_topic_permissions(GROUP_ID, PG, {extra: 1})
    inputs = checked(provider, news({TOPIC_GENERAL: 8.0, TOPIC_NEWS: float(1 | 8 | 512)}))
    calls.mark()
    result = provider.create(inputs)
    assert calls.commands() == {"add_topic_permission_group": 1}
    assert result.id == ID
    assert result.outs == {
        "group_id": GROUP_ID, "permission_group_id": PG, "exclusive": False,
        "adopt_existing": False,
        "permissions": {TOPIC_GENERAL: 8, TOPIC_NEWS: 521},
        "permission_names": {TOPIC_GENERAL: ["SendTopicMessage"],
                             TOPIC_NEWS: ["ManageTopicInfo", "SendTopicMessage", "bit9"]}}
    assert on_server(raw) == {extra: 1, TOPIC_GENERAL: 8, TOPIC_NEWS: 521}


def test_create_splits_more_than_50_topics_into_calls(provider: TopicPermissionsProvider,
                                                      calls: Calls,
                                                      raw: TencentChatClient) -> None:
    topics = many_topics(raw, 120)
    inputs = checked(provider, news({t: float(k % 128) for k, t in enumerate(topics)}))
    calls.mark()
    outs = provider.create(inputs).outs
    assert calls.commands() == {"add_topic_permission_group": 3}  # 50 + 50 + 20
    assert on_server(raw) == {t: k % 128 for k, t in enumerate(topics)}
    next_deployment()
    calls.mark()
    provider.delete(ID, outs)
    assert calls.commands() == {"delete_topic_permission_group": 3}
    assert on_server(raw) == {}


def test_exclusive_create_removes_the_groups_other_topic_permissions(
        provider: TopicPermissionsProvider, calls: Calls, raw: TencentChatClient) -> None:
    raw.add_topic_permissions(GROUP_ID, PG, {TOPIC_GENERAL: 1, TOPIC_NEWS: 127})
    extra = many_topics(raw, 1)[0]
    raw.add_topic_permissions(GROUP_ID, PG, {extra: 2})
    inputs = checked(provider, news({TOPIC_GENERAL: 1.0, TOPIC_NEWS: 8.0}, exclusive=True))
    calls.mark()
    outs = provider.create(inputs).outs
    # One read, then the extra topic removed and the listed one reduced; nothing added.
    assert calls.commands() == {"get_topic_permission_group": 1,
                                "delete_topic_permission_group": 1,
                                "set_topic_permission_group": 1}
    assert on_server(raw) == {TOPIC_GENERAL: 1, TOPIC_NEWS: 8}
    assert outs["exclusive"] is True


def test_create_refuses_topics_another_stack_may_own(provider: TopicPermissionsProvider,
                                                     raw: TencentChatClient) -> None:
    raw.add_topic_permissions(GROUP_ID, PG, {TOPIC_NEWS: 1})
    with pytest.raises(ProviderError) as info:
        provider.create(checked(provider, news()))
    text = str(info.value)
    assert text.startswith(f"tencentchat:TopicPermissions topic permissions of permission "
                           f"group {PG} in community {GROUP_ID}: create failed")
    assert f"already has a permission for topic {TOPIC_NEWS}: ManageTopicInfo (1)" in text
    assert "nothing shows it belongs to this stack" in text and "exclusive=True" in text
    assert "1 topic permission change(s) made before it were undone" in text
    assert on_server(raw) == {TOPIC_NEWS: 1}  # its own add of the other topic taken back


def test_create_under_an_auto_named_group_takes_its_own_topics(
        provider: TopicPermissionsProvider, raw: TencentChatClient, calls: Calls) -> None:
    pg = auto_name("proj", "dev", "squad")
    raw.create_permission_group(GROUP_ID, "Squad", permission_group_id=pg)
    raw.add_topic_permissions(GROUP_ID, pg, {TOPIC_NEWS: 1 | 2})
    calls.mark()
    provider.create(checked(provider, news(permission_group_id=pg)))
    # add (one refused), one read, then 3 -> 2 (reduce) -> 24 (grant): never 1|24 at once.
    assert calls.commands() == {"add_topic_permission_group": 1,
                                "get_topic_permission_group": 1,
                                "set_topic_permission_group": 2}
    assert on_server(raw, pg) == {TOPIC_GENERAL: 8, TOPIC_NEWS: 24}


def test_create_for_a_missing_topic_fails_and_undoes(provider: TopicPermissionsProvider,
                                                      raw: TencentChatClient) -> None:
    missing = f"{GROUP_ID}@TOPIC#_missing"
    with pytest.raises(ProviderError) as info:
        provider.create(checked(provider, news({TOPIC_GENERAL: 8.0, missing: 8.0})))
    assert missing in str(info.value) and "10010" in str(info.value)
    assert on_server(raw) == {}


def test_create_in_a_missing_permission_group_fails(provider: TopicPermissionsProvider) -> None:
    with pytest.raises(ProviderError, match="110006"):
        provider.create(checked(provider, news(permission_group_id="@PMG#_nope")))


# -- read -----------------------------------------------------------------------------------

def test_read_is_one_call_and_reports_drift(provider: TopicPermissionsProvider, calls: Calls,
                                            raw: TencentChatClient) -> None:
    outs = created(provider)
    extra = many_topics(raw, 1)[0]
    raw.add_topic_permissions(GROUP_ID, PG, {extra: 1})  # not listed: not this resource's
    raw.set_topic_permissions(GROUP_ID, PG, {TOPIC_NEWS: 127})
    calls.mark()
    result = provider.read(ID, outs)
    assert calls.commands() == {"get_topic_permission_group": 1}
    assert result.outs["permissions"] == {TOPIC_GENERAL: 8, TOPIC_NEWS: 127}
    assert result.outs["permission_names"][TOPIC_NEWS][-1] == "TopicAtAll"
    assert result.inputs == result.outs  # the names travel in inputs too, for previews
    diff = provider.diff(ID, result.outs, checked(provider, news()))
    assert diff.changes is True and diff.replaces == []


def test_read_drops_topics_gone_and_the_resource_when_none_is_left(
        provider: TopicPermissionsProvider, raw: TencentChatClient) -> None:
    outs = created(provider)
    raw.destroy_topics(GROUP_ID, [TOPIC_NEWS])  # a topic destroyed under it
    result = provider.read(ID, outs)
    assert result.outs["permissions"] == {TOPIC_GENERAL: 8}
    raw.delete_topic_permissions(GROUP_ID, PG, [TOPIC_GENERAL])
    assert provider.read(ID, outs).id == ""


@pytest.mark.parametrize("gone", ["permission group", "community"])
def test_read_gone_with_its_group(provider: TopicPermissionsProvider, raw: TencentChatClient,
                                  gone: str) -> None:
    outs = created(provider)
    if gone == "community":
        raw.destroy_group(GROUP_ID)
    else:
        raw.destroy_permission_groups(GROUP_ID, [PG])
    result = provider.read(ID, outs)
    assert result.id == "" and result.outs == {}


def test_exclusive_read_shows_unlisted_topics_as_drift(provider: TopicPermissionsProvider,
                                                       raw: TencentChatClient) -> None:
    outs = created(provider, exclusive=True)
    extra = many_topics(raw, 1)[0]
    raw.add_topic_permissions(GROUP_ID, PG, {extra: 4})
    result = provider.read(ID, outs)
    assert result.outs["permissions"] == {TOPIC_GENERAL: 8, TOPIC_NEWS: 24, extra: 4}
    assert provider.diff(ID, result.outs, checked(provider, news(exclusive=True))).changes


def test_read_by_id_returns_every_topic(provider: TopicPermissionsProvider,
                                        raw: TencentChatClient) -> None:
    raw.add_topic_permissions(GROUP_ID, PG, {TOPIC_NEWS: 2})
    result = provider.read(ID, {})
    assert result.id == ID and result.outs["permissions"] == {TOPIC_NEWS: 2}
    with pytest.raises(ProviderError, match="names no permission group's topic permissions"):
        provider.read(f"{GROUP_ID}/{PG}", {})
    with pytest.raises(ProviderError, match="no TopicPermissions with ID"):
        provider.read(f"{GROUP_ID}/@PMG#_nope/topic-permissions", {})


# -- diff -----------------------------------------------------------------------------------

def test_diff_compares_values_not_forms_or_order(provider: TopicPermissionsProvider) -> None:
    olds = {**news({TOPIC_NEWS: 24, TOPIC_GENERAL: 8}), "exclusive": False,
            "__provider": "a"}  # no permission_names: state written before it existed
    same = news({TOPIC_GENERAL: ["SendTopicMessage"],
                 TOPIC_NEWS: ["SendTopicMessage", "GetTopicHistoryMessage"]})
    assert provider.diff(ID, olds, {**same, "__provider": "b"}).changes is False
    with_names = {**olds, "permission_names": {TOPIC_GENERAL: ["bit63"]}}
    assert provider.diff(ID, with_names, same).changes is False  # an output, never diffed


def test_state_beyond_the_programs_limit_is_still_named_and_compared(
        provider: TopicPermissionsProvider) -> None:
    # A read by ID or an exclusive refresh reports whatever the server holds, which may be more
    # topics than a program may list: the state still gets its names and diffs by value.
    from pulumi_tencentchat.validation import TOPIC_PERMISSIONS_MAX

    held = {f"{GROUP_ID}@TOPIC#_s{k:04d}": float(k % 3 + 1)
            for k in range(TOPIC_PERMISSIONS_MAX + 1)}
    assert provider.derive({"permissions": held}) == {}  # the program's rule refuses it
    names = provider.derive({"permissions": held}, stored=True)["permission_names"]
    assert len(names) == len(held)
    assert names[f"{GROUP_ID}@TOPIC#_s0002"] == ["ManageTopicInfo", "ManagePermissionTopicInfo"]
    olds = news({t: int(bits) for t, bits in held.items()})
    assert provider.diff(ID, olds, news(held)).changes is False
    assert provider.diff(ID, olds, news({**held, f"{GROUP_ID}@TOPIC#_s0000": 2.0})).changes


@pytest.mark.parametrize(("field", "value", "replaces"), [
    ("permissions", {TOPIC_GENERAL: 8.0}, []),
    ("permissions", {TOPIC_GENERAL: 8.0, TOPIC_NEWS: 25.0}, []),
    ("permissions", {TOPIC_GENERAL: rpc.UNKNOWN, TOPIC_NEWS: 24.0}, []),
    ("permissions", rpc.UNKNOWN, []),
    ("exclusive", True, []),
    ("permission_group_id", "@PMG#_other", ["permission_group_id"]),
    ("group_id", "@TGS#_other", ["group_id"]),
])
def test_diff_changes(provider: TopicPermissionsProvider, field: str, value: Any,
                      replaces: list[str]) -> None:
    result = provider.diff(ID, news(), news(**{field: value}))
    assert result.changes is True and result.replaces == replaces


# -- delete ---------------------------------------------------------------------------------

def test_delete_removes_only_listed_topics(provider: TopicPermissionsProvider, calls: Calls,
                                           raw: TencentChatClient) -> None:
    outs = created(provider, permissions={TOPIC_GENERAL: 8.0})
    raw.add_topic_permissions(GROUP_ID, PG, {TOPIC_NEWS: 5})
    next_deployment()
    calls.mark()
    provider.delete(ID, outs)
    assert calls.commands() == {"delete_topic_permission_group": 1}
    assert on_server(raw) == {TOPIC_NEWS: 5}
    provider.delete(ID, outs)  # already gone: done


@pytest.mark.parametrize("gone", ["topic", "permission group", "community"])
def test_delete_after_what_holds_it_is_gone(provider: TopicPermissionsProvider,
                                            raw: TencentChatClient, calls: Calls,
                                            gone: str) -> None:
    outs = created(provider)
    if gone == "topic":
        raw.destroy_topics(GROUP_ID, [TOPIC_NEWS])
    elif gone == "permission group":
        raw.destroy_permission_groups(GROUP_ID, [PG])
    else:
        raw.destroy_group(GROUP_ID)
    next_deployment()
    calls.mark()
    provider.delete(ID, outs)
    assert calls.commands() == {"delete_topic_permission_group": 1}


def test_delete_skips_topics_a_live_resource_of_this_deployment_holds(
        provider: TopicPermissionsProvider, raw: TencentChatClient) -> None:
    # A TopicPermission of this deployment took over TOPIC_NEWS: deleting the old mapping
    # must leave it.
    from pulumi_tencentchat.resources import _claims

    outs = created(provider)
    next_deployment()
    _claims.hold([("TopicPermission", GROUP_ID, PG, TOPIC_NEWS)])
    provider.delete(ID, outs)
    assert on_server(raw) == {TOPIC_NEWS: 24}
