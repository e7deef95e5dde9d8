"""Wire models of the group and topic commands around permission groups
(docs/tencent-api.md#712-create_group to #720-get_appid_group_list): groups and their base info,
topics and their profiles, and the app's group listing; with the documented limits the client
checks before sending them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, model_validator

from ._wire import Envelope, ItemResult, Text, WireModel
from .permissions import MAX_PERMISSION

# ------------------------------------------------------------------ documented limits

GROUP_NAME_MAX_BYTES = 30
TOPIC_NAME_MAX_BYTES = 30
INTRODUCTION_MAX_BYTES = 240
NOTIFICATION_MAX_BYTES = 300
FACE_URL_MAX_BYTES = 100
CUSTOM_STRING_MAX_BYTES = 3000


def check_text(field: str, value: str | None, max_bytes: int, *, non_empty: bool = False) -> None:
    """Refuse a text field the API would refuse: not a string, empty, or over its byte limit."""
    if value is None:
        return
    if not isinstance(value, str):
        raise ValueError(f"{field} must be a string")
    if non_empty and not value:
        raise ValueError(f"{field} must not be empty")
    size = len(value.encode("utf-8"))
    if size > max_bytes:
        raise ValueError(f"{field} must be at most {max_bytes} bytes of UTF-8 (got {size})")


def check_permission(field: str, value: int | None) -> int | None:
    """A permission bitmask: an integer in the unsigned 64-bit range."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{field} must be an integer bitmask")
    if not 0 <= value <= MAX_PERMISSION:
        raise ValueError(f"{field} must be between 0 and 2^64-1 (got {value})")
    return int(value)


def switch_value(field: str, value: bool | int | None) -> int | None:
    """A 0/1 switch on the wire (True/False accepted)."""
    if value is None:
        return None
    if value not in (0, 1) or not isinstance(value, int):
        raise ValueError(f"{field} must be True/False or 0/1 (got {value!r})")
    return int(value)


# ------------------------------------------------------------------ groups and topics


class CreateGroupRequest(WireModel):
    type: str = Field("Community", alias="Type")
    name: str = Field(alias="Name")
    group_id: str | None = Field(None, alias="GroupId")
    owner_account: str | None = Field(None, alias="Owner_Account")
    support_topic: int | None = Field(None, alias="SupportTopic")
    enable_permission: int | None = Field(None, alias="EnablePermission")
    default_permission: int | None = Field(None, alias="DefaultPermission")


class CreateGroupResponse(Envelope):
    group_id: str = Field("", alias="GroupId")


class GroupIdRequest(WireModel):
    group_id: str = Field(alias="GroupId")


class CreateTopicRequest(WireModel):
    group_id: str = Field(alias="GroupId")
    topic_name: str = Field(alias="TopicName")
    topic_id: str | None = Field(None, alias="TopicId")
    introduction: str | None = Field(None, alias="Introduction")
    notification: str | None = Field(None, alias="Notification")
    face_url: str | None = Field(None, alias="FaceUrl")
    custom_string: str | None = Field(None, alias="CustomString")


class CreateTopicResponse(Envelope):
    topic_id: str = Field("", alias="TopicId")


class ModifyTopicRequest(WireModel):
    """Body of ``modify_topic`` (docs/tencent-api.md#718-modify_topic); fields left None are
    not sent (kept)."""

    group_id: str = Field(alias="GroupId")
    topic_id: str = Field(alias="TopicId")
    topic_name: str | None = Field(None, alias="TopicName")
    introduction: str | None = Field(None, alias="Introduction")
    notification: str | None = Field(None, alias="Notification")
    face_url: str | None = Field(None, alias="FaceUrl")
    custom_string: str | None = Field(None, alias="CustomString")
    mute_all_member: str | None = Field(None, alias="MuteAllMember")


class GetTopicRequest(WireModel):
    group_id: str = Field(alias="GroupId")
    from_account: str = Field(alias="From_Account")
    topic_ids: list[str] | None = Field(None, alias="TopicIdList")
    response_filter: list[str] | None = Field(None, alias="ResponseFilter")


class TopicSelfInfo(WireModel):
    """``SelfInfo`` of a ``get_topic`` item: the ``From_Account`` user's view of the topic."""

    shut_up_time: int = Field(0, alias="ShutUpTime")
    msg_seq: int = Field(0, alias="MsgSeq")
    # The documented sample shows an integer (0); the values are not listed anywhere, and a
    # name such as "AcceptAndNotify" is as plausible: both are read, neither is interpreted.
    msg_flag: int | str = Field("", alias="MsgFlag")


