"""Fixture APIs (docs/tencent-api.md#712-create_group to #719-destroy_topic) and cascade
deletes."""

from __future__ import annotations

import pytest

from tests.emulator.client import Raw

G = "@TGS#_c1"


def test_create_group_rules(api: Raw) -> None:
    gid = api.ok("create_group", {"Type": "Community", "Name": "a" * 30})["GroupId"]
    assert gid.startswith("@TGS#_@TGS#")
    api.fail("create_group", {"Type": "Community", "Name": "a" * 31}, 10004)
    api.ok("create_group", {"Type": "Community", "Name": "\u4e2d" * 10})  # 30 bytes
    api.fail("create_group", {"Type": "Community", "Name": "\u4e2d" * 10 + "a"}, 10004)
    api.fail("create_group", {"Type": "Community"}, 10004)
    api.fail("create_group", {"Type": "Clan", "Name": "n"}, 10004)
    api.fail("create_group", {"Type": "Community", "Name": "n", "SupportTopic": 2}, 10004)
    api.fail("create_group", {"Type": "Community", "Name": "n", "GroupId": "plain"}, 10015)
    api.fail("create_group", {"Type": "Community", "Name": "n", "GroupId": "@TGS#_" + "a" * 42},
             10015)
    api.ok("create_group", {"Type": "Community", "Name": "n", "GroupId": "@TGS#_" + "a" * 41})
    api.fail("create_group", {"Type": "Public", "Name": "n", "GroupId": "@TGS#x"}, 10015)
    other = api.ok("create_group", {"Type": "Public", "Name": "n"})["GroupId"]
    assert other.startswith("@TGS#") and not other.startswith("@TGS#_")
    api.community(G)
    api.fail("create_group", {"Type": "Community", "Name": "n", "GroupId": G}, 10021)


def _topic_info(tid: str, name: str) -> dict:
    """What get_topic reports for a topic created with only a name (the shape of
    docs/tencent-api.md#717-get_topic)."""
    return {"TopicName": name, "GroupID": G, "FaceUrl": "", "TopicId": tid, "NextMsgSeq": 1,
            "Notification": "", "Introduction": "", "LastMsgTime": 0, "ShutUpAllFlag": 0,
            "CustomString": ""}


def test_topics_create_get_destroy(api: Raw) -> None:
    api.community(G)
    custom = api.topic(G, "general", f"{G}@TOPIC#_general")
    gen = api.topic(G, "random")
    assert gen.startswith(f"{G}@TOPIC#_@TOPIC#")
    out = api.ok("get_topic", {"GroupId": G, "From_Account": "administrator"})
    assert "TopicInfo" not in out
    items = out["TopicAndSelfInfo"]
    for item in items:
        assert isinstance(item["TopicInfo"].pop("CreateTime"), int)
    self_info = {"ShutUpTime": 0, "MsgSeq": 0, "MsgFlag": "AcceptAndNotify"}
    assert items == [
        {"ErrorCode": 0, "ErrorInfo": "ok", "TopicInfo": _topic_info(custom, "general"),
         "SelfInfo": self_info},
        {"ErrorCode": 0, "ErrorInfo": "ok", "TopicInfo": _topic_info(gen, "random"),
         "SelfInfo": self_info}]
    out = api.ok("get_topic", {"GroupId": G, "From_Account": "x",
                               "TopicIdList": [gen, f"{G}@TOPIC#_none"]})
    assert [i["ErrorCode"] for i in out["TopicAndSelfInfo"]] == [0, 10010]
    assert out["TopicAndSelfInfo"][1]["TopicInfo"] == {"TopicId": f"{G}@TOPIC#_none"}
    api.fail("get_topic", {"GroupId": G}, 10004)
    out = api.ok("destroy_topic", {"GroupId": G, "TopicIdList": [custom, f"{G}@TOPIC#_none"]})
    assert out["DestroyResultItem"] == [
        {"ErrorCode": 0, "ErrorInfo": "ok", "TopicId": custom},
        {"ErrorCode": 10010, "ErrorInfo": "topic does not exist", "TopicId": f"{G}@TOPIC#_none"}]
    out = api.ok("get_topic", {"GroupId": G, "From_Account": "x"})
    assert [i["TopicInfo"]["TopicId"] for i in out["TopicAndSelfInfo"]] == [gen]


@pytest.mark.parametrize("tid", [
    "@TGS#_other@TOPIC#_x", f"{G}@TOPIC#_", f"{G}@TOPIC#_@TOPIC#x", f"{G}@TOPIC#_a@TGS#_b",
    f"{G}@TOPIC#_" + "a" * (96 - len(G) - 7), f"{G}@TOPIC#_caf\u00e9",
])
def test_bad_custom_topic_ids(api: Raw, tid: str) -> None:
    api.community(G)
    api.fail("create_topic", {"GroupId": G, "TopicName": "t", "TopicId": tid}, 10015)


