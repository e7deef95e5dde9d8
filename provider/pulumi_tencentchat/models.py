"""Pydantic v2 wire models for the permission-group REST API (spec §7), the group and topic
APIs around it (§8, §14), and the documented limits the client checks before sending.

Python attributes are snake_case; the Tencent field names are aliases used on the wire.
Requests serialise with :meth:`WireModel.to_wire` (``by_alias=True, exclude_none=True``);
responses ignore fields they do not know.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .errors import BatchItemError, ItemFailure

# ------------------------------------------------------------------ documented limits

UINT64_MAX = 2**64 - 1
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
    if not 0 <= value <= UINT64_MAX:
        raise ValueError(f"{field} must be between 0 and 2^64-1 (got {value})")
    return int(value)


def switch_value(field: str, value: bool | int | None) -> int | None:
    """A 0/1 switch on the wire (True/False accepted)."""
    if value is None:
        return None
    if value not in (0, 1) or not isinstance(value, int):
        raise ValueError(f"{field} must be True/False or 0/1 (got {value!r})")
    return int(value)


class WireModel(BaseModel):
    """Base of every wire model: aliases on the wire, snake_case in Python, extras ignored."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    def to_wire(self) -> dict[str, Any]:
        """The JSON object sent to Tencent Chat."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


# ---------------------------------------------------------------------------- envelope


def envelope_problem(data: Any) -> str | None:
    """Why ``data`` is not Tencent's envelope (spec §2.3), or None when it is.

    An answer counts only with a string ``ActionStatus`` and an integer ``ErrorCode``; a
    zero code must come with ``"OK"``. A gateway's ``{"code": 503}``, ``{}`` or
    ``{"ErrorCode": 0}`` is not an answer: treating it as success would report objects
    that were never made, or gone when they exist.
    """
    if not isinstance(data, dict):
        return "body is not a JSON object"
    if "ActionStatus" not in data or "ErrorCode" not in data:
        return "ActionStatus or ErrorCode missing"
    if not isinstance(data["ActionStatus"], str):
        return "ActionStatus is not a string"
    code = data["ErrorCode"]
    if not isinstance(code, int) or isinstance(code, bool):
        return "ErrorCode is not an integer"
    if code == 0 and data["ActionStatus"] != "OK":
        return "ActionStatus is not OK although ErrorCode is 0"
    return None


class Envelope(WireModel):
    """Fields every response carries (spec §2.3).

    Parse only bodies :func:`envelope_problem` accepted: the model itself tolerates a missing
    ``ActionStatus`` (documented samples of some list items omit it) but never assumes "OK".
    """

    #: Wire names of the result fields a successful answer to this command must carry.
    RESULT_FIELDS: ClassVar[tuple[str, ...]] = ()

    action_status: str = Field("", alias="ActionStatus")
    error_code: int = Field(alias="ErrorCode")
    error_info: str = Field("", alias="ErrorInfo")

    @field_validator("error_info", mode="before")
    @classmethod
    def _none_info(cls, value: Any) -> Any:
        return "" if value is None else value

    @property
    def ok(self) -> bool:
        return self.action_status == "OK" and self.error_code == 0

    @classmethod
    def missing_results(cls, data: dict[str, Any], extra: Sequence[str] = ()) -> list[str]:
        """The result fields (``RESULT_FIELDS`` plus ``extra``) absent, null or empty-string."""
        return [name for name in (*cls.RESULT_FIELDS, *extra) if data.get(name) in (None, "")]


class ItemResult(WireModel):
    """A per-item result of a batch call."""

    error_code: int = Field(0, alias="ErrorCode")
    error_info: str = Field("", alias="ErrorInfo")

    @field_validator("error_info", mode="before")
    @classmethod
    def _none_info(cls, value: Any) -> Any:
        return "" if value is None else value

    @property
    def ok(self) -> bool:
        """True when this item succeeded."""
        return self.error_code == 0

    @property
    def key(self) -> str:
        """The identifier this item refers to (used in failure reports)."""
        return ""


# ------------------------------------------------------------------ permission groups


class CreatePermissionGroupRequest(WireModel):
    group_id: str = Field(alias="GroupId")
    permission_group_id: str | None = Field(None, alias="PermissionGroupId")
    name: str = Field(alias="PermissionGroupName")
    permission: int | None = Field(None, alias="Permission")
    custom_string: str | None = Field(None, alias="CustomString")


#: Unverified (spec §7.1): the create answer's name for the new ID. The spec's sample shows
#: "PermissionGroupId"; the client requires it when the server generated the ID (there is no
#: other way to learn it) and, with a custom ID, accepts its absence but not another ID.
CREATED_PERMISSION_GROUP_ID_FIELD = "PermissionGroupId"


class CreatePermissionGroupResponse(Envelope):
    permission_group_id: str = Field("", alias=CREATED_PERMISSION_GROUP_ID_FIELD)


class DestroyPermissionGroupRequest(WireModel):
    group_id: str = Field(alias="GroupId")
    permission_group_ids: list[str] = Field(alias="PermissionGroupIdList")


class PermissionGroupResult(ItemResult):
    """Per-item result of ``destroy_permission_group``."""

    permission_group_id: str = Field("", alias="PermissionGroupId")

    @property
    def key(self) -> str:
        return self.permission_group_id


class DestroyPermissionGroupResponse(Envelope):
    RESULT_FIELDS = ("PermissionGroupResultList",)
    results: list[PermissionGroupResult] = Field(
        default_factory=list, alias="PermissionGroupResultList"
    )


class ModifyPermissionGroupRequest(WireModel):
    group_id: str = Field(alias="GroupId")
    permission_group_id: str = Field(alias="PermissionGroupId")
    name: str | None = Field(None, alias="PermissionGroupName")
    permission: int | None = Field(None, alias="Permission")
    custom_string: str | None = Field(None, alias="CustomString")


class GetPermissionGroupRequest(WireModel):
    group_id: str = Field(alias="GroupId")
    permission_group_ids: list[str] | None = Field(None, alias="PermissionGroupIdList")
    limit: int | None = Field(None, alias="Limit")
    next: str | None = Field(None, alias="Next")


def _cursor(value: Any) -> Any:
    # The spec's table says Integer, the samples a String; normalise to str ("" = done).
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return "" if value == 0 else str(value)
    return value


class PermissionGroupInfo(ItemResult):
    """One permission group as returned by ``get_permission_group``."""

    permission_group_id: str = Field("", alias="PermissionGroupId")
    name: str = Field("", alias="PermissionGroupName")
    custom_string: str = Field("", alias="CustomString")
    permission: int = Field(0, alias="Permission")
    member_count: int = Field(0, alias="MemberCount")

    @model_validator(mode="before")
    @classmethod
    def _member_num(cls, data: Any) -> Any:
        # The data-structure table calls the count MemberNum (spec §11).
        if isinstance(data, dict) and "MemberCount" not in data and "MemberNum" in data:
            data = {**data, "MemberCount": data["MemberNum"]}
        return data

    @field_validator("custom_string", "name", mode="before")
    @classmethod
    def _none_text(cls, value: Any) -> Any:
        return "" if value is None else value

    @property
    def key(self) -> str:
        return self.permission_group_id


class GetPermissionGroupResponse(Envelope):
    RESULT_FIELDS = ("PermissionGroupInfoList",)
    items: list[PermissionGroupInfo] = Field(default_factory=list, alias="PermissionGroupInfoList")
    next: str = Field("", alias="Next")

    @field_validator("next", mode="before")
    @classmethod
    def _next_cursor(cls, value: Any) -> Any:
        return _cursor(value)


# ---------------------------------------------------------------- topic permissions


class TopicPermission(WireModel):
    topic_id: str = Field(alias="TopicId")
    permission: int = Field(alias="Permission")


class TopicPermissionListRequest(WireModel):
    """Body of ``add_topic_permission_group`` and ``set_topic_permission_group``."""

    group_id: str = Field(alias="GroupId")
    permission_group_id: str = Field(alias="PermissionGroupId")
    topic_permissions: list[TopicPermission] = Field(alias="TopicPermissionList")


class TopicIdListRequest(WireModel):
    """Body of ``delete_topic_permission_group`` and ``get_topic_permission_group``."""

    group_id: str = Field(alias="GroupId")
    permission_group_id: str = Field(alias="PermissionGroupId")
    topic_ids: list[str] | None = Field(None, alias="TopicIdList")


class TopicPermissionResult(ItemResult):
    """Per-topic result; ``permission`` is set by ``get_topic_permission_group``."""

    topic_id: str = Field("", alias="TopicId")
    permission: int | None = Field(None, alias="Permission")

    @property
    def key(self) -> str:
        return self.topic_id


class TopicPermissionResponse(Envelope):
    RESULT_FIELDS = ("TopicPermissionResultList",)
    results: list[TopicPermissionResult] = Field(
        default_factory=list, alias="TopicPermissionResultList"
    )


# ----------------------------------------------------------------------- members


class MemberAccount(WireModel):
    member_account: str = Field(alias="Member_Account")


class MemberListRequest(WireModel):
    """Body of ``add_permission_group_member`` and ``delete_permission_group_member``."""

    group_id: str = Field(alias="GroupId")
    permission_group_id: str = Field(alias="PermissionGroupId")
    members: list[MemberAccount] = Field(alias="MemberList")


class MemberResult(WireModel):
    """Per-member result of ``add_permission_group_member``.

    ``result`` 0 (added) and 10013 (already present) both mean "is a member".
    """

    member_account: str = Field("", alias="Member_Account")
    result: int = Field(0, alias="Result")

    @property
    def error_code(self) -> int:
        return self.result

    @property
    def error_info(self) -> str:
        return ""

    @property
    def ok(self) -> bool:
        return self.result in (0, 10013)

    @property
    def key(self) -> str:
        return self.member_account


class AddMemberResponse(Envelope):
    RESULT_FIELDS = ("MemberList",)
    members: list[MemberResult] = Field(default_factory=list, alias="MemberList")


class GetMemberListRequest(WireModel):
    group_id: str = Field(alias="GroupId")
    permission_group_id: str = Field(alias="PermissionGroupId")
    limit: int | None = Field(None, alias="Limit")
    next: str | None = Field(None, alias="Next")


class GetMemberListResponse(Envelope):
    RESULT_FIELDS = ("MemberList",)
    next: str = Field("", alias="Next")
    members: list[MemberAccount] = Field(default_factory=list, alias="MemberList")

    @field_validator("next", mode="before")
    @classmethod
    def _next_cursor(cls, value: Any) -> Any:
        return _cursor(value)


# ---------------------------------------------------------------------- fixtures


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
    """Body of ``modify_topic`` (spec §14.2); fields left None are not sent (kept)."""

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
    msg_flag: str = Field("", alias="MsgFlag")


class TopicInfo(ItemResult):
    """One ``TopicAndSelfInfo`` item of ``get_topic`` (spec §8.4): the per-item code, the
    topic's profile (the nested ``TopicInfo`` object, flattened here) and ``SelfInfo``."""

    topic_id: str = Field("", alias="TopicId")
    topic_name: str = Field("", alias="TopicName")
    group_id: str = Field("", alias="GroupID")  # sic: capital "ID" in this response
    introduction: str = Field("", alias="Introduction")
    notification: str = Field("", alias="Notification")
    face_url: str = Field("", alias="FaceUrl")
    custom_string: str = Field("", alias="CustomString")
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

    @field_validator("topic_name", "introduction", "notification", "face_url", "custom_string",
                     mode="before")
    @classmethod
    def _none_text(cls, value: Any) -> Any:
        return "" if value is None else value

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


