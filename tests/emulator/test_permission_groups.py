"""create / modify / get / destroy permission groups (docs/tencent-api.md#71-create_permission_group
to #74-get_permission_group)."""

from __future__ import annotations

import pytest

from tests.emulator.client import Raw

G = "@TGS#_c1"


def _get(api: Raw, **body) -> dict:
    return api.ok("get_permission_group", {"GroupId": G, **body})


def test_create_custom_and_generated(api: Raw) -> None:
    api.community(G)
    assert api.pg(G, "@PMG#_mods", Permission=39, CustomString="tier=2") == "@PMG#_mods"
    gen = api.pg(G)
    assert gen.startswith("@PMG#_@PMG#") and len(gen) > len("@PMG#_@PMG#")
    items = _get(api, PermissionGroupIdList=["@PMG#_mods", gen])["PermissionGroupInfoList"]
    assert items[0] == {"ErrorCode": 0, "ErrorInfo": "", "PermissionGroupId": "@PMG#_mods",
                        "PermissionGroupName": "pg", "CustomString": "tier=2",
                        "Permission": 39, "MemberCount": 0}
    assert items[1]["Permission"] == 0 and items[1]["CustomString"] == ""


def test_same_custom_id_in_two_communities(api: Raw) -> None:
    api.community(G)
    api.community("@TGS#_c2")
    api.pg(G, "@PMG#_x")
    api.pg("@TGS#_c2", "@PMG#_x")


@pytest.mark.parametrize(("pg_id", "code"), [
    ("@PMG#_@PMG#abc", 110008),
    ("mods", 110008),
    ("@PMG#_", 110008),
    ("@PMG#_caf\u00e9", 110008),
    ("@PMG#_tab\there", 110008),
    ("@PMG#_" + "a" * 42, 110008),  # 48 bytes: one over
    (123, 10004),
])
def test_create_invalid_custom_id(api: Raw, pg_id, code: int) -> None:
    api.community(G)
    api.fail("create_permission_group",
             {"GroupId": G, "PermissionGroupId": pg_id, "PermissionGroupName": "n"}, code)


def test_custom_id_max_length_and_printable(api: Raw) -> None:
    api.community(G)
    api.pg(G, "@PMG#_" + "a" * 41)  # exactly 47 bytes
    api.pg(G, "@PMG#_ ~!x")


def test_duplicate_custom_id(api: Raw) -> None:
    api.community(G)
    api.pg(G, "@PMG#_mods")
    api.fail("create_permission_group",
             {"GroupId": G, "PermissionGroupId": "@PMG#_mods", "PermissionGroupName": "n"}, 10021)


def test_name_and_custom_string_limits(api: Raw) -> None:
    api.community(G)
    api.pg(G, name="\u4e2d" * 50)  # 150 bytes
    api.fail("create_permission_group", {"GroupId": G, "PermissionGroupName": "\u4e2d" * 50 + "a"},
             10004)
    api.pg(G, name="a" * 150)
    api.fail("create_permission_group", {"GroupId": G, "PermissionGroupName": "a" * 151}, 10004)
    api.pg(G, CustomString="x" * 3000)
    api.pg(G, CustomString="\u00e9" * 1500)
    api.fail("create_permission_group",
             {"GroupId": G, "PermissionGroupName": "n", "CustomString": "x" * 3001}, 10004)
    api.fail("create_permission_group", {"GroupId": G, "PermissionGroupName": "n",
                                         "CustomString": "\u00e9" * 1500 + "x"}, 10004)
    api.fail("create_permission_group", {"GroupId": G, "PermissionGroupName": ""}, 10004)
    api.fail("create_permission_group", {"GroupId": G}, 10004)


@pytest.mark.parametrize("perm", [2**64 - 1, 0, 123456, 2**63])
def test_permission_accepted(api: Raw, perm: int) -> None:
    api.community(G)
    pg = api.pg(G, Permission=perm)
    assert _get(api, PermissionGroupIdList=[pg])["PermissionGroupInfoList"][0]["Permission"] == perm


