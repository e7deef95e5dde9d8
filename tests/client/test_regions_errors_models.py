"""Region table, error catalogue / exception mapping, and wire models."""

from __future__ import annotations

import pickle

import pytest
from pulumi_tencentchat import errors as e
from pulumi_tencentchat import models as m
from pulumi_tencentchat.regions import REGIONS, resolve_base_url

# ------------------------------------------------------------------------- regions


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("china", "https://console.tim.qq.com"),
        ("singapore", "https://adminapisgp.im.qcloud.com"),
        ("seoul", "https://adminapikr.im.qcloud.com"),
        ("tokyo", "https://adminapijpn.im.qcloud.com"),
        ("frankfurt", "https://adminapiger.im.qcloud.com"),
        ("siliconvalley", "https://adminapiusa.im.qcloud.com"),
        ("jakarta", "https://adminapiidn.im.qcloud.com"),
        ("riyadh", "https://adminapiksa.im.qcloud.com"),
        ("mumbai", "https://adminapiind.im.qcloud.com"),
        ("Singapore", "https://adminapisgp.im.qcloud.com"),
    ],
)
def test_region_domains(name: str, url: str) -> None:
    assert resolve_base_url(region=name) == url


def test_backup_domains_kept() -> None:
    assert REGIONS["china"].backup == "adminapi.my-imcloud.com"
    assert REGIONS["frankfurt"].backup == "adminapiger.my-imcloud.com"


@pytest.mark.parametrize(
    "endpoint",
    ["http://127.0.0.1:8080", "http://localhost:1/", "http://[::1]:9000", "http://127.9.9.9",
     "https://chat.example.com"],
)
def test_endpoint_allowed(endpoint: str) -> None:
    assert resolve_base_url(endpoint=endpoint) == endpoint.rstrip("/")


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"endpoint": "http://chat.example.com"}, "https"),
        ({"endpoint": "http://10.0.0.1"}, "loopback"),
        ({"endpoint": "ftp://127.0.0.1"}, "endpoint"),
        ({"region": "mars"}, "valid regions: china, singapore"),
        ({}, "region or endpoint"),
        ({"region": "china", "endpoint": "https://x.example"}, "not both"),
    ],
)
def test_resolve_errors(kwargs: dict, needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        resolve_base_url(**kwargs)


# -------------------------------------------------------------------------- errors

SPEC_CODES = [
    60002, 60003, 60004, 60005, 60006, 60007, 60008, 60009, 60010, 60011, 60012, 60013,
    60014, 60015, 60016, 60017, 60018, 60019, 60020, 60021, 70001, 70003, 70009, 70013,
    70014, 70016, 70020, 70050, 70051, 70107, 10002, 10003, 10004, 10006, 10007, 10010,
    10011, 10013, 10015, 10016, 10018, 10019, 10021, 10025, 10026, 11000, 110006, 110008,
    110011,
]


def test_catalogue_covers_every_spec_code() -> None:
    for code in SPEC_CODES:
        meaning, action = e.CATALOGUE[code]
        assert meaning and action


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (60004, e.AuthenticationError), (70001, e.AuthenticationError),
        (70009, e.AuthenticationError), (60010, e.PermissionDeniedError),
        (10007, e.PermissionDeniedError), (60007, e.RateLimitedError),
        (10006, e.RateLimitedError), (70050, e.RateLimitedError), (10010, e.NotFoundError),
        (110006, e.NotFoundError), (110011, e.NotFoundError), (10019, e.NotFoundError),
        (10004, e.InvalidRequestError), (110008, e.InvalidRequestError),
        (60003, e.InvalidRequestError), (10021, e.ConflictError), (10013, e.ConflictError),
        (10002, e.ServerError), (11000, e.UnsupportedError), (10026, e.UnsupportedError),
        (12345, e.TencentChatError),
    ],
)
def test_error_for_maps_kinds(code: int, cls: type) -> None:
    exc = e.error_for(code, "info", "cmd")
    assert type(exc) is cls
    assert exc.code == code and exc.command == "cmd"


def test_error_text_reads_well_and_pickles() -> None:
    exc = e.error_for(110006, "no such permission group", "create_permission_group")
    assert str(exc) == (
        "create_permission_group failed: Tencent Chat error 110006 (permission group does not "
        "exist or was destroyed): no such permission group. What to do: "
        + e.CATALOGUE[110006][1]
    )
    expired = e.error_for(70001, "", "get_permission_group")
    assert "regenerate the UserSig" in str(expired) and "clock" in str(expired)
    again = pickle.loads(pickle.dumps(exc))
    assert type(again) is e.NotFoundError and str(again) == str(exc)


