"""Paging iterators follow ``Next`` and refuse a server that repeats a cursor."""

from __future__ import annotations

import pytest
from pulumi_tencentchat.errors import TransportError

from .scripted_server import ok


def pg(i: int) -> dict:
    return {"PermissionGroupId": f"@PMG#_{i}", "PermissionGroupName": f"n{i}"}


def test_groups_are_followed_until_next_is_empty(scripted, make_client) -> None:
    server = scripted(ok(PermissionGroupInfoList=[pg(1)], Next="a"),
                      ok(PermissionGroupInfoList=[pg(2)], Next=""))
    client = make_client(server.url)
    assert [g.permission_group_id for g in client.iter_permission_groups("@TGS#_g")] == \
        ["@PMG#_1", "@PMG#_2"]
    assert [r.body.get("Next", "") for r in server.requests] == ["", "a"]


@pytest.mark.parametrize("kind", ["groups", "members"])
def test_a_repeated_cursor_fails_instead_of_looping(scripted, make_client, kind: str) -> None:
    if kind == "groups":
        page = ok(PermissionGroupInfoList=[pg(1)], Next="same")
        listing = lambda c: c.iter_permission_groups("@TGS#_g")  # noqa: E731
    else:
        page = ok(MemberList=[{"Member_Account": "u1"}], Next="same")
        listing = lambda c: c.iter_permission_group_members("@TGS#_g", "@PMG#_p")  # noqa: E731
    server = scripted(page, page, page)
    with pytest.raises(TransportError, match="paging cursor repeated"):
        list(listing(make_client(server.url)))
    assert server.count == 2
