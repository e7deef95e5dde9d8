"""Batch calls are cut exactly at Tencent's documented caps, counted at the emulator.

N items at the cap take one request and N + 1 take two: a chunk a little smaller or larger
than the cap fails one of the two (a loose count such as "about three requests" would not).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pulumi_tencentchat.client import TencentChatClient

from tests.support.emulator import DEV_SDKAPPID, DEV_SECRET_KEY, Calls, EmulatorProcess

G = "@TGS#_batches"
T = [f"{G}@TOPIC#_t{i:03d}" for i in range(51)]


@pytest.fixture
def raw(emulator: EmulatorProcess) -> Iterator[TencentChatClient]:
    client = TencentChatClient(DEV_SDKAPPID, secret_key=DEV_SECRET_KEY, endpoint=emulator.url,
                               requests_per_second=200.0)
    client.create_group(name="Batches", group_id=G, support_topic=True)
    client.create_permission_group(G, "Crew", permission_group_id="@PMG#_crew")
    yield client
    client.close()


def requests_for(emulator: EmulatorProcess, command: str, action: Callable[[], Any]) -> int:
    calls = Calls(emulator).mark()
    action()
    return calls.commands().get(command, 0)


@pytest.mark.parametrize(("count", "requests"), [(20, 1), (21, 2)])
def test_destroy_and_lookup_by_id_send_20_ids_a_request(
        raw: TencentChatClient, emulator: EmulatorProcess, count: int, requests: int) -> None:
    ids = [f"@PMG#_g{i:03d}" for i in range(count)]
    for pg_id in ids:
        raw.create_permission_group(G, pg_id, permission_group_id=pg_id)
    assert requests_for(emulator, "get_permission_group",
                        lambda: raw.get_permission_groups(G, ids)) == requests
    assert requests_for(emulator, "destroy_permission_group",
                        lambda: raw.destroy_permission_groups(G, ids)) == requests


@pytest.mark.parametrize(("count", "requests"), [(50, 1), (51, 2)])
def test_topic_permissions_go_50_a_request(raw: TencentChatClient, emulator: EmulatorProcess,
                                           count: int, requests: int) -> None:
    for topic in T[:count]:
        raw.create_topic(G, topic.rsplit("_", 1)[1], topic_id=topic)
    perms = {topic: 8 for topic in T[:count]}
    pg = "@PMG#_crew"
    for command, action in (
            ("add_topic_permission_group", lambda: raw.add_topic_permissions(G, pg, perms)),
            ("set_topic_permission_group", lambda: raw.set_topic_permissions(G, pg, perms)),
            ("delete_topic_permission_group",
             lambda: raw.delete_topic_permissions(G, pg, list(perms)))):
        assert requests_for(emulator, command, action) == requests, command


@pytest.mark.parametrize(("count", "requests"), [(100, 1), (101, 2)])
def test_members_go_100_a_request(raw: TencentChatClient, emulator: EmulatorProcess,
                                  count: int, requests: int) -> None:
    accounts = [f"user{i:03d}" for i in range(count)]
    assert requests_for(emulator, "add_permission_group_member",
                        lambda: raw.add_permission_group_members(G, "@PMG#_crew", accounts)) \
        == requests
    assert requests_for(emulator, "delete_permission_group_member",
                        lambda: raw.delete_permission_group_members(G, "@PMG#_crew", accounts)) \
        == requests


@pytest.mark.parametrize(("count", "pages"), [(40, 2), (41, 3)])
def test_a_last_page_exactly_full_ends_the_listing(raw: TencentChatClient,
                                                   emulator: EmulatorProcess, count: int,
                                                   pages: int) -> None:
    # 40 groups in pages of 20: the second page is exactly full and its empty Next ends the
    # listing; no third request for an empty page.
    ids = [f"@PMG#_p{i:03d}" for i in range(count - 1)]  # plus @PMG#_crew
    for pg_id in ids:
        raw.create_permission_group(G, pg_id, permission_group_id=pg_id)
    listed: list[Any] = []
    assert requests_for(emulator, "get_permission_group",
                        lambda: listed.extend(raw.iter_permission_groups(G))) == pages
    assert len(listed) == count
    accounts = [f"user{i:03d}" for i in range(count + 60)]  # pages of 50: 100 is exactly two
    raw.add_permission_group_members(G, "@PMG#_crew", accounts[:100])
    members: list[str] = []
    assert requests_for(emulator, "get_permission_group_member_list", lambda: members.extend(
        raw.iter_permission_group_members(G, "@PMG#_crew"))) == 2
    assert members == accounts[:100]
