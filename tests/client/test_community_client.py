"""Client methods for community settings, topic profiles and the app's group listing
(docs/tencent-api.md#714-get_group_info to #720-get_appid_group_list), against the spawned
emulator and, for the exact wire bodies, a scripted server."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pulumi_tencentchat import client as client_module
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.errors import InvalidRequestError, NotFoundError
from pulumi_tencentchat.models import GroupInfo, TopicInfo
from pulumi_tencentchat.ratelimit import shared_limiter

from .scripted_server import ScriptedServer, ok

G = "@TGS#_cc"
U64_MAX = 2**64 - 1




def calls(emulator, command: str) -> int:
    return int(emulator.stats()["commands"].get(command, 0))


# --- community settings ------------------------------------------------------------------

def test_create_group_with_switch_and_default(client: TencentChatClient) -> None:
    gid = client.create_group("c", group_id=G, enable_permission=True,
                              default_permission=U64_MAX)
    plain = client.create_group("p", group_id="@TGS#_plain")
    flat = client.create_group("f", group_id="@TGS#_flat", support_topic=False)
    items = client.get_group_info([gid, plain, flat]).items
    assert all(isinstance(i, GroupInfo) and i.ok for i in items)
    assert [(i.group_id, i.enable_permission, i.default_permission) for i in items] == [
        (G, 1, U64_MAX), ("@TGS#_plain", 0, 0), ("@TGS#_flat", None, None)]
    assert [i.permission_groups_enabled for i in items] == [True, False, None]
    assert (items[0].type, items[0].name) == ("Community", "c")
    with pytest.raises(InvalidRequestError) as err:  # the default needs the switch on
        client.create_group("x", group_id="@TGS#_x", default_permission=64)
    assert err.value.code == 10004


def test_modify_group_base_info_sends_only_given_fields(client: TencentChatClient,
                                                        emulator) -> None:
    client.create_group("c", group_id=G)
    client.modify_group_base_info(G, enable_permission=True, default_permission=320)
    assert _switch(client) == (1, 320)
    client.modify_group_base_info(G, enable_permission=False)  # the default is not sent...
    assert _switch(client) == (0, 320)  # ...so it is kept
    client.modify_group_base_info(G, enable_permission=True)
    client.modify_group_base_info(G, default_permission=0)
    assert _switch(client) == (1, 0)
    client.modify_group_base_info(G, enable_permission=False)
    with pytest.raises(InvalidRequestError) as err:
        client.modify_group_base_info(G, default_permission=64)
    assert err.value.code == 10004 and "modify_group_base_info" in str(err.value)
    with pytest.raises(NotFoundError):
        client.modify_group_base_info("@TGS#_none", enable_permission=True)
    before = calls(emulator, "modify_group_base_info")
    for bad in ({"enable_permission": 2}, {"default_permission": -1},
                {"default_permission": 2**64}, {"default_permission": 1.5}):
        with pytest.raises(ValueError) as info:
            client.modify_group_base_info(G, **bad)  # type: ignore[arg-type]
        assert next(iter(bad)) in str(info.value)
    assert calls(emulator, "modify_group_base_info") == before  # refused before sending


def _switch(client: TencentChatClient) -> tuple[int | None, int | None]:
    item = client.get_group_info([G]).items[0]
    return item.enable_permission, item.default_permission


def test_modify_group_base_info_wire_body(scripted: Callable[..., ScriptedServer],
                                          make_client: Callable[..., TencentChatClient]) -> None:
    server = scripted(ok(), ok(), ok())
    c = make_client(server.url)
    c.modify_group_base_info(G, enable_permission=True)
    c.modify_group_base_info(G, default_permission=7)
    c.modify_group_base_info(G, enable_permission=False, default_permission=0)
    assert [r.path for r in server.requests] == [
        "/v4/group_open_http_svc/modify_group_base_info"] * 3
    assert [r.body for r in server.requests] == [
        {"GroupId": G, "EnablePermission": 1}, {"GroupId": G, "DefaultPermission": 7},
        {"GroupId": G, "EnablePermission": 0, "DefaultPermission": 0}]


def test_get_group_info_batches_of_50(client: TencentChatClient, emulator) -> None:
    real = [client.create_group(f"g{i}", group_id=f"@TGS#_g{i:03d}") for i in range(3)]
    ids = real + [f"@TGS#_none{i:03d}" for i in range(117)]
    before = calls(emulator, "get_group_info")
    result = client.get_group_info(ids + real[:1])  # a repeated ID is asked for once
    assert calls(emulator, "get_group_info") - before == 3  # 50 + 50 + 20
    assert [i.group_id for i in result.items] == ids
    assert [i.group_id for i in result.succeeded] == real
    assert {f.error_code for f in result.failures} == {10010} and len(result.failures) == 117
    assert all(i.enable_permission == 0 for i in result.succeeded)


def test_get_group_info_names_the_fields(scripted: Callable[..., ScriptedServer],
                                         make_client: Callable[..., TencentChatClient]) -> None:
    server = scripted(ok(GroupInfo=[{"GroupId": G, "ErrorCode": 0, "ErrorInfo": "",
                                     "EnablePermission": 1, "DefaultPermission": 9}]))
    c = make_client(server.url)
    item = c.get_group_info([G]).items[0]
    assert (item.enable_permission, item.default_permission) == (1, 9)
    body = server.requests[0].body
    assert body["GroupIdList"] == [G]
    assert {"EnablePermission", "DefaultPermission"} <= set(
        body["ResponseFilter"]["GroupBaseInfoFilter"])


# --- topics --------------------------------------------------------------------------------

def test_topic_profile_round_trip(client: TencentChatClient) -> None:
    client.create_group("c", group_id=G)
    tid = client.create_topic(G, "general", f"{G}@TOPIC#_general", introduction="about",
                              notification="rules", face_url="https://x/f.png",
                              custom_string="tier=1")
    bare = client.create_topic(G, "bare")
    topics = client.get_topics(G).items
    assert all(isinstance(t, TopicInfo) and t.ok for t in topics)
    first, second = topics
    assert (first.topic_id, first.topic_name, first.group_id, first.introduction,
            first.notification, first.face_url, first.custom_string) == (
        tid, "general", G, "about", "rules", "https://x/f.png", "tier=1")
    assert first.self_info is not None and first.create_time > 0
    assert (second.topic_id, second.introduction, second.custom_string) == (bare, "", "")

    client.modify_topic(G, tid, notification="new rules", mute_all_member=True)
    after = client.get_topics(G, [tid]).items[0]
    assert (after.topic_name, after.introduction, after.notification, after.face_url,
            after.custom_string, after.shut_up_all_flag) == (
        "general", "about", "new rules", "https://x/f.png", "tier=1", 1)
    client.modify_topic(G, tid, topic_name="renamed", custom_string="")
    after = client.get_topics(G, [tid]).items[0]
    assert (after.topic_name, after.custom_string, after.notification) == (
        "renamed", "", "new rules")
    with pytest.raises(NotFoundError) as err:
        client.modify_topic(G, f"{G}@TOPIC#_none", topic_name="x")
    assert err.value.code == 10010
    missing = client.get_topics(G, [tid, f"{G}@TOPIC#_none"])
    assert [t.ok for t in missing.items] == [True, False]
    assert missing.failures[0].key == f"{G}@TOPIC#_none"
    filtered = client.get_topics(G, [tid], fields=["TopicName"]).items[0]
    assert (filtered.topic_name, filtered.topic_id, filtered.introduction) == (
        "renamed", tid, "")  # fields not asked for are absent (empty)


@pytest.mark.parametrize("field,limit", [("introduction", 240), ("notification", 300),
                                         ("face_url", 100), ("custom_string", 3000)])
def test_topic_limits_refused_before_sending(client: TencentChatClient, emulator,
                                            field: str, limit: int) -> None:
    client.create_group("c", group_id=G)
    tid = client.create_topic(G, "t" * 30, **{field: "\u4e2d" * (limit // 3)})
    before = calls(emulator, "create_topic") + calls(emulator, "modify_topic")
    over = "\u4e2d" * (limit // 3 + 1)
    with pytest.raises(ValueError) as err:
        client.create_topic(G, "t", **{field: over})
    assert field in str(err.value) and str(limit) in str(err.value)
    with pytest.raises(ValueError):
        client.modify_topic(G, tid, **{field: over})
    for name in ("t" * 31, "\u4e2d" * 11, ""):
        with pytest.raises(ValueError, match="topic_name"):
            client.create_topic(G, name)
        with pytest.raises(ValueError, match="topic_name"):
            client.modify_topic(G, tid, topic_name=name)
    assert calls(emulator, "create_topic") + calls(emulator, "modify_topic") == before


def test_create_and_modify_topic_wire_bodies(scripted: Callable[..., ScriptedServer],
                                             make_client: Callable[..., TencentChatClient]
                                             ) -> None:
    server = scripted(ok(TopicId="t"), ok())
    c = make_client(server.url)
    c.create_topic(G, "n", introduction="i")
    c.modify_topic(G, "t", face_url="f", mute_all_member=False)
    assert [r.path for r in server.requests] == [
        "/v4/million_group_open_http_svc/create_topic",
        "/v4/million_group_open_http_svc/modify_topic"]
    assert [r.body for r in server.requests] == [
        {"GroupId": G, "TopicName": "n", "Introduction": "i"},
        {"GroupId": G, "TopicId": "t", "FaceUrl": "f", "MuteAllMember": "Off"}]


# --- the app's group listing ---------------------------------------------------------------

def test_iter_appid_groups_pages_at_one_request_per_second(client: TencentChatClient,
                                                           emulator) -> None:
    communities = [client.create_group(f"c{i}", group_id=f"@TGS#_a{i}") for i in range(5)]
    public = client.create_group("p", group_id="pub", type="Public", support_topic=False)
    listed = list(client.iter_appid_groups(page_size=2))
    assert listed == communities
    everything = list(client.iter_appid_groups(group_type=None))
    assert everything == [*communities, public]
    # Pages 2 + 2 + 1, then one. The emulator enforces the documented 1/s; the client's own
    # bucket starts the pages 1.1 s apart, but a page delayed in transit past that guard can
    # still land within a second of the next, and the 60007 is retried: one more call each,
    # never an error. (That each page takes one token of the 1/s bucket is checked below.)
    stats = emulator.stats()
    refused = stats["rate_limited"].get("get_appid_group_list", 0)
    assert stats["commands"]["get_appid_group_list"] == 4 + refused, stats


def test_appid_page_and_its_own_bucket(client: TencentChatClient, emulator) -> None:
    class Counting:
        def __init__(self) -> None:
            self.n = 0

        def acquire(self) -> float:
            self.n += 1
            return 0.0

    counting = Counting()
    for i in range(3):
        client.create_group(f"c{i}", group_id=f"@TGS#_b{i}")
    page = client.get_appid_group_page(limit=2, limiter=counting)  # type: ignore[arg-type]
    assert (page.group_ids, page.total_count) == (["@TGS#_b0", "@TGS#_b1"], 3)
    assert page.next != 0 and counting.n == 1
    bucket = client_module.appid_list_limiter()
    assert bucket is client_module.appid_list_limiter() and bucket is not shared_limiter()
    assert bucket.rate == client_module.APPID_GROUP_LIST_RATE == 1.0
    emulator.reset()  # the emulator's own 1/s window starts afresh
    rest = list(client.iter_appid_groups(page_size=10000, limiter=counting))  # type: ignore[arg-type]
    assert rest == [] and counting.n == 2  # one page, one token
