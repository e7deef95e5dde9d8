"""add / delete / list permission-group members (docs/tencent-api.md#79-add_permission_group_member
to #711-get_permission_group_member_list)."""

from __future__ import annotations

import pytest

from tests.emulator.client import Raw

G = "@TGS#_c1"
P = "@PMG#_mods"


@pytest.fixture
def pg(api: Raw) -> str:
    api.community(G)
    return api.pg(G, P)


def _members(*names: str) -> list[dict]:
    return [{"Member_Account": n} for n in names]


def _count(api: Raw) -> int:
    out = api.ok("get_permission_group", {"GroupId": G, "PermissionGroupIdList": [P]})
    return out["PermissionGroupInfoList"][0]["MemberCount"]


def _all(api: Raw, limit: int | None = None) -> tuple[list[str], int]:
    seen, nxt, pages = [], "", 0
    while True:
        body = {"GroupId": G, "PermissionGroupId": P, "Next": nxt}
        if limit is not None:
            body["Limit"] = limit
        out = api.ok("get_permission_group_member_list", body)
        pages += 1
        seen += [m["Member_Account"] for m in out["MemberList"]]
        nxt = out["Next"]
        if not nxt:
            return seen, pages


def test_add_duplicates_and_count(api: Raw, pg: str) -> None:
    out = api.ok("add_permission_group_member",
                 {"GroupId": G, "PermissionGroupId": P, "MemberList": _members("a", "b", "a")})
    assert out["MemberList"] == [{"Member_Account": "a", "Result": 0},
                                 {"Member_Account": "b", "Result": 0},
                                 {"Member_Account": "a", "Result": 10013}]
    assert _count(api) == 2
    out = api.ok("add_permission_group_member",
                 {"GroupId": G, "PermissionGroupId": P, "MemberList": _members("b", "c")})
    assert [m["Result"] for m in out["MemberList"]] == [10013, 0]
    assert _count(api) == 3
    out = api.ok("delete_permission_group_member",
                 {"GroupId": G, "PermissionGroupId": P, "MemberList": _members("a", "zz")})
    assert set(out) == {"ActionStatus", "ErrorCode", "ErrorInfo"}
    assert _count(api) == 2
    api.ok("delete_permission_group_member",  # idempotent
           {"GroupId": G, "PermissionGroupId": P, "MemberList": _members("a")})
    assert _count(api) == 2
    assert _all(api)[0] == ["b", "c"]


def test_member_caps_and_account_rules(api: Raw, pg: str) -> None:
    base = {"GroupId": G, "PermissionGroupId": P}
    hundred = _members(*[f"u{i}" for i in range(100)])
    api.ok("add_permission_group_member", {**base, "MemberList": hundred})
    too_many = _members(*[f"v{i}" for i in range(101)])
    api.fail("add_permission_group_member", {**base, "MemberList": too_many}, 10004)
    api.fail("delete_permission_group_member", {**base, "MemberList": too_many}, 10004)
    assert _count(api) == 100
    api.ok("delete_permission_group_member", {**base, "MemberList": hundred})
    assert _count(api) == 0
    api.ok("add_permission_group_member", {**base, "MemberList": _members("x" * 32, " ~")})
    for bad in (_members("x" * 33), _members(""), _members("caf\u00e9"), [{"Member_Account": 5}],
                ["alice"], [{}], []):
        api.fail("add_permission_group_member", {**base, "MemberList": bad}, 10004)
    api.fail("add_permission_group_member", base, 10004)
    assert _count(api) == 2


def test_member_errors(api: Raw, pg: str) -> None:
    body = {"GroupId": G, "PermissionGroupId": "@PMG#_none", "MemberList": _members("a")}
    api.fail("add_permission_group_member", body, 110006)
    api.fail("delete_permission_group_member", body, 110006)
    api.fail("get_permission_group_member_list", {"GroupId": G, "PermissionGroupId": "x"}, 110008)
    api.fail("add_permission_group_member", {**body, "GroupId": "@TGS#_gone"}, 10010)


def test_member_pages_of_50(api: Raw, pg: str) -> None:
    names = [f"user{i:03d}" for i in range(120)]
    for i in range(0, 120, 100):
        api.ok("add_permission_group_member",
               {"GroupId": G, "PermissionGroupId": P, "MemberList": _members(*names[i:i + 100])})
    assert _all(api, 50) == (names, 3)
    assert _all(api) == (names, 3)  # default Limit is 50
    assert _all(api, 7)[0] == names
    first = api.ok("get_permission_group_member_list",
                   {"GroupId": G, "PermissionGroupId": P, "Limit": 50})
    assert len(first["MemberList"]) == 50 and first["Next"] and not first["Next"].isdigit()


def test_member_list_limit_and_cursor_errors(api: Raw, pg: str) -> None:
    base = {"GroupId": G, "PermissionGroupId": P}
    api.ok("get_permission_group_member_list", {**base, "Limit": 50})
    for bad in (51, 0, "10", 2.0):
        api.fail("get_permission_group_member_list", {**base, "Limit": bad}, 10004)
    for cur in ("zzz", "TGS" + "A" * 5):
        api.fail("get_permission_group_member_list", {**base, "Next": cur}, 10004)
    api.pg(G, "@PMG#_a")
    api.pg(G, "@PMG#_b")
    listing = api.ok("get_permission_group", {"GroupId": G, "Limit": 1})
    api.fail("get_permission_group_member_list", {**base, "Next": listing["Next"]}, 10004)


def test_members_are_per_permission_group(api: Raw, pg: str) -> None:
    api.pg(G, "@PMG#_two")
    api.ok("add_permission_group_member",
           {"GroupId": G, "PermissionGroupId": "@PMG#_two", "MemberList": _members("a")})
    assert _count(api) == 0
    out = api.ok("add_permission_group_member",
                 {"GroupId": G, "PermissionGroupId": P, "MemberList": _members("a")})
    assert out["MemberList"][0]["Result"] == 0