class TopicInfo(ItemResult):
    """One ``TopicAndSelfInfo`` item of ``get_topic`` (docs/tencent-api.md#717-get_topic): the
    per-item code, the topic's profile (the nested ``TopicInfo`` object, flattened here) and
    ``SelfInfo``."""

    topic_id: str = Field("", alias="TopicId")
    topic_name: Text = Field("", alias="TopicName")
    group_id: str = Field("", alias="GroupID")  # sic: capital "ID" in this response
    introduction: Text = Field("", alias="Introduction")
    notification: Text = Field("", alias="Notification")
    face_url: Text = Field("", alias="FaceUrl")
    custom_string: Text = Field("", alias="CustomString")
    shut_up_all_flag: int = Field(0, alias="ShutUpAllFlag")
    next_msg_seq: int = Field(0, alias="NextMsgSeq")
    create_time: int = Field(0, alias="CreateTime")
    last_msg_time: int = Field(0, alias="LastMsgTime")
    self_info: TopicSelfInfo | None = Field(None, alias="SelfInfo")

    @model_validator(mode="before")
    @classmethod
    def _flatten(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("TopicInfo"), dict):
            inner = data["TopicInfo"]
            data = {**inner, **{k: v for k, v in data.items() if k != "TopicInfo"}}
        return data

    @property
    def key(self) -> str:
        return self.topic_id


class GetTopicResponse(Envelope):
    RESULT_FIELDS = ("TopicAndSelfInfo",)
    topics: list[TopicInfo] = Field(default_factory=list, alias="TopicAndSelfInfo")


class DestroyTopicRequest(WireModel):
    group_id: str = Field(alias="GroupId")
    topic_ids: list[str] = Field(alias="TopicIdList")


class TopicResult(ItemResult):
    """Per-topic result of ``destroy_topic``."""

    topic_id: str = Field("", alias="TopicId")

    @property
    def key(self) -> str:
        return self.topic_id


class DestroyTopicResponse(Envelope):
    RESULT_FIELDS = ("DestroyResultItem",)
    results: list[TopicResult] = Field(default_factory=list, alias="DestroyResultItem")


# ------ community settings (docs/tencent-api.md#714-get_group_info, #715-modify_group_base_info)


class ModifyGroupBaseInfoRequest(WireModel):
    """Body of ``modify_group_base_info``; fields left None are not sent (kept)."""

    group_id: str = Field(alias="GroupId")
    enable_permission: int | None = Field(None, alias="EnablePermission")
    default_permission: int | None = Field(None, alias="DefaultPermission")


class GroupInfoFilter(WireModel):
    """``ResponseFilter`` of ``get_group_info``: which base-info fields to return."""

    base_info: list[str] | None = Field(None, alias="GroupBaseInfoFilter")


class GetGroupInfoRequest(WireModel):
    group_ids: list[str] = Field(alias="GroupIdList")
    response_filter: GroupInfoFilter | None = Field(None, alias="ResponseFilter")


class GroupInfo(ItemResult):
    """One ``GroupInfo`` item of ``get_group_info``.

    ``enable_permission`` / ``default_permission`` are None when the answer omits them (a
    group that is not a topic-enabled Community, or a filter that did not name them).
    """

    group_id: str = Field("", alias="GroupId")
    type: Text = Field("", alias="Type")
    name: Text = Field("", alias="Name")
    introduction: Text = Field("", alias="Introduction")
    notification: Text = Field("", alias="Notification")
    face_url: Text = Field("", alias="FaceUrl")
    owner_account: Text = Field("", alias="Owner_Account")
    enable_permission: int | None = Field(None, alias="EnablePermission")
    default_permission: int | None = Field(None, alias="DefaultPermission")

    @property
    def permission_groups_enabled(self) -> bool | None:
        """Whether permission groups decide permissions (None when not reported)."""
        return None if self.enable_permission is None else self.enable_permission == 1

    @property
    def key(self) -> str:
        return self.group_id


class GetGroupInfoResponse(Envelope):
    RESULT_FIELDS = ("GroupInfo",)
    groups: list[GroupInfo] = Field(default_factory=list, alias="GroupInfo")


# ------------------------------ app group listing (docs/tencent-api.md#720-get_appid_group_list)


class GetAppidGroupListRequest(WireModel):
    limit: int | None = Field(None, alias="Limit")
    next: int | None = Field(None, alias="Next")
    group_type: str | None = Field(None, alias="GroupType")


class AppidGroupEntry(WireModel):
    group_id: str = Field(alias="GroupId")


class GetAppidGroupListResponse(Envelope):
    RESULT_FIELDS = ("GroupIdList", "Next")
    total_count: int = Field(0, alias="TotalCount")
    groups: list[AppidGroupEntry] = Field(default_factory=list, alias="GroupIdList")
    next: int = Field(0, alias="Next")


class AppidGroupPage(BaseModel):
    """One page of ``get_appid_group_list``; ``next == 0`` means the last page."""

    group_ids: list[str] = Field(default_factory=list)
    next: int = 0
    total_count: int = 0
