"""Wire models of the permission-group commands (docs/tencent-api.md#71-create_permission_group
to #711-get_permission_group_member_list): permission groups, their topic permissions and their
members, and the pages the client returns for their listings."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, model_validator

from ._wire import Cursor, Envelope, ItemResult, Text, WireModel
from .codes import ALREADY_MEMBER

# ------------------------------------------------------------------ permission groups


class CreatePermissionGroupRequest(WireModel):
    group_id: str = Field(alias="GroupId")
    permission_group_id: str | None = Field(None, alias="PermissionGroupId")
    name: str = Field(alias="PermissionGroupName")
    permission: int | None = Field(None, alias="Permission")
    custom_string: str | None = Field(None, alias="CustomString")


#: Unverified (docs/tencent-api.md#71-create_permission_group): the create answer's name for
#: the new ID. Tencent's sample shows "PermissionGroupId"; the client requires it when the server
#: generated the ID (there is no other way to learn it) and, with a custom ID, accepts its absence
#: but not another ID.
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


class PermissionGroupInfo(ItemResult):
    """One permission group as returned by ``get_permission_group``."""

    permission_group_id: str = Field("", alias="PermissionGroupId")
    name: Text = Field("", alias="PermissionGroupName")
    custom_string: Text = Field("", alias="CustomString")
    permission: int = Field(0, alias="Permission")
    member_count: int = Field(0, alias="MemberCount")

    @model_validator(mode="before")
    @classmethod
    def _member_num(cls, data: Any) -> Any:
        # The data-structure table calls the count MemberNum
        # (docs/tencent-api.md#74-get_permission_group).
        if isinstance(data, dict) and "MemberCount" not in data and "MemberNum" in data:
            data = {**data, "MemberCount": data["MemberNum"]}
        return data

    @property
    def key(self) -> str:
        return self.permission_group_id


class GetPermissionGroupResponse(Envelope):
    RESULT_FIELDS = ("PermissionGroupInfoList",)
    items: list[PermissionGroupInfo] = Field(default_factory=list, alias="PermissionGroupInfoList")
    next: Cursor = Field("", alias="Next")


# ---------------------------------------------------------------- topic permissions


class TopicPermissionEntry(WireModel):
    """One ``{TopicId, Permission}`` of a topic-permission write."""

    topic_id: str = Field(alias="TopicId")
    permission: int = Field(alias="Permission")


class TopicPermissionListRequest(WireModel):
    """Body of ``add_topic_permission_group`` and ``set_topic_permission_group``."""

    group_id: str = Field(alias="GroupId")
    permission_group_id: str = Field(alias="PermissionGroupId")
    topic_permissions: list[TopicPermissionEntry] = Field(alias="TopicPermissionList")


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
        return self.result in (0, ALREADY_MEMBER)

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
    next: Cursor = Field("", alias="Next")
    members: list[MemberAccount] = Field(default_factory=list, alias="MemberList")


# ------------------------------------------------------------------------- pages


class PermissionGroupPage(BaseModel):
    """One page of ``get_permission_group``; ``next == ""`` means the last page."""

    items: list[PermissionGroupInfo] = Field(default_factory=list)
    next: str = ""


class MemberPage(BaseModel):
    """One page of ``get_permission_group_member_list``; ``next == ""`` means the last page."""

    accounts: list[str] = Field(default_factory=list)
    next: str = ""
