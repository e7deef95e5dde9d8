"""Batched refresh: reads of one scope share a listing, within a window, never across a write.

First the policy of ``_listings`` on its own (a fake clock and fake fetches), then the
providers' reads against the emulator: call counts, results identical to uncached reads,
the window, writes of every provider dropping listings, and create/update never using them.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from pulumi.dynamic import ReadResult
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.resources import _listings
from pulumi_tencentchat.resources._listings import LIST_AFTER_READS, WINDOW_SECONDS
from pulumi_tencentchat.resources.permission_group import PermissionGroupProvider
from pulumi_tencentchat.resources.permission_group_members import (
    PermissionGroupMembersProvider,
)
from pulumi_tencentchat.resources.topic_permission import TopicPermissionProvider

from tests.resources.conftest import Calls, Community
from tests.resources.helpers import GROUP_ID, checked, next_deployment, pg_news

KEY = ("PermissionGroup", GROUP_ID)
X = TypeVar("X")
Y = TypeVar("Y")


class FakeClock:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def no_listings() -> Iterator[None]:
    """Each test starts and ends without listings or read counts."""
    _listings.drop_all()
    yield
    _listings.drop_all()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(_listings, "clock", fake)
    return fake


def in_parallel(fn: Callable[[X], Y], items: list[X]) -> list[Y]:
    """Four concurrent calls at a time, like the plugin host's worker threads."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(fn, items))


class Fetches:
    """A fake ``fetch_all``: counts calls and returns a new listing each time."""

    def __init__(self, fail: bool = False, gate: threading.Event | None = None) -> None:
        self.count = 0
        self.fail = fail
        self.gate = gate
        self.started = threading.Event()

    def __call__(self) -> dict[str, Any]:
        self.count += 1
        self.started.set()
        if self.gate is not None:
            assert self.gate.wait(10)
        if self.fail:
            raise RuntimeError("listing failed")
        return {"listing": self.count}


def lone_reads(fetch: Fetches, client: object = None) -> None:
    """The reads before the one that lists: each reads alone."""
    before = fetch.count
    for _ in range(LIST_AFTER_READS - 1):
        assert _listings.shared(KEY, client, fetch) is None
    assert fetch.count == before


# -- the policy on its own ---------------------------------------------------------------------


def test_reads_list_once_enough_arrive_and_share_it_within_the_window(clock: FakeClock) -> None:
    fetch = Fetches()
    lone_reads(fetch)
    assert _listings.shared(KEY, None, fetch) == {"listing": 1}
    clock.advance(WINDOW_SECONDS)
    assert _listings.shared(KEY, None, fetch) == {"listing": 1}  # at the edge: still served
    assert fetch.count == 1

    clock.advance(0.001)  # too old now: reads count again, only the one at the edge is recent
    assert _listings.shared(KEY, None, fetch) is None
    assert _listings.shared(KEY, None, fetch) == {"listing": 2}
    assert fetch.count == 2

    clock.advance(WINDOW_SECONDS + 0.001)  # quiet: no recent reads, no listing
    assert _listings.shared(KEY, None, fetch) is None
    assert fetch.count == 2


def test_scopes_and_clients_do_not_share(clock: FakeClock) -> None:
    fetch = Fetches()
    lone_reads(fetch)
    assert _listings.shared(KEY, None, fetch) == {"listing": 1}
    other_scope = ("PermissionGroup", "@TGS#_elsewhere")
    assert _listings.shared(other_scope, None, fetch) is None  # its first read
    other_client = object()  # e.g. the stack was configured anew
    assert _listings.shared(KEY, other_client, fetch) == {"listing": 2}  # not client None's
    assert fetch.count == 2


def test_concurrent_readers_wait_for_one_listing(clock: FakeClock) -> None:
    gate = threading.Event()
    fetch = Fetches(gate=gate)
    lone_reads(fetch)
    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(_listings.shared, KEY, None, fetch) for _ in range(6)]
        assert fetch.started.wait(10)
        time.sleep(0.2)  # let the other five arrive while the listing is in flight
        gate.set()
        results = [f.result(timeout=10) for f in futures]
    assert results == [{"listing": 1}] * 6
    assert fetch.count == 1


def test_a_listing_in_flight_across_a_write_serves_nobody(clock: FakeClock) -> None:
    gate = threading.Event()
    fetch = Fetches(gate=gate)
    lone_reads(fetch)
    with ThreadPoolExecutor(max_workers=2) as pool:
        owner = pool.submit(_listings.shared, KEY, None, fetch)
        assert fetch.started.wait(10)
        waiter = pool.submit(_listings.shared, KEY, None, fetch)
        time.sleep(0.1)
        _listings.drop_all()  # a write starts while the listing is being fetched
        gate.set()
        assert owner.result(timeout=10) is None
        assert waiter.result(timeout=10) is None
    assert _listings.shared(KEY, None, fetch) is None  # nothing kept, counts start over
    assert fetch.count == 1


