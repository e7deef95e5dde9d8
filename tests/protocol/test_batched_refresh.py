"""Refresh through the real plugin: reads of one scope share listings, writes drop them.

As with the CLI, ``pulumi up`` runs in one plugin process and ``pulumi refresh`` in a fresh
one, whose reads arrive 4 at a time. Call counts come from the emulator's own stats.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest
from pulumi_tencentchat import PermissionGroup, PermissionGroupMembers, TopicPermission
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.resources._listings import LIST_AFTER_READS

from tests.support.emulator import EmulatorProcess
from tests.support.plugin import PluginProcess, ReadOutcome

from .conftest import (
    GROUP_ID,
    TOPIC_GENERAL,
    Calls,
    State,
    declare,
    declare_one,
    up_create,
)

X = TypeVar("X")
Y = TypeVar("Y")


def in_parallel(fn: Callable[[X], Y], items: list[X]) -> list[Y]:
    """Four concurrent gRPC calls at a time, like the engine against this host."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(fn, items))


# Bit names in bit order, written out (Tencent's docs), for the derived ``permission_names``.
GROUP_BITS = ("ManageGroupInfo", "ManageGroupMember", "ManagePermissionGroupInfo",
              "ManagePermissionGroupMember", "ManageTopic", "GroupMuteMember",
              "SendGroupMessage", "GroupAtAll")
TOPIC_BITS = ("ManageTopicInfo", "ManagePermissionTopicInfo", "TopicMuteMember",
              "SendTopicMessage", "GetTopicHistoryMessage", "RevokeOtherMemberTopicMessage",
              "TopicAtAll")


def names(permission: int, bits: tuple[str, ...]) -> list[str]:
    assert permission < 1 << len(bits)  # the values these tests set
    return [name for i, name in enumerate(bits) if permission >> i & 1]


def pg_id(i: int) -> str:
    return f"@PMG#_refresh{i:03d}"


def up_groups(plugin: PluginProcess, count: int) -> list[State]:
    declared = declare(lambda: [
        PermissionGroup(f"g-{i:03d}", group_id=GROUP_ID, permission_group_id=pg_id(i),
                        name=f"Group {i}", permission=i) for i in range(count)])
    return in_parallel(lambda d: up_create(plugin, d),
                       [declared[f"g-{i:03d}"] for i in range(count)])


def refresh(plugin: PluginProcess, states: list[State]) -> list[ReadOutcome]:
    return in_parallel(lambda s: plugin.read(s.urn, s.id, s.outs, s.inputs), states)


@pytest.mark.parametrize(("n", "others"), [(20, 0), (45, 0), (100, 0), (20, 37)])
def test_refreshing_many_groups_costs_one_listing(
        new_plugin: Callable[[], PluginProcess], raw: TencentChatClient,
        emulator: EmulatorProcess, community: str, n: int, others: int) -> None:
    states = up_groups(new_plugin(), n)
    for i in range(others):  # groups of the community that this stack does not manage
        raw.create_permission_group(GROUP_ID, f"Other {i}", permission_group_id=f"@PMG#_o{i}")
    raw.add_permission_group_members(GROUP_ID, pg_id(1), ["alice", "bob", "carol"])
    raw.modify_permission_group(GROUP_ID, pg_id(2), name="Renamed", permission=7)
    raw.destroy_permission_groups(GROUP_ID, [pg_id(3)])
    m = n + others - 1

    calls = Calls(emulator).mark()
    outcomes = refresh(new_plugin(), states)
    used = calls.commands()
    assert set(used) == {"get_permission_group"}
    assert used["get_permission_group"] <= math.ceil(m / 20) + 4

    server = {g.permission_group_id: g for g in raw.iter_permission_groups(GROUP_ID)}
    assert len(server) == m
    for state, outcome in zip(states, outcomes, strict=True):
        item = server.get(state.outs["permission_group_id"])
        if item is None:
            assert outcome.id == ""
            continue
        assert outcome.id == state.id
        assert outcome.outs == {**state.outs, "name": item.name,
                                "permission": float(item.permission),
                                "custom_string": item.custom_string,
                                "member_count": float(item.member_count),
                                "permission_names": names(item.permission, GROUP_BITS)}
    assert outcomes[1].outs["member_count"] == 3.0
    assert (outcomes[2].outs["name"], outcomes[2].outs["permission"]) == ("Renamed", 7.0)

    # A fresh process's lone reads cost one call each and say exactly what the refresh said.
    lone = new_plugin()
    for i in range(1, LIST_AFTER_READS):
        calls.mark()
        assert lone.read(states[i].urn, states[i].id, states[i].outs,
                         states[i].inputs) == outcomes[i]
        assert calls.commands() == {"get_permission_group": 1}


