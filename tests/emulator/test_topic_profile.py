"""Topic profiles (docs/tencent-api.md#716-create_topic to #719-destroy_topic): create_topic's
fields and limits, modify_topic, and get_topic's documented TopicAndSelfInfo shape."""

from __future__ import annotations

from typing import Any

import pytest
from tencentchat_emulator import unverified as U

from tests.emulator.client import Raw

G = "@TGS#_topics"
TID = G + "@TOPIC#_t"
TOPIC_FIELDS = ("TopicName", "GroupID", "FaceUrl", "TopicId", "NextMsgSeq", "Notification",
                "Introduction", "CreateTime", "LastMsgTime", "ShutUpAllFlag", "CustomString")
LIMITS = [("TopicName", 30), ("CustomString", 3000), ("FaceUrl", 100), ("Notification", 300),
          ("Introduction", 240)]


def topics(api: Raw, **body: Any) -> list[dict[str, Any]]:
    return api.ok("get_topic", {"GroupId": G, "From_Account": "administrator",
                                **body})["TopicAndSelfInfo"]


def topic(api: Raw, tid: str = TID) -> dict[str, Any]:
    items = topics(api, TopicIdList=[tid])
    assert len(items) == 1 and items[0]["ErrorCode"] == 0, items
    return items[0]["TopicInfo"]