def test_writing_drops_listings_at_its_start_and_at_its_end(clock: FakeClock) -> None:
    fetch = Fetches()
    lone_reads(fetch)
    assert _listings.shared(KEY, None, fetch) == {"listing": 1}
    with _listings.writing():
        # Dropped at the start: reads racing the write count from zero again ...
        lone_reads(fetch)
        # ... and may share a listing taken during the write,
        assert _listings.shared(KEY, None, fetch) == {"listing": 2}
        assert _listings.shared(KEY, None, fetch) == {"listing": 2}
    # which is dropped at its end: a read after the write never sees data from before it.
    assert _listings.shared(KEY, None, fetch) is None
    assert fetch.count == 2


def test_a_failed_listing_makes_readers_read_alone_without_retrying(clock: FakeClock) -> None:
    fetch = Fetches(fail=True)
    lone_reads(fetch)
    assert _listings.shared(KEY, None, fetch) is None
    assert _listings.shared(KEY, None, fetch) is None
    assert fetch.count == 1


# -- providers against the emulator ------------------------------------------------------------


def pg_id(i: int) -> str:
    return f"@PMG#_batch{i:03d}"


def create_groups(count: int) -> list[tuple[str, dict[str, Any]]]:
    """Create permission groups through the provider: ``[(id, state)]``."""
    provider = PermissionGroupProvider()
    created = []
    for i in range(count):
        result = provider.create(checked(provider, pg_news(
            permission_group_id=pg_id(i), name=f"Batch {i}", permission=float(i))))
        created.append((result.id, dict(result.outs)))
    return created


def as_tuple(result: ReadResult) -> tuple[Any, Any, Any]:
    return (result.id, result.outs, result.inputs)


def uncached(read: Callable[[str, dict[str, Any]], ReadResult], rid: str,
             state: dict[str, Any]) -> tuple[Any, Any, Any]:
    """What a lone read says (no listing, no recent reads)."""
    _listings.drop_all()
    return as_tuple(read(rid, state))


def test_refresh_of_many_groups_lists_the_community_once(
        community: Community, raw: TencentChatClient, calls: Calls, clock: FakeClock) -> None:
    n, others = 45, 12
    groups = create_groups(n)
    for i in range(others):
        raw.create_permission_group(GROUP_ID, f"Other {i}", permission_group_id=f"@PMG#_o{i}")
    # Drift the refresh must report: members, a rename, a deletion.
    raw.add_permission_group_members(GROUP_ID, pg_id(1), ["alice", "bob", "carol"])
    raw.modify_permission_group(GROUP_ID, pg_id(2), name="Renamed", custom_string="x")
    raw.destroy_permission_groups(GROUP_ID, [pg_id(3)])
    m = n + others - 1
    provider = PermissionGroupProvider()

    calls.mark()
    results = in_parallel(lambda g: provider.read(*g), groups)
    used = calls.since()
    assert used <= math.ceil(m / 20) + 4
    assert used == LIST_AFTER_READS - 1 + math.ceil(m / 20)  # lone lookups, then one listing
    assert calls.commands() == {"get_permission_group": used}

    assert results[1].outs["member_count"] == 3
    assert (results[2].outs["name"], results[2].outs["custom_string"]) == ("Renamed", "x")
    assert results[3].id == ""
    for (rid, state), result in zip(groups, results, strict=True):
        assert as_tuple(result) == uncached(provider.read, rid, state)


def test_a_lone_read_is_one_lookup(community: Community, calls: Calls) -> None:
    (rid, state), = create_groups(1)
    calls.mark()
    assert PermissionGroupProvider().read(rid, state).id == rid
    assert calls.commands() == {"get_permission_group": 1}


def shared_listing(provider: Any, items: list[tuple[str, dict[str, Any]]]) -> None:
    """Read enough items of one scope for the reads to share a listing."""
    for rid, state in items[:LIST_AFTER_READS]:
        provider.read(rid, state)


def test_the_listing_serves_reads_for_the_window_only(
        community: Community, raw: TencentChatClient, calls: Calls, clock: FakeClock) -> None:
    provider = PermissionGroupProvider()
    groups = create_groups(LIST_AFTER_READS + 1)
    shared_listing(provider, groups)
    raw.modify_permission_group(GROUP_ID, pg_id(0), name="Changed elsewhere")
    rid, state = groups[0]

    clock.advance(WINDOW_SECONDS)
    calls.mark()
    assert provider.read(rid, state).outs["name"] == "Batch 0"  # accepted: out of band, in time
    assert calls.since() == 0

    clock.advance(0.001)
    assert provider.read(rid, state).outs["name"] == "Changed elsewhere"
    assert calls.since() > 0