@pytest.mark.parametrize("perm", [2**64, -1, 1.5, "7", True, None, [1]])
def test_permission_rejected(api: Raw, perm) -> None:
    api.community(G)
    body = {"GroupId": G, "PermissionGroupName": "n", "Permission": perm}
    if perm is None:
        api.ok("create_permission_group", body)  # null == omitted -> default 0
    else:
        api.fail("create_permission_group", body, 10004)


@pytest.mark.parametrize(("field", "value"), [
    ("PermissionGroupName", 5), ("CustomString", {"a": 1}), ("GroupId", 5),
])
def test_wrong_json_types(api: Raw, field: str, value) -> None:
    api.community(G)
    api.fail("create_permission_group",
             {"GroupId": G, "PermissionGroupName": "n", field: value}, 10004)


def test_group_errors(api: Raw) -> None:
    api.fail("create_permission_group", {"GroupId": "@TGS#_none", "PermissionGroupName": "n"},
             10010)
    api.fail("create_permission_group", {"GroupId": "", "PermissionGroupName": "n"}, 10015)
    api.fail("create_permission_group", {"GroupId": "x" * 48, "PermissionGroupName": "n"}, 10015)
    api.fail("create_permission_group", {"GroupId": "bad\u00e9", "PermissionGroupName": "n"},
             10015)
    api.ok("create_group", {"Type": "Public", "Name": "p", "GroupId": "pubgroup"})
    for cmd, body in [("create_permission_group", {"PermissionGroupName": "n"}),
                      ("get_permission_group", {}),
                      ("get_permission_group_member_list", {"PermissionGroupId": "@PMG#_a"})]:
        api.fail(cmd, {"GroupId": "pubgroup", **body}, 10007)


def test_modify(api: Raw) -> None:
    api.community(G)
    api.pg(G, "@PMG#_m", name="old", Permission=1, CustomString="c")
    api.ok("modify_permission_group", {"GroupId": G, "PermissionGroupId": "@PMG#_m",
                                       "Permission": 2**64 - 1})
    item = _get(api, PermissionGroupIdList=["@PMG#_m"])["PermissionGroupInfoList"][0]
    assert (item["PermissionGroupName"], item["Permission"], item["CustomString"]) == \
        ("old", 2**64 - 1, "c")
    api.ok("modify_permission_group", {"GroupId": G, "PermissionGroupId": "@PMG#_m",
                                       "PermissionGroupName": "\u4e2d" * 50, "CustomString": ""})
    item = _get(api, PermissionGroupIdList=["@PMG#_m"])["PermissionGroupInfoList"][0]
    assert (item["PermissionGroupName"], item["CustomString"]) == ("\u4e2d" * 50, "")
    api.ok("modify_permission_group", {"GroupId": G, "PermissionGroupId": "@PMG#_m"})  # no-op
    base = {"GroupId": G, "PermissionGroupId": "@PMG#_m"}
    api.fail("modify_permission_group", {**base, "PermissionGroupName": "a" * 151}, 10004)
    api.fail("modify_permission_group", {**base, "CustomString": "a" * 3001}, 10004)
    api.fail("modify_permission_group", {**base, "Permission": 2**64}, 10004)
    api.fail("modify_permission_group", {**base, "Permission": -1}, 10004)
    api.fail("modify_permission_group", {**base, "PermissionGroupId": "@PMG#_gone"}, 110006)
    api.fail("modify_permission_group", {**base, "PermissionGroupId": "nope"}, 110008)
    api.fail("modify_permission_group", {**base, "GroupId": "@TGS#_gone"}, 10010)
    item = _get(api, PermissionGroupIdList=["@PMG#_m"])["PermissionGroupInfoList"][0]
    assert item["Permission"] == 2**64 - 1  # failed requests changed nothing


def test_destroy_batch_partial(api: Raw) -> None:
    api.community(G)
    a, b = api.pg(G, "@PMG#_a"), api.pg(G, "@PMG#_b")
    out = api.ok("destroy_permission_group",
                 {"GroupId": G, "PermissionGroupIdList": [a, "@PMG#_zz", "bad", b, a]})
    codes = [(i["PermissionGroupId"], i["ErrorCode"])
             for i in out["PermissionGroupResultList"]]
    assert codes == [(a, 0), ("@PMG#_zz", 110006), ("bad", 110008), (b, 0), (a, 110006)]
    assert _get(api)["PermissionGroupInfoList"] == []


