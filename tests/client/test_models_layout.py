"""The wire models live by domain; every public name stays importable from ``models``, and the
shared field types read Tencent's loose answers the same way everywhere."""

from __future__ import annotations

import ast
import importlib
import inspect

import pytest
from pulumi_tencentchat import _models_community, _models_permission_groups, _wire
from pulumi_tencentchat import models as m

DOMAINS = (_wire, _models_community, _models_permission_groups)


def _is_typevar(value: ast.expr) -> bool:
    return (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
            and value.func.id == "TypeVar")


def _defined(module: object) -> list[str]:
    """Public names a module defines itself (not those it imports)."""
    tree = ast.parse(inspect.getsource(module))  # type: ignore[arg-type]
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names.append(node.name)
        elif isinstance(node, ast.Assign) and not _is_typevar(node.value):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
    return [n for n in names if not n.startswith("_")]


PUBLIC = [(mod.__name__, name) for mod in DOMAINS for name in _defined(mod)]


@pytest.mark.parametrize(("module", "name"), PUBLIC)
def test_every_domain_name_is_importable_from_models(module: str, name: str) -> None:
    assert getattr(m, name) is getattr(importlib.import_module(module), name)


def test_the_topic_permission_entry_on_the_wire() -> None:
    body = m.TopicPermissionListRequest(
        group_id="@TGS#_g", permission_group_id="@PMG#_p",
        topic_permissions=[m.TopicPermissionEntry(topic_id="t", permission=9)],
    ).to_wire()
    assert body["TopicPermissionList"] == [{"TopicId": "t", "Permission": 9}]
    assert not hasattr(m, "TopicPermission")  # the resource owns that name


def test_null_text_reads_as_empty_in_every_model() -> None:
    nulls = {"ErrorCode": 0, "ErrorInfo": None}
    info = m.PermissionGroupInfo.model_validate(
        {**nulls, "PermissionGroupName": None, "CustomString": None})
    assert (info.error_info, info.name, info.custom_string) == ("", "", "")
    topic = m.TopicInfo.model_validate({**nulls, "TopicInfo": {"TopicName": None,
                                                              "Introduction": None}})
    assert (topic.topic_name, topic.introduction) == ("", "")
    group = m.GroupInfo.model_validate({**nulls, "Type": None, "Owner_Account": None})
    assert (group.type, group.owner_account) == ("", "")
    envelope = m.Envelope.model_validate({"ActionStatus": "OK", **nulls})
    assert envelope.error_info == "" and envelope.ok


@pytest.mark.parametrize(("wire", "read"), [(0, ""), (None, ""), (17, "17"), ("abc", "abc"),
                                            ("", "")])
def test_cursors_read_the_same_in_both_listings(wire: object, read: str) -> None:
    base = {"ActionStatus": "OK", "ErrorCode": 0, "Next": wire}
    assert m.GetPermissionGroupResponse.model_validate(base).next == read
    assert m.GetMemberListResponse.model_validate(base).next == read


@pytest.mark.parametrize("flag", [0, "AcceptAndNotify"])
def test_a_topic_reads_with_the_documented_integer_message_flag_or_a_name(
        flag: object) -> None:
    # The get_topic sample in the API reference shows "MsgFlag": 0; a name is as plausible.
    answer = m.GetTopicResponse.model_validate({
        "ActionStatus": "OK", "ErrorCode": 0, "TopicAndSelfInfo": [{
            "TopicId": "@TGS#_g@TOPIC#_t", "TopicName": "t",
            "SelfInfo": {"ShutUpTime": 0, "MsgSeq": 1, "MsgFlag": flag}}]})
    topic = answer.topics[0]
    assert topic.topic_name == "t" and topic.self_info is not None
    assert topic.self_info.msg_flag == flag
