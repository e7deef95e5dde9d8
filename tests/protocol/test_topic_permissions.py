"""TopicPermissions and exclusive member lists through the real plugin, in the engine's order.

Whole deployments (``tests/support/engine.py``): preview with a topic ID the engine only knows
after a create, create, unchanged runs, updates, refresh after changes made outside Pulumi (in
both exclusive modes), a topic destroyed under the resource, more than 50 topics, a forced
replacement, a move to another permission group, destroy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pulumi_tencentchat import (
    PermissionGroup,
    PermissionGroupMembers,
    TopicPermissionBit,
    TopicPermissions,
)
from pulumi_tencentchat.client import TencentChatClient

from tests.support.emulator import Calls, EmulatorProcess
from tests.support.engine import DeploymentFailed, Stack

from .conftest import (
    CLEAN_ENV,
    GROUP_ID,
    SECRET_CONFIG_KEYS,
    TOPIC_GENERAL,
    TOPIC_NEWS,
    stack_config,
)

T = TopicPermissionBit
PG = "@PMG#_crew"
OTHER_PG = "@PMG#_crew2"


@pytest.fixture
def stack(emulator: EmulatorProcess, community: str) -> Iterator[Stack]:
    yield Stack(stack_config(emulator.url), secret_keys=SECRET_CONFIG_KEYS, plugin_env=CLEAN_ENV)


@pytest.fixture
def topics(raw: TencentChatClient, community: str) -> list[str]:
    """Six more topics of the community."""
    made = [f"{GROUP_ID}@TOPIC#_x{k}" for k in range(6)]
    for topic in made:
        raw.create_topic(GROUP_ID, topic.rsplit("_", 1)[1], topic_id=topic)
    return made


def crew(permissions: dict[Any, Any], *, exclusive: bool = False, pg: str = PG,
         members: list[str] | None = None, members_exclusive: bool = False,
         topic_of: Callable[[PermissionGroup], Any] | None = None) -> Callable[[], None]:
    """A permission group, its topic permissions as one resource, optionally its members."""

    def program() -> None:
        group = PermissionGroup("crew", group_id=GROUP_ID, permission_group_id=pg, name="Crew")
        mapping = dict(permissions)
        if topic_of is not None:
            mapping[topic_of(group)] = T.SendTopicMessage
        TopicPermissions("crew-topics", group_id=GROUP_ID,
                         permission_group_id=group.permission_group_id, permissions=mapping,
                         exclusive=exclusive)
        if members is not None:
            PermissionGroupMembers("crew-members", group_id=GROUP_ID,
                                   permission_group_id=group.permission_group_id, members=members,
                                   exclusive=members_exclusive)

    return program


def on_server(raw: TencentChatClient, pg: str = PG) -> dict[str, int]:
    return {i.topic_id: int(i.permission or 0)
            for i in raw.get_topic_permissions(GROUP_ID, pg).items if i.ok}


def recorded(stack: Stack) -> dict[str, int]:
    outs = stack.snapshot.get("crew-topics").outputs
    return {t: int(bits) for t, bits in outs["permissions"].items()}


def test_lifecycle(stack: Stack, raw: TencentChatClient, calls: Calls) -> None:
    declared = {TOPIC_GENERAL: ["SendTopicMessage"], TOPIC_NEWS: 24}
    outcome = stack.preview(crew(declared))
    assert {m for m, _ in outcome.calls} <= {"check", "diff"} and calls.since() == 0

    calls.mark()
    stack.up(crew(declared))
    assert calls.commands() == {"create_permission_group": 1, "add_topic_permission_group": 1}
    assert on_server(raw) == recorded(stack) == {TOPIC_GENERAL: 8, TOPIC_NEWS: 24}
    names = stack.snapshot.get("crew-topics").outputs["permission_names"]
    assert names == {TOPIC_GENERAL: ["SendTopicMessage"],
                     TOPIC_NEWS: ["SendTopicMessage", "GetTopicHistoryMessage"]}

    calls.mark()
    outcome = stack.up(crew(declared))  # unchanged: no call at all
    assert {m for m, _ in outcome.calls} == {"check", "diff"} and calls.since() == 0

    calls.mark()
    outcome = stack.up(crew({TOPIC_GENERAL: 8 | 64, TOPIC_NEWS: 24}))
    assert outcome.ops("update") == ["crew-topics"]
    assert calls.commands() == {"set_topic_permission_group": 1}
    assert on_server(raw) == {TOPIC_GENERAL: 72, TOPIC_NEWS: 24}

    calls.mark()
    stack.destroy()
    assert calls.commands() == {"delete_topic_permission_group": 1,
                                "destroy_permission_group": 1}
    assert stack.snapshot.resources == []


@pytest.mark.parametrize("exclusive", [False, True])
def test_changes_outside_pulumi(stack: Stack, raw: TencentChatClient, topics: list[str],
                                exclusive: bool) -> None:
    declared = {TOPIC_GENERAL: 8, TOPIC_NEWS: 24}
    stack.up(crew(declared, exclusive=exclusive))
    raw.set_topic_permissions(GROUP_ID, PG, {TOPIC_NEWS: 127})  # a listed topic changed
    raw.add_topic_permissions(GROUP_ID, PG, {topics[0]: 4})  # an unlisted one added

    outcome = stack.refresh()
    assert outcome.drift == ["crew-topics"]
    seen = {TOPIC_GENERAL: 8, TOPIC_NEWS: 127, **({topics[0]: 4} if exclusive else {})}
    assert recorded(stack) == seen

    stack.up(crew(declared, exclusive=exclusive))
    expected = {**declared, **({} if exclusive else {topics[0]: 4})}
    assert on_server(raw) == expected
    assert recorded(stack) == declared
    assert stack.refresh().drift == []


def test_a_topic_destroyed_under_it(stack: Stack, raw: TencentChatClient,
                                    topics: list[str]) -> None:
    declared = {TOPIC_GENERAL: 8, topics[0]: 24}
    stack.up(crew(declared))
    raw.destroy_topics(GROUP_ID, [topics[0]])

    assert stack.refresh().drift == ["crew-topics"]
    assert recorded(stack) == {TOPIC_GENERAL: 8}
    # Still declared: the next up names the missing topic and changes nothing.
    with pytest.raises(DeploymentFailed) as info:
        stack.up(crew({**declared, TOPIC_GENERAL: 24}))
    assert topics[0] in str(info.value) and "10010" in str(info.value)
    assert on_server(raw) == {TOPIC_GENERAL: 8}
    # Dropped from the program: done.
    stack.up(crew({TOPIC_GENERAL: 24}))
    assert on_server(raw) == recorded(stack) == {TOPIC_GENERAL: 24}


def test_more_than_50_topics_are_split_into_calls(stack: Stack, raw: TencentChatClient,
                                                  calls: Calls) -> None:
    many = [f"{GROUP_ID}@TOPIC#_m{k:03d}" for k in range(120)]
    for topic in many:
        raw.create_topic(GROUP_ID, topic.rsplit("_", 1)[1], topic_id=topic)
    declared = {t: k % 128 for k, t in enumerate(many)}
    calls.mark()
    stack.up(crew(declared))
    assert calls.commands()["add_topic_permission_group"] == 3
    assert on_server(raw) == declared

    calls.mark()
    stack.up(crew({t: bits | 1 for t, bits in declared.items()}))
    # Only the 60 topics without bit 0 change: two calls.
    assert calls.commands() == {"set_topic_permission_group": 2}

    calls.mark()
    stack.refresh()
    assert calls.commands() == {"get_permission_group": 1, "get_topic_permission_group": 1}
    calls.mark()
    stack.destroy()
    assert calls.commands() == {"delete_topic_permission_group": 3,
                                "destroy_permission_group": 1}


def test_a_topic_id_unknown_during_preview(stack: Stack, raw: TencentChatClient,
                                           calls: Calls) -> None:
    # A topic ID derived from a value the engine knows only once the group exists.
    def news_topic(group: PermissionGroup) -> Any:
        return group.member_count.apply(lambda _count: TOPIC_NEWS)

    program = crew({TOPIC_GENERAL: 8}, topic_of=news_topic)
    outcome = stack.preview(program)
    assert {m for m, _ in outcome.calls} <= {"check", "diff"} and calls.since() == 0
    stack.up(program)
    assert on_server(raw) == {TOPIC_GENERAL: 8, TOPIC_NEWS: 8}

    # An existing resource whose mapping becomes unknown: an update in the plan, no call.
    calls.mark()
    outcome = stack.preview(crew({TOPIC_GENERAL: 24}, topic_of=news_topic))
    assert calls.since() == 0 and set(outcome.ops("check")) >= {"crew-topics"}
    stack.up(crew({TOPIC_GENERAL: 24}, topic_of=news_topic))
    assert on_server(raw) == {TOPIC_GENERAL: 24, TOPIC_NEWS: 8}


def test_forced_replacement_keeps_the_topics(stack: Stack, raw: TencentChatClient) -> None:
    declared = {TOPIC_GENERAL: 8, TOPIC_NEWS: 24}
    stack.up(crew(declared))
    outcome = stack.up(crew(declared), replace=["crew-topics"])
    calls = [m for m, urn in outcome.calls if urn.endswith("::crew-topics")]
    assert calls[-2:] == ["create", "delete"]
    assert on_server(raw) == recorded(stack) == declared


def test_moving_to_another_permission_group(stack: Stack, raw: TencentChatClient) -> None:
    declared = {TOPIC_GENERAL: 8, TOPIC_NEWS: 24}
    stack.up(crew(declared))
    stack.up(crew(declared, pg=OTHER_PG))
    assert on_server(raw, OTHER_PG) == declared
    assert [g.permission_group_id for g in raw.iter_permission_groups(GROUP_ID)] == [OTHER_PG]


def test_exclusive_members(stack: Stack, raw: TencentChatClient) -> None:
    shared = crew({TOPIC_GENERAL: 8}, members=["alice", "bob"])
    owned = crew({TOPIC_GENERAL: 8}, members=["alice", "bob"], members_exclusive=True)
    stack.up(shared)
    raw.add_permission_group_members(GROUP_ID, PG, ["stranger"])
    assert stack.refresh().drift == []  # not listed, not exclusive: not this resource's
    stack.up(owned)  # turning exclusive on removes the account nobody listed
    assert set(raw.iter_permission_group_members(GROUP_ID, PG)) == {"alice", "bob"}

    raw.add_permission_group_members(GROUP_ID, PG, ["mallory"])
    assert stack.refresh().drift == ["crew-members"]
    assert stack.snapshot.get("crew-members").outputs["members"] == ["alice", "bob", "mallory"]
    stack.up(owned)
    assert set(raw.iter_permission_group_members(GROUP_ID, PG)) == {"alice", "bob"}
    assert stack.refresh().drift == []

    # Back to shared: accounts added outside stay, removals touch only the listed ones.
    stack.up(shared)
    raw.add_permission_group_members(GROUP_ID, PG, ["mallory"])
    stack.up(crew({TOPIC_GENERAL: 8}, members=["alice"]))
    assert set(raw.iter_permission_group_members(GROUP_ID, PG)) == {"alice", "mallory"}
