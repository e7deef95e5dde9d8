"""Property tests over the backend in-process (no HTTP): paging and UserSig round trips."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tencentchat_emulator.backend import Backend
from tencentchat_emulator.store import Store
from tencentchat_emulator.usersig import UserSigVerifier, generate_usersig

G = "@TGS#_prop"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(st.tuples(st.booleans(), st.integers(0, 30)), max_size=60),
       limit=st.integers(1, 20))
def test_listing_pages_equal_creation_order(ops: list[tuple[bool, int]], limit: int) -> None:
    store = Store(None)
    be = Backend(store)
    be.cmd_create_group({"Type": "Community", "Name": "p", "GroupId": G})
    alive: list[str] = []
    for create, n in ops:
        pg = f"@PMG#_{n}"
        if create and pg not in alive:
            be.cmd_create_permission_group({"GroupId": G, "PermissionGroupId": pg,
                                            "PermissionGroupName": "n", "Permission": n})
            alive.append(pg)
        elif not create:
            out = be.cmd_destroy_permission_group({"GroupId": G, "PermissionGroupIdList": [pg]})
            assert (out["PermissionGroupResultList"][0]["ErrorCode"] == 0) == (pg in alive)
            if pg in alive:
                alive.remove(pg)
    seen, nxt = [], ""
    while True:
        out = be.cmd_get_permission_group({"GroupId": G, "Limit": limit, "Next": nxt})
        assert len(out["PermissionGroupInfoList"]) <= limit
        seen += [i["PermissionGroupId"] for i in out["PermissionGroupInfoList"]]
        nxt = out["Next"]
        if not nxt:
            break
    assert seen == alive
    store.close()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(identifier=st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1,
                          max_size=32),
       sdkappid=st.integers(1, 2**32), buf=st.none() | st.binary(max_size=20))
def test_usersig_round_trip(identifier: str, sdkappid: int, buf: bytes | None) -> None:
    sig = generate_usersig(sdkappid, "k", identifier, userbuf=buf)
    assert set(sig) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-_")
    UserSigVerifier("k").verify(sig, sdkappid, identifier)
