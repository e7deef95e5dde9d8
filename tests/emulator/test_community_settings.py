"""Community settings (docs/tencent-api.md#714-get_group_info, #715-modify_group_base_info): the
permission-group switch and the default permission, modify_group_base_info, get_group_info,
get_appid_group_list (docs/tencent-api.md#720-get_appid_group_list), seeding and migration."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tencentchat_emulator import unverified as U
from tencentchat_emulator.backend import Backend
from tencentchat_emulator.cli import make_emulator, run_in_thread
from tencentchat_emulator.errors import ChatError
from tencentchat_emulator.server import RateLimiter
from tencentchat_emulator.store import SCHEMA, Store

from tests.emulator.client import Raw
from tests.support.emulator import EmulatorProcess, seed_file

G = "@TGS#_settings"
ALL_COMMUNITY_BITS = 2047
U64_MAX = 2**64 - 1


def info(api: Raw, *gids: str, **body: Any) -> list[dict[str, Any]]:
    """get_group_info items for ``gids`` (top level must succeed)."""
    return api.ok("get_group_info", {"GroupIdList": list(gids), **body})["GroupInfo"]


def switch(api: Raw, gid: str = G) -> tuple[int, int]:
    item = info(api, gid)[0]
    return item["EnablePermission"], item["DefaultPermission"]


# --- the switch and the default permission -----------------------------------------------

def test_new_topic_community_starts_switched_off_with_no_default(api: Raw) -> None:
    api.community(G)
    assert switch(api) == (U.ENABLE_PERMISSION_DEFAULT, U.DEFAULT_PERMISSION_DEFAULT) == (0, 0)


def test_create_group_sets_both_fields_together(api: Raw) -> None:
    api.ok("create_group", {"Type": "Community", "Name": "c", "GroupId": G, "SupportTopic": 1,
                            "EnablePermission": 1, "DefaultPermission": ALL_COMMUNITY_BITS})
    assert switch(api) == (1, ALL_COMMUNITY_BITS)
    api.ok("create_group", {"Type": "Community", "Name": "c", "GroupId": "@TGS#_on",
                            "SupportTopic": 1, "EnablePermission": 1})
    assert switch(api, "@TGS#_on") == (1, 0)


def test_create_group_refuses_default_without_the_switch(api: Raw) -> None:
    for extra in ({"DefaultPermission": 64}, {"EnablePermission": 0, "DefaultPermission": 64}):
        api.fail("create_group", {"Type": "Community", "Name": "c", "GroupId": G,
                                  "SupportTopic": 1, **extra}, 10004)
    # nothing was created
    assert info(api, G)[0]["ErrorCode"] == 10010


@pytest.mark.parametrize("body", [
    {"Type": "Community", "SupportTopic": 0, "EnablePermission": 0},
    {"Type": "Community", "EnablePermission": 1},  # SupportTopic defaults to 0
    {"Type": "Community", "SupportTopic": 0, "EnablePermission": 1, "DefaultPermission": 1},
    {"Type": "Public", "EnablePermission": 1},
    {"Type": "Work", "DefaultPermission": 0},
])
def test_switch_fields_need_a_topic_community(api: Raw, body: dict[str, Any]) -> None:
    api.fail("create_group", {"Name": "c", **body}, U.PERMISSION_FIELDS_UNSUPPORTED_CODE)


def test_modify_switch_rules(api: Raw) -> None:
    api.community(G)
    # DefaultPermission while off: refused, nothing changes
    api.fail("modify_group_base_info", {"GroupId": G, "DefaultPermission": 64},
             U.DEFAULT_PERMISSION_WHILE_DISABLED_CODE)
    assert switch(api) == (0, 0)
    # switching on and setting the default in one call is fine
    out = api.ok("modify_group_base_info",
                 {"GroupId": G, "EnablePermission": 1, "DefaultPermission": 64})
    assert set(out) == {"ActionStatus", "ErrorCode", "ErrorInfo"}  # envelope only
    assert switch(api) == (1, 64)
    api.ok("modify_group_base_info", {"GroupId": G, "DefaultPermission": U64_MAX})
    assert switch(api) == (1, U64_MAX)
    # switching off together with a default: refused as a whole (the switch stays on)
    api.fail("modify_group_base_info", {"GroupId": G, "EnablePermission": 0,
                                        "DefaultPermission": 1}, 10004)
    assert switch(api) == (1, U64_MAX)
    # switching off keeps the stored default
    api.ok("modify_group_base_info", {"GroupId": G, "EnablePermission": 0})
    assert switch(api) == (0, U64_MAX)
    api.fail("modify_group_base_info", {"GroupId": G, "DefaultPermission": 1}, 10004)
    api.ok("modify_group_base_info", {"GroupId": G, "EnablePermission": 1})
    assert switch(api) == (1, U64_MAX)


def test_modify_switch_on_groups_that_cannot_carry_it(api: Raw) -> None:
    api.community("@TGS#_flat", topics=False)
    api.ok("create_group", {"Type": "Public", "Name": "p", "GroupId": "pub"})
    for gid in ("@TGS#_flat", "pub"):
        for body in ({"EnablePermission": 1}, {"EnablePermission": 0},
                     {"DefaultPermission": 0}):
            api.fail("modify_group_base_info", {"GroupId": gid, **body},
                     U.PERMISSION_FIELDS_UNSUPPORTED_CODE)
        api.ok("modify_group_base_info", {"GroupId": gid, "Name": "renamed"})
        assert info(api, gid)[0]["Name"] == "renamed"


@pytest.mark.parametrize("field,value", [
    ("EnablePermission", 2), ("EnablePermission", -1), ("EnablePermission", True),
    ("EnablePermission", "1"), ("EnablePermission", 1.0), ("DefaultPermission", -1),
    ("DefaultPermission", 2**64), ("DefaultPermission", 1.5), ("DefaultPermission", "64"),
    ("DefaultPermission", False),
])
def test_switch_field_values(api: Raw, field: str, value: Any) -> None:
    api.community(G)
    api.ok("modify_group_base_info", {"GroupId": G, "EnablePermission": 1,
                                      "DefaultPermission": 8})
    body = {"GroupId": G, "EnablePermission": 1, field: value}
    api.fail("modify_group_base_info", body, 10004)
    api.fail("create_group", {"Type": "Community", "Name": "c", "SupportTopic": 1,
                              "EnablePermission": 1, field: value}, 10004)
    assert switch(api) == (1, 8)


def test_permission_group_apis_work_while_switched_off(api: Raw) -> None:
    assert U.PERMISSION_GROUP_APIS_NEED_SWITCH is False
    api.community(G)
    assert switch(api)[0] == 0
    pg = api.pg(G, "@PMG#_early")
    api.ok("add_permission_group_member", {"GroupId": G, "PermissionGroupId": pg,
                                           "MemberList": [{"Member_Account": "u"}]})
    out = api.ok("get_permission_group", {"GroupId": G})
    assert [(i["PermissionGroupId"], i["MemberCount"])
            for i in out["PermissionGroupInfoList"]] == [(pg, 1)]


def test_switch_required_variant_refuses_permission_group_calls(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The constant is live: flipped, permission-group calls need the switch on."""
    monkeypatch.setattr(U, "PERMISSION_GROUP_APIS_NEED_SWITCH", True)
    be = Backend(Store(None))
    be.cmd_create_group({"Type": "Community", "Name": "c", "GroupId": G, "SupportTopic": 1})
    body = {"GroupId": G, "PermissionGroupName": "n", "PermissionGroupId": "@PMG#_a"}
    with pytest.raises(ChatError) as err:
        be.cmd_create_permission_group(body)
    assert err.value.code == U.PERMISSION_GROUP_APIS_SWITCH_OFF_CODE
    be.cmd_modify_group_base_info({"GroupId": G, "EnablePermission": 1})
    assert be.cmd_create_permission_group(body) == {"PermissionGroupId": "@PMG#_a"}