def test_transience() -> None:
    for code in (10002, 60007, 60011, 60018, 60019, 10006):
        assert e.is_transient(e.error_for(code))
    for code in (10004, 10010, 70009, 60010, 70050, 110006):
        assert not e.is_transient(e.error_for(code))
    assert e.is_transient(e.TransportError("c", "h", "connect", sent=False))
    assert e.is_transient(e.TransportError("c", "h", "http", status=503))
    assert not e.is_transient(e.TransportError("c", "h", "http", status=404))
    assert not e.is_transient(e.TransportError("c", "h", "decode"))
    assert e.certainly_not_applied(e.TransportError("c", "h", "connect", sent=False))
    assert e.certainly_not_applied(e.TransportError("c", "h", "http", status=502))
    assert not e.certainly_not_applied(e.TransportError("c", "h", "http", status=500))
    assert not e.certainly_not_applied(e.TransportError("c", "h", "timeout"))
    assert not e.certainly_not_applied(e.TransportError("c", "h", "connection"))
    assert not e.certainly_not_applied(e.error_for(10002))


def test_redact() -> None:
    assert e.redact("sig=abcdef123 and abcdef123", ["abcdef123", None]) == "sig=*** and ***"


# -------------------------------------------------------------------------- models


def test_request_serialises_aliases_without_none() -> None:
    body = m.ModifyPermissionGroupRequest(
        group_id="@TGS#_g", permission_group_id="@PMG#_p", permission=7
    ).to_wire()
    assert body == {"GroupId": "@TGS#_g", "PermissionGroupId": "@PMG#_p", "Permission": 7}
    members = m.MemberListRequest(
        group_id="g", permission_group_id="p", members=[m.MemberAccount(member_account="a")]
    ).to_wire()
    assert members["MemberList"] == [{"Member_Account": "a"}]


def test_response_tolerates_extras_and_doc_variants() -> None:
    resp = m.GetPermissionGroupResponse.model_validate(
        {
            "ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "RequestId": "x",
            "Next": 0,
            "PermissionGroupInfoList": [
                {"ErrorCode": 0, "ErrorInfo": "", "PermissionGroupId": "@PMG#_a",
                 "PermissionGroupName": "a", "Permission": 39, "MemberNum": 3,
                 "CreateTime": 1},
            ],
        }
    )
    assert resp.next == ""
    assert resp.items[0].member_count == 3 and resp.items[0].ok
    topics = m.GetTopicResponse.model_validate(  # shape of docs/tencent-api.md#717-get_topic
        {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "TopicAndSelfInfo": [
            {"ErrorCode": 0, "ErrorInfo": "ok",
             "TopicInfo": {"TopicName": "n", "GroupID": "@TGS#_g", "FaceUrl": "f",
                           "TopicId": "t1", "NextMsgSeq": 3, "Notification": "no",
                           "Introduction": "in", "CreateTime": 1656402061, "LastMsgTime": 0,
                           "ShutUpAllFlag": 1, "CustomString": "cs"},
             "SelfInfo": {"ShutUpTime": 0, "MsgSeq": 2, "MsgFlag": "AcceptAndNotify"}},
            {"ErrorCode": 10010, "ErrorInfo": "gone", "TopicInfo": {"TopicId": "t2"}},
        ]}
    )
    first, missing = topics.topics
    assert (first.topic_id, first.topic_name, first.group_id, first.face_url, first.notification,
            first.introduction, first.custom_string, first.shut_up_all_flag) == (
        "t1", "n", "@TGS#_g", "f", "no", "in", "cs", 1)
    assert first.ok and first.self_info is not None and first.self_info.msg_seq == 2
    assert not missing.ok and missing.key == "t2" and missing.error_code == 10010


def test_batch_result_failures_and_raise() -> None:
    batch = m.BatchResult[m.MemberResult](
        command="add_permission_group_member",
        items=[
            m.MemberResult(member_account="a", result=0),
            m.MemberResult(member_account="b", result=10013),
            m.MemberResult(member_account="c", result=10019),
        ],
    )
    assert [i.member_account for i in batch.failures] == ["c"]
    with pytest.raises(e.BatchItemError) as info:
        batch.raise_for_failures()
    assert info.value.failures[0].key == "c" and info.value.codes == {10019}
    assert "c: error 10019 (requested account does not exist)" in str(info.value)
    clean = m.BatchResult[m.TopicResult](items=[m.TopicResult(topic_id="t")])
    clean.raise_for_failures()
    assert clean.ok
