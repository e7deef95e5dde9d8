"""Reading a whole community for export and matrix: contents, call counts, failures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.snapshot import CommunityReadError, read_community

from tests.support.emulator import DEV_SDKAPPID, DEV_SECRET_KEY, Calls, EmulatorProcess

GROUP = "@TGS#_snap"


@pytest.fixture
def raw(emulator: EmulatorProcess) -> Iterator[TencentChatClient]:
    client = TencentChatClient(DEV_SDKAPPID, secret_key=DEV_SECRET_KEY, endpoint=emulator.url,
                               requests_per_second=200.0)
    yield client
    client.close()


def build(raw: TencentChatClient, groups: int, members_each: int) -> None:
    raw.create_group(name="Snap", group_id=GROUP, support_topic=True)
    raw.modify_group_base_info(GROUP, enable_permission=True, default_permission=3)
    for t in ("a", "b"):
        raw.create_topic(GROUP, f"Topic {t}", topic_id=f"{GROUP}@TOPIC#_{t}")
    for n in range(groups):
        pg = f"@PMG#_{n}"
        raw.create_permission_group(GROUP, f"G{n}", permission=n, permission_group_id=pg)
        if n % 2 == 0:
            raw.add_topic_permissions(GROUP, pg, {f"{GROUP}@TOPIC#_a": n + 1})
        if members_each:
            raw.add_permission_group_members(GROUP, pg, [f"u{n}_{i}" for i in
                                                         range(members_each)])


def test_a_community_is_read_whole_in_the_documented_number_of_calls(
        emulator: EmulatorProcess, raw: TencentChatClient) -> None:
    build(raw, groups=21, members_each=51)
    calls = Calls(emulator).mark()  # counted at the server, not by the client
    seen: list[tuple[int, int]] = []
    snap = read_community(raw, GROUP, progress=lambda _w, d, t: seen.append((d, t)))
    assert calls.commands() == {"get_group_info": 1, "get_topic": 1, "get_permission_group": 2,
                    "get_topic_permission_group": 21,
                    "get_permission_group_member_list": 21 * 2}
    assert seen[-1] == (21, 21) and len(seen) == 21
    assert (snap.enable_permission_groups, snap.default_permission) == (True, 3)
    assert [t.topic_name for t in snap.topics] == ["Topic a", "Topic b"]
    by_id = {g.permission_group_id: g for g in snap.permission_groups}
    assert len(by_id) == 21
    assert by_id["@PMG#_4"].topics == {f"{GROUP}@TOPIC#_a": 5}
    assert by_id["@PMG#_3"].topics == {}
    assert set(by_id["@PMG#_7"].members) == {f"u7_{i}" for i in range(51)}
    assert (by_id["@PMG#_7"].name, by_id["@PMG#_7"].permission) == ("G7", 7)


def test_a_missing_community_is_named_with_its_code(raw: TencentChatClient) -> None:
    with pytest.raises(CommunityReadError, match=r"community @TGS#_nowhere: .*10010") as caught:
        read_community(raw, "@TGS#_nowhere")
    assert caught.value.group_id == "@TGS#_nowhere"


def test_reading_permission_groups_in_parallel_gives_the_same_snapshot_and_calls(
        emulator: EmulatorProcess, raw: TencentChatClient) -> None:
    build(raw, groups=23, members_each=3)
    calls = Calls(emulator).mark()
    one_at_a_time = read_community(raw, GROUP)
    sequential = calls.commands()
    calls.mark()
    seen: list[tuple[int, int]] = []
    parallel = read_community(raw, GROUP, workers=4,
                              progress=lambda _w, d, t: seen.append((d, t)))
    assert calls.commands() == sequential == {
        "get_group_info": 1, "get_topic": 1, "get_permission_group": 2,
        "get_topic_permission_group": 23, "get_permission_group_member_list": 23}
    assert parallel.permission_groups == one_at_a_time.permission_groups
    assert [g.permission_group_id for g in parallel.permission_groups] == [
        f"@PMG#_{n}" for n in range(23)]  # the listing's order, not the finishing order
    assert seen == [(n, 23) for n in range(1, 24)]  # one call at a time, counting up


def test_a_failure_part_way_names_the_community_and_keeps_the_code(
        emulator: EmulatorProcess, raw: TencentChatClient) -> None:
    build(raw, groups=12, members_each=1)
    emulator.set_faults(fail_next=1, error_code=10007,
                        commands=["get_permission_group_member_list"])
    with pytest.raises(CommunityReadError) as caught:
        read_community(raw, GROUP, workers=4)
    assert caught.value.code == 10007 and str(caught.value).startswith(f"community {GROUP}: ")
    assert "What to do" in str(caught.value)