def test_refreshing_many_topic_permissions_costs_one_listing(
        new_plugin: Callable[[], PluginProcess], raw: TencentChatClient,
        emulator: EmulatorProcess, community: str) -> None:
    k = 60
    pg = "@PMG#_topics"
    raw.create_permission_group(GROUP_ID, "Topics", permission_group_id=pg)
    topics = [raw.create_topic(GROUP_ID, f"t{i}", topic_id=f"{GROUP_ID}@TOPIC#_t{i:02d}")
              for i in range(k)]
    declared = declare(lambda: [
        TopicPermission(f"tp-{i:02d}", group_id=GROUP_ID, permission_group_id=pg,
                        topic_id=topic, permission=i % 128) for i, topic in enumerate(topics)])
    up = new_plugin()
    states = in_parallel(lambda d: up_create(up, d), [declared[f"tp-{i:02d}"] for i in range(k)])
    raw.set_topic_permissions(GROUP_ID, pg, {topics[1]: 99})
    raw.delete_topic_permissions(GROUP_ID, pg, [topics[2]])

    calls = Calls(emulator).mark()
    outcomes = refresh(new_plugin(), states)
    used = calls.commands()
    assert set(used) == {"get_topic_permission_group"}
    # Documented bound: LIST_AFTER_READS - 1 lone lookups, then one unpaged listing.
    assert used["get_topic_permission_group"] <= LIST_AFTER_READS <= math.ceil(k / 50) + 4

    server = {t.topic_id: t.permission for t in raw.get_topic_permissions(GROUP_ID, pg).items}
    for state, outcome in zip(states, outcomes, strict=True):
        permission = server.get(state.outs["topic_id"])
        if permission is None:
            assert outcome.id == ""
        else:
            assert outcome.outs == {**state.outs, "permission": float(permission),
                                    "permission_names": names(permission, TOPIC_BITS)}
    assert outcomes[1].outs["permission"] == 99.0
    assert outcomes[2].id == ""


def test_reads_after_writes_through_the_plugin_see_the_writes(
        new_plugin: Callable[[], PluginProcess], raw: TencentChatClient,
        emulator: EmulatorProcess, community: str) -> None:
    plugin = new_plugin()  # one process that refreshes and writes, as `pulumi up --refresh`
    states = up_groups(plugin, 20)
    refresh(plugin, states)  # the community's listing is now shared

    renamed = declare_one(lambda: PermissionGroup(
        "g-000", group_id=GROUP_ID, permission_group_id=pg_id(0), name="Renamed", permission=0))
    checked = plugin.check(states[0].urn, states[0].inputs, renamed.inputs)
    outs = plugin.update(states[0].urn, states[0].id, states[0].outs, checked.inputs,
                         old_inputs=states[0].inputs)
    assert outs["name"] == "Renamed"
    assert plugin.read(states[0].urn, states[0].id, outs, checked.inputs).outs["name"] == \
        "Renamed"

    refresh(plugin, states)
    up_create(plugin, declare_one(lambda: PermissionGroupMembers(
        "g-001-members", group_id=GROUP_ID, permission_group_id=pg_id(1),
        members=["alice", "bob"])))
    assert plugin.read(states[1].urn, states[1].id, states[1].outs,
                       states[1].inputs).outs["member_count"] == 2.0

    # `pulumi destroy --refresh` of one group in a new process: the delete drops the listing
    # its refresh shared, so the next read sees the group gone.
    plugin = new_plugin()
    refresh(plugin, states)
    plugin.delete(states[2].urn, states[2].id, states[2].outs, old_inputs=states[2].inputs)
    assert plugin.read(states[2].urn, states[2].id, states[2].outs, states[2].inputs).id == ""


def test_every_operation_costs_exactly_one_call(
        new_plugin: Callable[[], PluginProcess], emulator: EmulatorProcess,
        community: str) -> None:
    plugin = new_plugin()
    calls = Calls(emulator)

    def one(command: str, step: Callable[[], X]) -> X:
        calls.mark()
        result = step()
        assert calls.commands() == {command: 1}
        return result

    group = declare_one(lambda: PermissionGroup(
        "solo", group_id=GROUP_ID, permission_group_id="@PMG#_solo", name="Solo", permission=1))
    g = one("create_permission_group", lambda: up_create(plugin, group))
    topic = declare_one(lambda: TopicPermission(
        "solo-general", group_id=GROUP_ID, permission_group_id="@PMG#_solo",
        topic_id=TOPIC_GENERAL, permission=1))
    t = one("add_topic_permission_group", lambda: up_create(plugin, topic))

    read_g = one("get_permission_group", lambda: plugin.read(g.urn, g.id, g.outs, g.inputs))
    assert read_g.outs == g.outs
    read_t = one("get_topic_permission_group",
                 lambda: plugin.read(t.urn, t.id, t.outs, t.inputs))
    assert read_t.outs == t.outs

    news_g = plugin.check(g.urn, g.inputs, declare_one(lambda: PermissionGroup(
        "solo", group_id=GROUP_ID, permission_group_id="@PMG#_solo", name="Solo 2",
        permission=1)).inputs).inputs
    one("modify_permission_group",
        lambda: plugin.update(g.urn, g.id, g.outs, news_g, old_inputs=g.inputs))
    news_t = plugin.check(t.urn, t.inputs, declare_one(lambda: TopicPermission(
        "solo-general", group_id=GROUP_ID, permission_group_id="@PMG#_solo",
        topic_id=TOPIC_GENERAL, permission=3)).inputs).inputs
    one("set_topic_permission_group",
        lambda: plugin.update(t.urn, t.id, t.outs, news_t, old_inputs=t.inputs))

    plugin = new_plugin()  # `pulumi destroy`: a new process
    one("delete_topic_permission_group",
        lambda: plugin.delete(t.urn, t.id, t.outs, old_inputs=t.inputs))
    one("destroy_permission_group",
        lambda: plugin.delete(g.urn, g.id, g.outs, old_inputs=g.inputs))
