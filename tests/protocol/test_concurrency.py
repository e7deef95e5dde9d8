"""The plugin serves a whole stack from 4 threads sharing one provider instance and client.

40 resources go through 4 concurrent gRPC calls at a time, in dependency order as the engine
schedules them (permission groups, then their topic permissions; deletes in reverse).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from pulumi_tencentchat import PermissionGroup, TopicPermission
from pulumi_tencentchat.client import TencentChatClient

from tests.support.plugin import PluginProcess

from .conftest import GROUP_ID, TOPIC_GENERAL, TOPIC_NEWS, Calls, Declared, State, declare

COUNT = 20
X = TypeVar("X")
Y = TypeVar("Y")


def pg_id(i: int) -> str:
    return f"@PMG#_crowd_{i:02d}"


def topic_of(i: int) -> str:
    return TOPIC_GENERAL if i % 2 == 0 else TOPIC_NEWS


def crowd() -> None:
    for i in range(COUNT):
        group = PermissionGroup(f"crowd-{i:02d}", group_id=GROUP_ID, permission_group_id=pg_id(i),
                                name=f"Crowd {i}", permission=i)
        TopicPermission(f"crowd-{i:02d}-topic", group_id=GROUP_ID,
                        permission_group_id=group.permission_group_id, topic_id=topic_of(i),
                        permission=i % 128)


def in_parallel(fn: Callable[[X], Y], items: list[X]) -> list[Y]:
    """Four concurrent gRPC calls at a time, like the engine against this host."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(fn, items))


def test_forty_resources_created_and_deleted_concurrently(
        plugin: PluginProcess, new_plugin: Callable[[], PluginProcess],
        raw: TencentChatClient, calls: Calls) -> None:
    declared = declare(crowd)
    groups = [declared[f"crowd-{i:02d}"] for i in range(COUNT)]
    topics = [declared[f"crowd-{i:02d}-topic"] for i in range(COUNT)]
    assert len(declared) == 2 * COUNT

    def create(d: Declared) -> State:
        checked = plugin.check(d.urn, {}, d.inputs)
        assert checked.failures == []
        rid, outs = plugin.create(d.urn, checked.inputs)
        return State(d.urn, rid, checked.inputs, outs)

    created = in_parallel(create, groups) + in_parallel(create, topics)
    assert calls.since() == 2 * COUNT  # one call each: nothing retried, nothing duplicated
    assert len({s.id for s in created}) == 2 * COUNT

    on_server = {g.permission_group_id: (g.name, g.permission)
                 for g in raw.iter_permission_groups(GROUP_ID)}
    assert on_server == {pg_id(i): (f"Crowd {i}", i) for i in range(COUNT)}
    for i in range(COUNT):
        perms = raw.get_topic_permissions(GROUP_ID, pg_id(i))
        assert {t.topic_id: t.permission for t in perms.items if t.ok} == {topic_of(i): i % 128}

    destroyer = new_plugin()  # `pulumi destroy` runs in a process of its own

    def delete(state: State) -> None:
        destroyer.delete(state.urn, state.id, state.outs, old_inputs=state.inputs)

    in_parallel(delete, created[COUNT:])  # dependents first
    in_parallel(delete, created[:COUNT])
    assert list(raw.iter_permission_groups(GROUP_ID)) == []