def exact(limit: int, over: bool = False) -> list[str]:
    """Strings of exactly ``limit`` UTF-8 bytes (ASCII and 3-byte CJK), or one byte over."""
    cjk = "\u4e2d" * (limit // 3) + "a" * (limit % 3)
    extra = "x" if over else ""
    return ["a" * limit + extra, cjk + extra]


def test_create_topic_with_every_field(api: Raw) -> None:
    api.community(G)
    body = {"GroupId": G, "TopicId": TID, "TopicName": "general", "From_Account": "alice",
            "CustomString": "cs", "FaceUrl": "https://x/f.png", "Notification": "rules",
            "Introduction": "about"}
    out = api.ok("create_topic", body)
    assert out == {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "TopicId": TID}
    item = topics(api)[0]
    assert set(item) == {"ErrorCode", "ErrorInfo", "TopicInfo", "SelfInfo"}
    assert (item["ErrorCode"], item["ErrorInfo"]) == (0, "ok")
    info = item["TopicInfo"]
    assert tuple(info) == TOPIC_FIELDS
    assert "GroupId" not in info  # the documented spelling is GroupID
    assert {k: info[k] for k in ("TopicName", "GroupID", "FaceUrl", "TopicId", "Notification",
                                 "Introduction", "ShutUpAllFlag", "CustomString")} == {
        "TopicName": "general", "GroupID": G, "FaceUrl": "https://x/f.png", "TopicId": TID,
        "Notification": "rules", "Introduction": "about", "ShutUpAllFlag": 0,
        "CustomString": "cs"}
    assert all(isinstance(info[k], int) for k in ("NextMsgSeq", "CreateTime", "LastMsgTime"))
    assert info["CreateTime"] > 1_600_000_000
    assert item["SelfInfo"] == {"ShutUpTime": 0, "MsgSeq": 0, "MsgFlag": U.TOPIC_SELF_MSG_FLAG}


@pytest.mark.parametrize("field,limit", LIMITS)
def test_create_topic_byte_limits(api: Raw, field: str, limit: int) -> None:
    api.community(G)
    for i, value in enumerate(exact(limit)):
        tid = f"{TID}{i}"
        api.ok("create_topic", {"GroupId": G, "TopicName": "n", "TopicId": tid, field: value})
        assert topic(api, tid)[field] == value
    for value in exact(limit, over=True):
        api.fail("create_topic", {"GroupId": G, "TopicName": "n", "TopicId": TID,
                                  field: value}, 10004)
    api.fail("create_topic", {"GroupId": G, "TopicName": "n", "TopicId": TID, field: 1}, 10004)
    assert [t["TopicInfo"]["TopicId"] for t in topics(api)] == [f"{TID}0", f"{TID}1"]


def test_topic_name_is_thirty_bytes_not_150(api: Raw) -> None:
    api.community(G)
    assert U.TOPIC_NAME_MAX_BYTES == 30
    api.fail("create_topic", {"GroupId": G, "TopicName": "t" * 31}, 10004)
    api.fail("create_topic", {"GroupId": G, "TopicName": "t" * 150}, 10004)
    api.fail("create_topic", {"GroupId": G, "TopicName": ""}, 10004)
    api.fail("create_topic", {"GroupId": G, "TopicName": None}, 10004)
    api.fail("create_topic", {"GroupId": G, "TopicName": "t", "From_Account": "x" * 33}, 10004)
    api.fail("create_topic", {"GroupId": G, "TopicName": "t", "From_Account": 5}, 10004)
    assert topics(api) == []


def test_modify_topic_changes_only_what_is_sent(api: Raw) -> None:
    api.community(G)
    api.ok("create_topic", {"GroupId": G, "TopicId": TID, "TopicName": "first",
                            "CustomString": "cs", "FaceUrl": "f", "Notification": "n",
                            "Introduction": "i"})
    before = topic(api)
    out = api.ok("modify_topic", {"GroupId": G, "TopicId": TID, "Introduction": "new intro"})
    assert set(out) == {"ActionStatus", "ErrorCode", "ErrorInfo"}  # envelope only
    assert topic(api) == {**before, "Introduction": "new intro"}
    changes = {"TopicName": "second", "FaceUrl": "f2", "Notification": "n2",
               "CustomString": "cs2"}
    api.ok("modify_topic", {"GroupId": G, "TopicId": TID, "From_Account": "alice", **changes})
    assert topic(api) == {**before, "Introduction": "new intro", **changes}
    api.ok("modify_topic", {"GroupId": G, "TopicId": TID})  # nothing to change
    assert topic(api) == {**before, "Introduction": "new intro", **changes}
    api.ok("modify_topic", {"GroupId": G, "TopicId": TID, "CustomString": ""})  # cleared
    assert topic(api)["CustomString"] == ""


def test_modify_topic_mute_all(api: Raw) -> None:
    api.community(G)
    api.topic(G, "t", TID)
    api.ok("modify_topic", {"GroupId": G, "TopicId": TID, "MuteAllMember": "On"})
    assert topic(api)["ShutUpAllFlag"] == 1
    api.ok("modify_topic", {"GroupId": G, "TopicId": TID, "TopicName": "x"})
    assert topic(api)["ShutUpAllFlag"] == 1  # omitted: kept
    api.ok("modify_topic", {"GroupId": G, "TopicId": TID, "MuteAllMember": "Off"})
    assert topic(api)["ShutUpAllFlag"] == 0
    for bad in ("on", "ON", "", "Yes", 1, True):
        api.fail("modify_topic", {"GroupId": G, "TopicId": TID, "MuteAllMember": bad}, 10004)
    assert topic(api)["ShutUpAllFlag"] == 0


@pytest.mark.parametrize("field,limit", LIMITS)
def test_modify_topic_limits_and_atomicity(api: Raw, field: str, limit: int) -> None:
    api.community(G)
    api.topic(G, "t", TID)
    for value in exact(limit):
        api.ok("modify_topic", {"GroupId": G, "TopicId": TID, field: value})
        assert topic(api)[field] == value
    before = topic(api)
    for value in exact(limit, over=True):
        api.fail("modify_topic", {"GroupId": G, "TopicId": TID, "MuteAllMember": "On",
                                  field: value}, 10004)
    api.fail("modify_topic", {"GroupId": G, "TopicId": TID, field: ["x"]}, 10004)
    assert topic(api) == before  # the valid MuteAllMember of a refused call was not applied


def test_modify_topic_addressing(api: Raw) -> None:
    api.community(G)
    api.topic(G, "t", TID)
    api.community("@TGS#_other")
    other = api.topic("@TGS#_other", "o", "@TGS#_other@TOPIC#_o")
    api.fail("modify_topic", {"GroupId": G, "TopicId": G + "@TOPIC#_none", "TopicName": "x"},
             U.UNKNOWN_TOPIC_CODE)
    api.fail("modify_topic", {"GroupId": G, "TopicId": other, "TopicName": "x"},
             U.UNKNOWN_TOPIC_CODE)  # a topic of another community is unknown here
    api.fail("modify_topic", {"GroupId": G, "TopicName": "x"}, 10004)
    api.fail("modify_topic", {"GroupId": G, "TopicId": 1}, 10004)
    api.fail("modify_topic", {"TopicId": TID}, 10004)
    api.fail("modify_topic", {"GroupId": "@TGS#_none", "TopicId": TID}, 10010)
    api.community("@TGS#_flat", topics=False)
    api.fail("modify_topic", {"GroupId": "@TGS#_flat", "TopicId": TID}, 11000)
    api.ok("create_group", {"Type": "Public", "Name": "p", "GroupId": "pub"})
    api.fail("modify_topic", {"GroupId": "pub", "TopicId": TID}, 10007)
    api.fail("modify_topic", {"GroupId": G, "TopicId": TID}, 10003, service="group_open_http_svc")
    assert topic(api)["TopicName"] == "t"
    out = api.ok("get_topic", {"GroupId": "@TGS#_other", "From_Account": "a"})
    assert [i["TopicInfo"]["TopicName"] for i in out["TopicAndSelfInfo"]] == ["o"]


def test_get_topic_response_filter(api: Raw) -> None:
    api.community(G)
    api.ok("create_topic", {"GroupId": G, "TopicId": TID, "TopicName": "t",
                            "Introduction": "i"})
    item = topics(api, ResponseFilter=["Introduction", "NoSuchField"])[0]
    assert item["TopicInfo"] == {"GroupID": G, "TopicId": TID, "Introduction": "i"}
    assert set(item["SelfInfo"]) == {"ShutUpTime", "MsgSeq", "MsgFlag"}
    assert tuple(topics(api, ResponseFilter=[])[0]["TopicInfo"]) == TOPIC_FIELDS  # no filter
    for bad in ("TopicName", [1], {"TopicName": 1}):
        api.fail("get_topic", {"GroupId": G, "From_Account": "a", "ResponseFilter": bad}, 10004)


def test_get_topic_requests(api: Raw) -> None:
    api.community(G)
    t1 = api.topic(G, "a", TID + "1")
    t2 = api.topic(G, "b", TID + "2")
    assert [i["TopicInfo"]["TopicId"] for i in topics(api)] == [t1, t2]
    assert [i["TopicInfo"]["TopicId"] for i in topics(api, TopicIdList=[t2, t1])] == [t2, t1]
    assert [i["TopicInfo"]["TopicId"] for i in topics(api, TopicIdList=[])] == [t1, t2]
    missing = topics(api, TopicIdList=[G + "@TOPIC#_x"])[0]
    assert missing == {"ErrorCode": U.UNKNOWN_TOPIC_CODE, "ErrorInfo": "topic does not exist",
                       "TopicInfo": {"TopicId": G + "@TOPIC#_x"}}
    api.fail("get_topic", {"GroupId": G}, 10004)  # From_Account is required
    api.fail("get_topic", {"GroupId": G, "From_Account": ""}, 10004)
    api.fail("get_topic", {"GroupId": G, "From_Account": "a", "TopicIdList": "x"}, 10004)