# --- modify_group_base_info: the profile fields --------------------------------------------

@pytest.mark.parametrize("field,limit", [("Name", 30), ("Introduction", 240),
                                         ("Notification", 300), ("FaceUrl", 100)])
def test_group_text_limits(api: Raw, field: str, limit: int) -> None:
    api.community(G)
    api.ok("modify_group_base_info", {"GroupId": G, field: "a" * limit})
    assert info(api, G)[0][field] == "a" * limit
    api.fail("modify_group_base_info", {"GroupId": G, field: "b" * (limit + 1)}, 10004)
    cjk = "\u4e2d" * (limit // 3) + "a" * (limit % 3)  # 3 bytes each: exactly the limit
    api.ok("modify_group_base_info", {"GroupId": G, field: cjk})
    api.fail("modify_group_base_info", {"GroupId": G, field: cjk + "x"}, 10004)
    api.fail("modify_group_base_info", {"GroupId": G, field: 5}, 10004)
    api.fail("create_group", {"Type": "Community", "Name": "c", field: "c" * (limit + 1)}, 10004)
    assert info(api, G)[0][field] == cjk
    api.ok("create_group", {"Type": "Community", "Name": "c", "GroupId": "@TGS#_full",
                            field: "d" * limit})
    assert info(api, "@TGS#_full")[0][field] == "d" * limit


def test_modify_group_keeps_omitted_fields(api: Raw) -> None:
    api.ok("create_group", {"Type": "Community", "Name": "first", "GroupId": G,
                            "SupportTopic": 1, "Introduction": "intro", "Notification": "note",
                            "FaceUrl": "https://x/f.png", "EnablePermission": 1,
                            "DefaultPermission": 3})
    before = info(api, G)[0]
    api.ok("modify_group_base_info", {"GroupId": G})  # nothing to change: a no-op
    assert info(api, G)[0] == before
    api.ok("modify_group_base_info", {"GroupId": G, "Notification": "new"})
    assert info(api, G)[0] == {**before, "Notification": "new"}
    api.fail("modify_group_base_info", {"GroupId": G, "Name": ""}, 10004)
    # a refused call changes nothing, not even its valid fields
    api.fail("modify_group_base_info", {"GroupId": G, "Introduction": "x", "Name": "n" * 31},
             10004)
    assert info(api, G)[0] == {**before, "Notification": "new"}


def test_modify_group_addressing(api: Raw) -> None:
    api.fail("modify_group_base_info", {"GroupId": "@TGS#_none", "Name": "n"}, 10010)
    api.fail("modify_group_base_info", {"GroupId": "", "Name": "n"}, 10015)
    api.fail("modify_group_base_info", {"Name": "n"}, 10004)
    api.fail("modify_group_base_info", {"GroupId": G}, 10003,
             service="million_group_open_http_svc")
    api.fail("get_group_info", {"GroupIdList": [G]}, 10003,
             service="million_group_open_http_svc")


# --- get_group_info ----------------------------------------------------------------------

def test_group_info_items_and_per_item_codes(api: Raw) -> None:
    api.ok("create_group", {"Type": "Community", "Name": "c", "GroupId": G, "SupportTopic": 1,
                            "Owner_Account": "owner1", "EnablePermission": 1,
                            "DefaultPermission": 72})
    api.community("@TGS#_flat", topics=False)
    api.ok("create_group", {"Type": "Public", "Name": "p", "GroupId": "pub"})
    out = api.ok("get_group_info", {"GroupIdList": [G, "@TGS#_none", "", "pub", "@TGS#_flat"]})
    assert out["ErrorCode"] == 0 and list(out) == ["ActionStatus", "ErrorCode", "ErrorInfo",
                                                   "GroupInfo"]
    items = out["GroupInfo"]
    assert items[0] == {"ErrorCode": 0, "ErrorInfo": "", "GroupId": G, "Type": "Community",
                        "Name": "c", "Introduction": "", "Notification": "", "FaceUrl": "",
                        "Owner_Account": "owner1", "EnablePermission": 1,
                        "DefaultPermission": 72}
    assert [(i["GroupId"], i["ErrorCode"]) for i in items] == [
        (G, 0), ("@TGS#_none", U.GROUP_INFO_UNKNOWN_ITEM_CODE),
        ("", U.GROUP_INFO_INVALID_ITEM_CODE), ("pub", 0), ("@TGS#_flat", 0)]
    assert items[1]["ErrorInfo"] and items[2]["ErrorInfo"]
    # groups that cannot carry the switch report neither field
    for item in items[3:]:
        assert "EnablePermission" not in item and "DefaultPermission" not in item
    assert items[3]["Type"] == "Public"


def test_group_info_batch_cap(api: Raw) -> None:
    api.community(G)
    ids = [G] + [f"@TGS#_n{i}" for i in range(U.GROUP_INFO_MAX_IDS - 1)]
    items = info(api, *ids)
    assert len(items) == 50 and items[0]["ErrorCode"] == 0
    assert {i["ErrorCode"] for i in items[1:]} == {10010}
    api.fail("get_group_info", {"GroupIdList": [*ids, "@TGS#_one_more"]}, 10004)
    api.fail("get_group_info", {"GroupIdList": []}, 10004)
    api.fail("get_group_info", {}, 10004)
    api.fail("get_group_info", {"GroupIdList": G}, 10004)
    api.fail("get_group_info", {"GroupIdList": [G, 7]}, 10004)


def test_group_info_filter(api: Raw) -> None:
    api.ok("create_group", {"Type": "Community", "Name": "c", "GroupId": G, "SupportTopic": 1,
                            "EnablePermission": 1, "DefaultPermission": 5})
    only_name = info(api, G, ResponseFilter={"GroupBaseInfoFilter": ["Name"]})[0]
    assert only_name == {"ErrorCode": 0, "ErrorInfo": "", "GroupId": G, "Name": "c"}
    named = info(api, G, ResponseFilter={"GroupBaseInfoFilter": ["Type", "DefaultPermission",
                                                                 "NoSuchField"]})[0]
    assert named == {"ErrorCode": 0, "ErrorInfo": "", "GroupId": G, "Type": "Community",
                     "DefaultPermission": 5}
    # no filter (or a ResponseFilter without a base-info filter): every base field
    assert U.GROUP_INFO_PERMISSION_FIELDS_NEED_FILTER is False
    for body in ({}, {"ResponseFilter": {}}, {"ResponseFilter": {"MemberInfoFilter": ["x"]}}):
        assert switch_fields(info(api, G, **body)[0]) == (1, 5)
    for bad in ([], "Name", {"GroupBaseInfoFilter": "Name"}, {"GroupBaseInfoFilter": [1]}):
        api.fail("get_group_info", {"GroupIdList": [G], "ResponseFilter": bad}, 10004)


def switch_fields(item: dict[str, Any]) -> tuple[Any, Any]:
    return item.get("EnablePermission"), item.get("DefaultPermission")


def test_group_info_filter_required_variant(monkeypatch: pytest.MonkeyPatch) -> None:
    """The constant is live: flipped, the switch fields come back only when named."""
    monkeypatch.setattr(U, "GROUP_INFO_PERMISSION_FIELDS_NEED_FILTER", True)
    be = Backend(Store(None))
    be.cmd_create_group({"Type": "Community", "Name": "c", "GroupId": G, "SupportTopic": 1,
                         "EnablePermission": 1, "DefaultPermission": 9})
    plain = be.cmd_get_group_info({"GroupIdList": [G]})["GroupInfo"][0]
    assert switch_fields(plain) == (None, None) and plain["Name"] == "c"
    named = be.cmd_get_group_info({"GroupIdList": [G], "ResponseFilter": {
        "GroupBaseInfoFilter": ["EnablePermission", "DefaultPermission"]}})["GroupInfo"][0]
    assert switch_fields(named) == (1, 9)


# --- get_appid_group_list -----------------------------------------------------------------

@pytest.fixture(scope="module")
def unlimited() -> Iterator[EmulatorProcess]:
    """An in-process emulator with --rate-limit 0 (no cap at all, the 1/s one included)."""
    url, stop = run_in_thread(make_emulator(rate_limit=0))
    try:
        yield EmulatorProcess(url=url)
    finally:
        stop()


@pytest.fixture
def free_api(unlimited: EmulatorProcess) -> Raw:
    unlimited.reset()
    return Raw(unlimited)


def listing(api: Raw, **body: Any) -> dict[str, Any]:
    return api.ok("get_appid_group_list", body)


def test_appid_group_list_pages_until_next_is_zero(free_api: Raw) -> None:
    communities = [free_api.community(f"@TGS#_c{i}", topics=i % 2 == 0) for i in range(7)]
    free_api.ok("create_group", {"Type": "Public", "Name": "p", "GroupId": "pub"})
    free_api.ok("destroy_group", {"GroupId": "@TGS#_c3"})
    communities.remove("@TGS#_c3")
    everything = listing(free_api)  # defaults: Limit 10000, Next 0, every type
    assert everything["TotalCount"] == 7 and everything["Next"] == 0
    assert [g["GroupId"] for g in everything["GroupIdList"]] == [*communities, "pub"]
    assert all(set(g) == {"GroupId"} for g in everything["GroupIdList"])
    seen, nxt, pages = [], 0, 0
    while True:
        out = listing(free_api, Limit=4, Next=nxt, GroupType="Community")
        assert out["TotalCount"] == 6 and len(out["GroupIdList"]) <= 4
        assert isinstance(out["Next"], int)
        seen += [g["GroupId"] for g in out["GroupIdList"]]
        pages += 1
        nxt = out["Next"]
        if nxt == 0:
            break
    assert seen == communities and pages == 2
    assert listing(free_api, GroupType="Public")["GroupIdList"] == [{"GroupId": "pub"}]
    assert listing(free_api, GroupType="AVChatRoom") == {
        "ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "TotalCount": 0,
        "GroupIdList": [], "Next": 0}
    # a cursor beyond every group (even beyond SQLite's INTEGER) is an empty last page
    for beyond in (10**6, 2**63, U64_MAX):
        out = listing(free_api, Next=beyond)
        assert (out["GroupIdList"], out["Next"], out["TotalCount"]) == ([], 0, 7)


@pytest.mark.parametrize("body", [
    {"Limit": 0}, {"Limit": 10001}, {"Limit": -1}, {"Limit": "10"}, {"Limit": 1.5},
    {"Next": -1}, {"Next": 2**64}, {"Next": "0"}, {"Next": ""}, {"Next": True},
    {"GroupType": "Clan"}, {"GroupType": "community"}, {"GroupType": ""}, {"GroupType": 1},
])
def test_appid_group_list_field_rules(free_api: Raw, body: dict[str, Any]) -> None:
    free_api.fail("get_appid_group_list", body, 10004)


def test_appid_group_list_limit_bounds(free_api: Raw) -> None:
    for i in range(3):
        free_api.community(f"@TGS#_b{i}")
    assert len(listing(free_api, Limit=10000)["GroupIdList"]) == 3
    one = listing(free_api, Limit=1)
    assert len(one["GroupIdList"]) == 1 and one["Next"] != 0


def test_appid_group_list_one_request_per_second(api: Raw, emulator: EmulatorProcess) -> None:
    """The shared emulator keeps the default caps: this command has its own 1/s."""
    api.community(G)
    first = api.post("get_appid_group_list", {})
    second = api.post("get_appid_group_list", {})
    assert first["ErrorCode"] == 0
    assert second["ErrorCode"] == U.APPID_GROUP_LIST_RATE_LIMIT_CODE == 60007
    assert second["ActionStatus"] == "FAIL" and second["ErrorInfo"]
    # other commands keep their 200/s
    for _ in range(5):
        api.ok("get_group_info", {"GroupIdList": [G]})
    assert emulator.stats()["rate_limited"] == {"get_appid_group_list": 1}


def test_rate_limiter_overrides_follow_their_own_window() -> None:
    limiter = RateLimiter(200, 1.0, {"get_appid_group_list": 1})
    assert limiter.allow("get_appid_group_list", now=10.0)
    assert not limiter.allow("get_appid_group_list", now=10.5)
    assert not limiter.allow("get_appid_group_list", now=10.99)
    assert limiter.allow("get_appid_group_list", now=11.0)  # one second later
    assert not limiter.allow("get_appid_group_list", now=11.5)
    assert all(limiter.allow("get_group_info", now=11.5) for _ in range(200))
    assert not limiter.allow("get_group_info", now=11.5)


def test_rate_limit_flag_keeps_the_documented_cap() -> None:
    """--rate-limit N > 0 changes the default cap only; 0 (see `unlimited`) lifts them all."""
    url, stop = run_in_thread(make_emulator(rate_limit=50))
    try:
        api = Raw(EmulatorProcess(url=url))
        codes = [api.post("get_appid_group_list", {})["ErrorCode"] for _ in range(3)]
        assert codes == [0, 60007, 60007]
    finally:
        stop()


def test_rate_limit_zero_lifts_the_one_per_second_cap(free_api: Raw,
                                                     unlimited: EmulatorProcess) -> None:
    codes = [free_api.post("get_appid_group_list", {})["ErrorCode"] for _ in range(20)]
    assert codes == [0] * 20
    assert unlimited.stats()["rate_limited"] == {}


# --- seeding and older state files ----------------------------------------------------------

def test_seed_carries_switch_and_topic_profile() -> None:
    topic = G + "@TOPIC#_news"
    emu = make_emulator(seed={"groups": [{
        "GroupId": G, "Name": "Seeded", "Type": "Community", "SupportTopic": 1,
        "EnablePermission": 1, "DefaultPermission": 320, "Introduction": "about",
        "Topics": [{"TopicId": topic, "TopicName": "news", "Introduction": "i",
                    "Notification": "n", "FaceUrl": "https://x/t.png", "CustomString": "cs"}],
    }]})
    url, stop = run_in_thread(emu)
    try:
        api = Raw(EmulatorProcess(url=url))
        item = info(api, G)[0]
        assert (item["EnablePermission"], item["DefaultPermission"], item["Introduction"]) == (
            1, 320, "about")
        t = api.ok("get_topic", {"GroupId": G, "From_Account": "administrator"})
        got = t["TopicAndSelfInfo"][0]["TopicInfo"]
        assert {k: got[k] for k in ("TopicId", "TopicName", "Introduction", "Notification",
                                    "FaceUrl", "CustomString")} == {
            "TopicId": topic, "TopicName": "news", "Introduction": "i", "Notification": "n",
            "FaceUrl": "https://x/t.png", "CustomString": "cs"}
    finally:
        stop()


def test_seed_with_default_but_no_switch_fails_fast(tmp_path: Path) -> None:
    seed = seed_file(tmp_path, [{"GroupId": G, "Name": "x", "Type": "Community",
                                 "SupportTopic": 1, "DefaultPermission": 64}])
    proc = subprocess.run(
        [sys.executable, "-m", "tencentchat_emulator", "--port", "0", "--in-memory",
         "--seed", str(seed)], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2 and "listening" not in proc.stdout
    assert "10004" in proc.stderr and "EnablePermission" in proc.stderr


def test_state_file_of_an_older_schema_is_migrated(tmp_path: Path) -> None:
    state = tmp_path / "old.db"
    conn = sqlite3.connect(state)  # the first schema, written by an older emulator
    conn.executescript(SCHEMA)
    conn.execute("INSERT INTO communities (group_id, name, type, support_topic, owner) "
                 "VALUES (?, 'Old', 'Community', 1, '')", (G,))
    conn.execute("INSERT INTO topics (group_id, topic_id, topic_name) VALUES (?, ?, 'old')",
                 (G, G + "@TOPIC#_old"))
    conn.commit()
    conn.close()
    emu = EmulatorProcess(args=["--state", str(state)]).start()
    try:
        api = Raw(emu)
        assert switch(api) == (0, 0)
        api.ok("modify_group_base_info", {"GroupId": G, "EnablePermission": 1,
                                          "DefaultPermission": U64_MAX})
        assert switch(api) == (1, U64_MAX)
        api.ok("modify_topic", {"GroupId": G, "TopicId": G + "@TOPIC#_old",
                                "Introduction": "now with a profile"})
        t = api.ok("get_topic", {"GroupId": G, "From_Account": "administrator"})
        got = t["TopicAndSelfInfo"][0]["TopicInfo"]
        assert (got["TopicName"], got["Introduction"], got["CustomString"]) == (
            "old", "now with a profile", "")
    finally:
        emu.stop()
    store = Store(state)  # opening a migrated file again adds nothing and keeps the data
    try:
        cols = {r[1] for r in store.conn.execute("PRAGMA table_info(communities)")}
        assert {"enable_permission", "default_permission", "introduction"} <= cols
        c = store.get_community(G)
        assert c is not None and (c.enable_permission, c.default_permission) == (1, U64_MAX)
    finally:
        store.close()