# ---------------------------------------------------------- community settings (§14.1)


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
    type: str = Field("", alias="Type")
    name: str = Field("", alias="Name")
    introduction: str = Field("", alias="Introduction")
    notification: str = Field("", alias="Notification")
    face_url: str = Field("", alias="FaceUrl")
    owner_account: str = Field("", alias="Owner_Account")
    enable_permission: int | None = Field(None, alias="EnablePermission")
    default_permission: int | None = Field(None, alias="DefaultPermission")

    @field_validator("type", "name", "introduction", "notification", "face_url",
                     "owner_account", mode="before")
    @classmethod
    def _none_text(cls, value: Any) -> Any:
        return "" if value is None else value

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


# ------------------------------------------------------ app group listing (§14.3)


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


# ----------------------------------------------------------------- client results

T = TypeVar("T")


class BatchResult(BaseModel, Generic[T]):
    """Per-item results of one logical batch call (all chunks together)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    command: str = ""
    items: list[T] = Field(default_factory=list)
    #: An earlier attempt of a call may have applied (its answer was lost): an item reported
    #: as already existing may be this call's own work.
    doubtful: bool = False

    @property
    def failures(self) -> list[T]:
        """Items whose code is non-zero (for members: neither 0 nor 10013)."""
        return [item for item in self.items if not getattr(item, "ok", True)]

    @property
    def succeeded(self) -> list[T]:
        return [item for item in self.items if getattr(item, "ok", True)]

    @property
    def ok(self) -> bool:
        return not self.failures

    def raise_for_failures(self) -> None:
        """Raise :class:`BatchItemError` listing the failed items, if any."""
        failed = self.failures
        if failed:
            raise BatchItemError(
                self.command,
                [
                    ItemFailure(
                        key=str(getattr(item, "key", "")),
                        code=int(getattr(item, "error_code", -1)),
                        info=str(getattr(item, "error_info", "")),
                    )
                    for item in failed
                ],
            )

    def __iter__(self) -> Iterator[T]:  # type: ignore[override]
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class PermissionGroupPage(BaseModel):
    """One page of ``get_permission_group``; ``next == ""`` means the last page."""

    items: list[PermissionGroupInfo] = Field(default_factory=list)
    next: str = ""


class MemberPage(BaseModel):
    """One page of ``get_permission_group_member_list``; ``next == ""`` means the last page."""

    accounts: list[str] = Field(default_factory=list)
    next: str = ""


class AppidGroupPage(BaseModel):
    """One page of ``get_appid_group_list``; ``next == 0`` means the last page."""

    group_ids: list[str] = Field(default_factory=list)
    next: int = 0
    total_count: int = 0


def chunked(values: Sequence[T], size: int) -> Iterator[list[T]]:
    """Split ``values`` into lists of at most ``size`` items."""
    for start in range(0, len(values), size):
        yield list(values[start : start + size])