def test_destroy_caps(api: Raw) -> None:
    api.community(G)
    ids = [api.pg(G, f"@PMG#_{i}") for i in range(21)]
    api.fail("destroy_permission_group", {"GroupId": G, "PermissionGroupIdList": ids}, 10004)
    api.fail("destroy_permission_group", {"GroupId": G, "PermissionGroupIdList": []}, 10004)
    api.fail("destroy_permission_group", {"GroupId": G, "PermissionGroupIdList": "@PMG#_1"},
             10004)
    api.fail("destroy_permission_group", {"GroupId": G, "PermissionGroupIdList": [1]}, 10004)
    out = api.ok("destroy_permission_group", {"GroupId": G, "PermissionGroupIdList": ids[:20]})
    assert all(i["ErrorCode"] == 0 for i in out["PermissionGroupResultList"])
    assert len(_get(api)["PermissionGroupInfoList"]) == 1


def test_get_by_ids_partial_and_cap(api: Raw) -> None:
    api.community(G)
    a = api.pg(G, "@PMG#_a")
    out = _get(api, PermissionGroupIdList=[a, "@PMG#_missing", "junk"])
    assert [(i["PermissionGroupId"], i["ErrorCode"]) for i in out["PermissionGroupInfoList"]] == \
        [(a, 0), ("@PMG#_missing", 110006), ("junk", 110008)]
    assert out["Next"] == ""
    _get(api, PermissionGroupIdList=[a] * 20)
    api.fail("get_permission_group", {"GroupId": G, "PermissionGroupIdList": [a] * 21}, 10004)


def test_listing_pages_of_20(api: Raw) -> None:
    api.community(G)
    created = [api.pg(G, f"@PMG#_g{i:02d}", name=f"n{i}") for i in range(45)]
    seen, nxt, pages = [], "", 0
    while True:
        body = {"Next": nxt}
        if pages % 2 == 0:
            body["Limit"] = 20
        out = _get(api, **body)
        pages += 1
        seen += [i["PermissionGroupId"] for i in out["PermissionGroupInfoList"]]
        nxt = out["Next"]
        if nxt == "":
            break
        assert isinstance(nxt, str) and not nxt.isdigit()
    assert seen == created
    assert pages == 3


def test_listing_limit_bounds_and_cursor(api: Raw) -> None:
    api.community(G)
    for i in range(3):
        api.pg(G, f"@PMG#_{i}")
    out = _get(api, Limit=1)
    assert len(out["PermissionGroupInfoList"]) == 1 and out["Next"]
    _get(api, Limit=20)
    for bad in (21, 0, -1, "5"):
        api.fail("get_permission_group", {"GroupId": G, "Limit": bad}, 10004)
    # A cursor with anything added is refused (appending base64 letters may spell another
    # valid cursor, so the additions here are not base64).
    for cursor in ("garbage", "TGS!!!", "12", out["Next"] + "!", out["Next"] + "=",
                   " " + out["Next"]):
        api.fail("get_permission_group", {"GroupId": G, "Next": cursor}, 10004)
    # a member-list cursor is not valid here
    api.ok("add_permission_group_member", {"GroupId": G, "PermissionGroupId": "@PMG#_0",
                                           "MemberList": [{"Member_Account": "a"},
                                                          {"Member_Account": "b"}]})
    mem = api.ok("get_permission_group_member_list",
                 {"GroupId": G, "PermissionGroupId": "@PMG#_0", "Limit": 1})
    api.fail("get_permission_group", {"GroupId": G, "Next": mem["Next"]}, 10004)
    api.fail("get_permission_group", {"GroupId": G, "Next": 5}, 10004)


def test_listing_survives_deletes_between_pages(api: Raw) -> None:
    api.community(G)
    ids = [api.pg(G, f"@PMG#_{i}") for i in range(5)]
    first = _get(api, Limit=2)
    api.ok("destroy_permission_group", {"GroupId": G, "PermissionGroupIdList": [ids[1], ids[2]]})
    rest = _get(api, Limit=20, Next=first["Next"])
    assert [i["PermissionGroupId"] for i in rest["PermissionGroupInfoList"]] == ids[3:]
