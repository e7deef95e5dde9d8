"""add / set / delete / get topic permissions (docs/tencent-api.md#75-add_topic_permission_group
to #78-get_topic_permission_group)."""

from __future__ import annotations

import pytest

from tests.emulator.client import Raw

G = "@TGS#_c1"
P = "@PMG#_mods"


@pytest.fixture
def world(api: Raw) -> list[str]:
    api.community(G)
    api.pg(G, P)
    return [api.topic(G, f"t{i}", f"{G}@TOPIC#_t{i}") for i in range(3)]


def _req(topics: dict[str, int]) -> dict:
    return {"GroupId": G, "PermissionGroupId": P,
            "TopicPermissionList": [{"TopicId": t, "Permission": p} for t, p in topics.items()]}


def _codes(out: dict) -> list[tuple[str, int]]:
    return [(i["TopicId"], i["ErrorCode"]) for i in out["TopicPermissionResultList"]]


def _get_all(api: Raw) -> dict[str, int]:
    out = api.ok("get_topic_permission_group", {"GroupId": G, "PermissionGroupId": P})
    return {i["TopicId"]: i["Permission"] for i in out["TopicPermissionResultList"]}


def test_add_set_get_delete(api: Raw, world: list[str]) -> None:
    t0, t1, t2 = world
    out = api.ok("add_topic_permission_group", _req({t0: 15, t1: 2**64 - 1}))
    assert _codes(out) == [(t0, 0), (t1, 0)]
    assert _get_all(api) == {t0: 15, t1: 2**64 - 1}
    out = api.ok("set_topic_permission_group", _req({t0: 127, t2: 1}))
    assert _codes(out) == [(t0, 0), (t2, 110011)]
    assert _get_all(api) == {t0: 127, t1: 2**64 - 1}
    out = api.ok("get_topic_permission_group",
                 {"GroupId": G, "PermissionGroupId": P, "TopicIdList": [t1, t2, G + "@TOPIC#_no"]})
    items = out["TopicPermissionResultList"]
    assert [(i["TopicId"], i["ErrorCode"]) for i in items] == \
        [(t1, 0), (t2, 110011), (G + "@TOPIC#_no", 10010)]
    assert items[0]["Permission"] == 2**64 - 1
    out = api.ok("delete_topic_permission_group",
                 {"GroupId": G, "PermissionGroupId": P, "TopicIdList": [t0, t2, t0]})
    assert _codes(out) == [(t0, 0), (t2, 110011), (t0, 110011)]
    assert _get_all(api) == {t1: 2**64 - 1}


def test_add_existing_and_unknown_topics_per_item(api: Raw, world: list[str]) -> None:
    t0 = world[0]
    api.community("@TGS#_other")
    foreign = api.topic("@TGS#_other", "f", "@TGS#_other@TOPIC#_f")
    api.ok("add_topic_permission_group", _req({t0: 1}))
    out = api.ok("add_topic_permission_group",
                 _req({t0: 2, foreign: 3, G + "@TOPIC#_nope": 4, world[1]: 5}))
    assert _codes(out) == [(t0, 10004), (foreign, 10010), (G + "@TOPIC#_nope", 10010),
                           (world[1], 0)]
    assert "already exists" in out["TopicPermissionResultList"][0]["ErrorInfo"]
    assert _get_all(api) == {t0: 1, world[1]: 5}  # existing value not overwritten


def test_list_caps(api: Raw, world: list[str]) -> None:
    api.community("@TGS#_big")
    api.pg("@TGS#_big", P)
    # 50 distinct topics pass, 51 fail (the cap is checked before the topics)
    many = {f"@TGS#_big@TOPIC#_x{i}": 1 for i in range(51)}
    for tid in list(many)[:50]:
        api.topic("@TGS#_big", "x", tid)
    body = {"GroupId": "@TGS#_big", "PermissionGroupId": P,
            "TopicPermissionList": [{"TopicId": t, "Permission": 1} for t in many]}
    api.fail("add_topic_permission_group", body, 10004)
    api.fail("set_topic_permission_group", body, 10004)
    body["TopicPermissionList"] = body["TopicPermissionList"][:50]
    out = api.ok("add_topic_permission_group", body)
    assert all(i["ErrorCode"] == 0 for i in out["TopicPermissionResultList"])
    api.ok("set_topic_permission_group", body)
    ids = list(many)
    base = {"GroupId": "@TGS#_big", "PermissionGroupId": P}
    api.fail("delete_topic_permission_group", {**base, "TopicIdList": ids}, 10004)
    api.fail("get_topic_permission_group", {**base, "TopicIdList": ids}, 10004)
    api.ok("get_topic_permission_group", {**base, "TopicIdList": ids[:50]})
    api.ok("delete_topic_permission_group", {**base, "TopicIdList": ids[:50]})


@pytest.mark.parametrize("bad", [
    {"TopicPermissionList": []},
    {"TopicPermissionList": "x"},
    {"TopicPermissionList": ["x"]},
    {"TopicPermissionList": [{"TopicId": 5, "Permission": 1}]},
    {"TopicPermissionList": [{"TopicId": "t"}]},
    {"TopicPermissionList": [{"TopicId": "t", "Permission": 2**64}]},
    {"TopicPermissionList": [{"TopicId": "t", "Permission": -1}]},
    {},
])
def test_bad_lists(api: Raw, world: list[str], bad: dict) -> None:
    api.fail("add_topic_permission_group", {"GroupId": G, "PermissionGroupId": P, **bad}, 10004)


def test_group_and_pg_errors(api: Raw, world: list[str]) -> None:
    t0 = world[0]
    api.fail("add_topic_permission_group", {**_req({t0: 1}), "PermissionGroupId": "@PMG#_no"},
             110006)
    api.fail("set_topic_permission_group", {**_req({t0: 1}), "PermissionGroupId": "x"}, 110008)
    api.fail("get_topic_permission_group", {"GroupId": "@TGS#_zz", "PermissionGroupId": P}, 10010)
    api.fail("delete_topic_permission_group",
             {"GroupId": "", "PermissionGroupId": P, "TopicIdList": [t0]}, 10015)
    api.community("@TGS#_notopics", topics=False)
    api.pg("@TGS#_notopics", P)
    for cmd in ("add_topic_permission_group", "set_topic_permission_group"):
        api.fail(cmd, {**_req({t0: 1}), "GroupId": "@TGS#_notopics"}, 11000)
    api.fail("get_topic_permission_group",
             {"GroupId": "@TGS#_notopics", "PermissionGroupId": P}, 11000)
    api.ok("create_group", {"Type": "Private", "Name": "w", "GroupId": "work1"})
    api.fail("get_topic_permission_group", {"GroupId": "work1", "PermissionGroupId": P}, 10007)


def test_permissions_are_per_permission_group(api: Raw, world: list[str]) -> None:
    api.pg(G, "@PMG#_other")
    api.ok("add_topic_permission_group", _req({world[0]: 9}))
    out = api.ok("get_topic_permission_group", {"GroupId": G, "PermissionGroupId": "@PMG#_other"})
    assert out["TopicPermissionResultList"] == []