def test_writes_through_any_provider_drop_the_listing(
        community: Community, raw: TencentChatClient, clock: FakeClock) -> None:
    provider = PermissionGroupProvider()
    groups = create_groups(LIST_AFTER_READS + 2)

    shared_listing(provider, groups)
    rid, state = groups[0]
    news = checked(provider, pg_news(permission_group_id=pg_id(0), name="Updated",
                                     permission=0.0))
    next_deployment()
    state = dict(provider.update(rid, state, news).outs)
    assert provider.read(rid, state).outs["name"] == "Updated"

    shared_listing(provider, groups)
    members = PermissionGroupMembersProvider()
    members.create(checked(members, {"group_id": GROUP_ID, "permission_group_id": pg_id(1),
                                     "members": ["alice", "bob"]}))
    assert provider.read(*groups[1]).outs["member_count"] == 2

    shared_listing(provider, groups)
    next_deployment()
    provider.delete(*groups[2])
    assert provider.read(*groups[2]).id == ""

    shared_listing(provider, groups)
    topics = TopicPermissionProvider()
    topics.create(checked(topics, {"group_id": GROUP_ID, "permission_group_id": pg_id(4),
                                   "topic_id": community.topics[0], "permission": 1.0}))
    raw.modify_permission_group(GROUP_ID, pg_id(4), name="After a topic write")
    # A listing from before the topic write would still say "Batch 4".
    assert provider.read(*groups[4]).outs["name"] == "After a topic write"


def test_create_and_update_never_use_listings(
        community: Community, raw: TencentChatClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any) -> None:
        raise AssertionError("a write path consulted a refresh listing")

    monkeypatch.setattr(_listings, "shared", refuse)
    groups, topics = PermissionGroupProvider(), TopicPermissionProvider()
    # Creates that find their object already there look it up on the server.
    raw.create_permission_group(GROUP_ID, "Taken", permission=5,
                                permission_group_id="@PMG#_taken")
    pg_state = dict(groups.create(checked(groups, pg_news(
        permission_group_id="@PMG#_taken", name="Taken", permission=5.0,
        adopt_existing=True))).outs)
    tp_news = {"group_id": GROUP_ID, "permission_group_id": "@PMG#_taken",
               "topic_id": community.topics[0], "permission": 3.0, "adopt_existing": True}
    raw.add_topic_permissions(GROUP_ID, "@PMG#_taken", {community.topics[0]: 3})
    tp = topics.create(checked(topics, tp_news))
    tp_state = dict(tp.outs)

    next_deployment()
    groups.update("", pg_state, checked(groups, pg_news(
        permission_group_id="@PMG#_taken", name="Renamed", permission=5.0)))
    next_deployment()
    topics.update(tp.id, tp_state, checked(topics, {**tp_news, "permission": 7.0}))
    next_deployment()
    topics.delete(tp.id, tp_state)
    next_deployment()
    groups.delete("", pg_state)
    assert list(raw.iter_permission_groups(GROUP_ID)) == []


def test_reads_of_a_vanished_community_agree_with_uncached_reads(
        community: Community, raw: TencentChatClient, clock: FakeClock) -> None:
    groups = create_groups(LIST_AFTER_READS + 3)
    raw.destroy_group(GROUP_ID)  # every lookup and the listing now fail with 10010
    provider = PermissionGroupProvider()
    results = in_parallel(lambda g: provider.read(*g), groups)
    assert [r.id for r in results] == [""] * len(groups)
    for (rid, state), result in zip(groups, results, strict=True):
        assert as_tuple(result) == uncached(provider.read, rid, state)


def test_refresh_of_many_topic_permissions_lists_the_permission_group_once(
        community: Community, raw: TencentChatClient, calls: Calls, clock: FakeClock) -> None:
    k = 60
    pg = "@PMG#_topics"
    raw.create_permission_group(GROUP_ID, "Topics", permission_group_id=pg)
    topic_ids = [raw.create_topic(GROUP_ID, f"t{i}", topic_id=f"{GROUP_ID}@TOPIC#_t{i:02d}")
                 for i in range(k)]
    provider = TopicPermissionProvider()
    states = []
    for i, topic in enumerate(topic_ids):
        result = provider.create(checked(provider, {
            "group_id": GROUP_ID, "permission_group_id": pg, "topic_id": topic,
            "permission": float(i % 128)}))
        states.append((result.id, dict(result.outs)))
    raw.set_topic_permissions(GROUP_ID, pg, {topic_ids[1]: 99})
    raw.delete_topic_permissions(GROUP_ID, pg, [topic_ids[2]])

    calls.mark()
    results = in_parallel(lambda s: provider.read(*s), states)
    used = calls.since()
    assert used <= math.ceil(k / 50) + 4
    assert used == LIST_AFTER_READS  # lone lookups, then one unpaged listing
    assert calls.commands() == {"get_topic_permission_group": used}

    assert results[1].outs["permission"] == 99
    assert results[2].id == ""
    for (rid, state), result in zip(states, results, strict=True):
        assert as_tuple(result) == uncached(provider.read, rid, state)
