"""Numbers and names that are contracts with users' existing stacks and with Tencent's limits.

Their expected values are written out here, never read from the module under test: an
auto-name that changed on upgrade would replace every auto-named group (dropping its members
and topic permissions), and a batch size above Tencent's cap would fail every large change.
"""

from __future__ import annotations

import pytest
from pulumi_tencentchat import client, ratelimit
from pulumi_tencentchat.naming import auto_name, is_auto_named
from pulumi_tencentchat.resources import _listings

GOLDEN_AUTO_NAMES = [
    (("tencentchat-community", "dev", "moderators"), "@PMG#_moderators-5311b6ff89ab"),
    (("tencentchat-community", "prod", "moderators"), "@PMG#_moderators-65f24d6a3436"),
    (("proj", "dev", "read-only"), "@PMG#_read-only-1749c3326c6e"),
    (("shop", "staging", "管理员"), "@PMG#_pg-07e98ee65940"),
    (("shop", "staging", "Modérateurs Équipe"), "@PMG#_Mod_rateurs_quipe-1e0b6e8095b1"),
    (("p", "s", "a" * 60), "@PMG#_" + "a" * 28 + "-139716beb8c1"),
]


@pytest.mark.parametrize(("triple", "expected"), GOLDEN_AUTO_NAMES)
def test_auto_names_never_change(triple: tuple[str, str, str], expected: str) -> None:
    assert auto_name(*triple) == expected
    assert is_auto_named(expected)
    assert len(expected.encode()) <= 47


def test_an_edited_auto_name_is_not_recognised() -> None:
    name = auto_name("proj", "dev", "mods")
    assert not is_auto_named(name[:-1] + ("0" if name[-1] != "0" else "1"))
    assert not is_auto_named("@PMG#_mods-0123456789ab")


def test_documented_batch_sizes_and_page_sizes() -> None:
    # Tencent's caps: 20 IDs per destroy or lookup, 50 topic permissions per add/set/delete,
    # 100 accounts per member add/delete, pages of 20 groups and 50 members.
    assert (client.DESTROY_CHUNK, client.GET_BY_ID_CHUNK) == (20, 20)
    assert (client.TOPIC_PERMISSION_CHUNK, client.TOPIC_ID_CHUNK) == (50, 50)
    assert client.MEMBER_CHUNK == 100
    assert (client.MAX_GROUP_PAGE, client.MAX_MEMBER_PAGE) == (20, 50)


def test_refresh_listing_window_and_rate_window() -> None:
    # README: three reads of one community within 2 s make the third fetch the listing, which
    # serves reads for 2 s; the limiter counts starts over 1.1 s (1 s and a 0.1 s guard).
    assert (_listings.WINDOW_SECONDS, _listings.LIST_AFTER_READS) == (2.0, 3)
    assert ratelimit.WINDOW_SECONDS == 1.1
    assert (ratelimit.DEFAULT_RATE, ratelimit.MAX_RATE) == (50.0, 200.0)