def test_topic_id_boundary_and_duplicate(api: Raw) -> None:
    api.community(G)
    tid = f"{G}@TOPIC#_" + "a" * (96 - len(G) - 8)
    assert len(tid) == 96
    api.topic(G, "t", tid)
    api.fail("create_topic", {"GroupId": G, "TopicName": "t", "TopicId": tid}, 10021)


def test_topic_api_group_checks(api: Raw) -> None:
    api.community("@TGS#_flat", topics=False)
    api.fail("create_topic", {"GroupId": "@TGS#_flat", "TopicName": "t"}, 11000)
    api.fail("get_topic", {"GroupId": "@TGS#_flat", "From_Account": "a"}, 11000)
    api.ok("create_group", {"Type": "Public", "Name": "p", "GroupId": "pub"})
    api.fail("create_topic", {"GroupId": "pub", "TopicName": "t"}, 10007)
    api.fail("create_topic", {"GroupId": "@TGS#_missing", "TopicName": "t"}, 10010)
    api.fail("destroy_topic", {"GroupId": "@TGS#_flat"}, 11000)
    api.community(G)
    api.fail("create_topic", {"GroupId": G}, 10004)
    api.fail("destroy_topic", {"GroupId": G, "TopicIdList": "x"}, 10004)


def _pg_with_member_and_topic_permission(api: Raw) -> str:
    """Community G with one topic, and @PMG#_a holding member "u" and a right in that topic;
    the topic's ID."""
    api.community(G)
    t = api.topic(G, "t", f"{G}@TOPIC#_t")
    api.pg(G, "@PMG#_a")
    api.ok("add_permission_group_member",
           {"GroupId": G, "PermissionGroupId": "@PMG#_a", "MemberList": [{"Member_Account": "u"}]})
    api.ok("add_topic_permission_group", {"GroupId": G, "PermissionGroupId": "@PMG#_a",
                                          "TopicPermissionList": [{"TopicId": t, "Permission": 1}]})
    return t


def test_destroy_group_cascades(api: Raw) -> None:
    t = _pg_with_member_and_topic_permission(api)
    api.ok("destroy_group", {"GroupId": G})
    api.fail("get_permission_group", {"GroupId": G}, 10010)
    api.fail("destroy_group", {"GroupId": G}, 10010)
    api.fail("destroy_group", {"GroupId": ""}, 10015)
    # recreate with the same ID: nothing of the old group survives
    api.community(G)
    assert api.ok("get_permission_group", {"GroupId": G})["PermissionGroupInfoList"] == []
    assert api.ok("get_topic", {"GroupId": G, "From_Account": "a"})["TopicAndSelfInfo"] == []
    api.topic(G, "t", t)  # the topic ID is free again
    api.pg(G, "@PMG#_a")
    out = api.ok("get_permission_group_member_list", {"GroupId": G, "PermissionGroupId": "@PMG#_a"})
    assert out["MemberList"] == []
    out = api.ok("get_topic_permission_group", {"GroupId": G, "PermissionGroupId": "@PMG#_a"})
    assert out["TopicPermissionResultList"] == []


def test_destroy_topic_removes_its_permissions(api: Raw) -> None:
    api.community(G)
    t1, t2 = api.topic(G, "a", f"{G}@TOPIC#_a"), api.topic(G, "b", f"{G}@TOPIC#_b")
    api.pg(G, "@PMG#_a")
    body = {"GroupId": G, "PermissionGroupId": "@PMG#_a",
            "TopicPermissionList": [{"TopicId": t1, "Permission": 1},
                                    {"TopicId": t2, "Permission": 2}]}
    api.ok("add_topic_permission_group", body)
    api.ok("destroy_topic", {"GroupId": G, "TopicIdList": [t1]})
    out = api.ok("get_topic_permission_group", {"GroupId": G, "PermissionGroupId": "@PMG#_a"})
    assert [(i["TopicId"], i["Permission"]) for i in out["TopicPermissionResultList"]] == [(t2, 2)]
    api.topic(G, "a", t1)  # recreating the topic does not resurrect the permission
    out = api.ok("get_topic_permission_group",
                 {"GroupId": G, "PermissionGroupId": "@PMG#_a", "TopicIdList": [t1]})
    assert out["TopicPermissionResultList"][0]["ErrorCode"] == 110011


def test_destroy_permission_group_removes_members_and_topic_permissions(api: Raw) -> None:
    _pg_with_member_and_topic_permission(api)
    api.ok("destroy_permission_group", {"GroupId": G, "PermissionGroupIdList": ["@PMG#_a"]})
    api.fail("get_permission_group_member_list",
             {"GroupId": G, "PermissionGroupId": "@PMG#_a"}, 110006)
    api.pg(G, "@PMG#_a")
    out = api.ok("get_permission_group", {"GroupId": G, "PermissionGroupIdList": ["@PMG#_a"]})
    assert out["PermissionGroupInfoList"][0]["MemberCount"] == 0
    out = api.ok("get_topic_permission_group", {"GroupId": G, "PermissionGroupId": "@PMG#_a"})
    assert out["TopicPermissionResultList"] == []
