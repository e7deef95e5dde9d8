"""Pydantic v2 wire models of the Chat REST API and the client's batch results.

Python attributes are snake_case; the Tencent field names are aliases used on the wire.
Requests serialise with :meth:`WireModel.to_wire` (``by_alias=True, exclude_none=True``);
responses ignore fields they do not know. The models live by domain (``_wire``: base and
envelope; ``_models_permission_groups``: docs/tencent-api.md#71-create_permission_group to
#711-get_permission_group_member_list; ``_models_community``: groups, topics and the app
listing, docs/tencent-api.md#712-create_group to #720-get_appid_group_list) and are all
importable from here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from ._models_community import (  # noqa: F401 - re-exported
    CUSTOM_STRING_MAX_BYTES,
    FACE_URL_MAX_BYTES,
    GROUP_NAME_MAX_BYTES,
    INTRODUCTION_MAX_BYTES,
    NOTIFICATION_MAX_BYTES,
    TOPIC_NAME_MAX_BYTES,
    AppidGroupEntry,
    AppidGroupPage,
    CreateGroupRequest,
    CreateGroupResponse,
    CreateTopicRequest,
    CreateTopicResponse,
    DestroyTopicRequest,
    DestroyTopicResponse,
    GetAppidGroupListRequest,
    GetAppidGroupListResponse,
    GetGroupInfoRequest,
    GetGroupInfoResponse,
    GetTopicRequest,
    GetTopicResponse,
    GroupIdRequest,
    GroupInfo,
    GroupInfoFilter,
    ModifyGroupBaseInfoRequest,
    ModifyTopicRequest,
    TopicInfo,
    TopicResult,
    TopicSelfInfo,
    check_permission,
    check_text,
    switch_value,
)
from ._models_permission_groups import (  # noqa: F401 - re-exported
    CREATED_PERMISSION_GROUP_ID_FIELD,
    AddMemberResponse,
    CreatePermissionGroupRequest,
    CreatePermissionGroupResponse,
    DestroyPermissionGroupRequest,
    DestroyPermissionGroupResponse,
    GetMemberListRequest,
    GetMemberListResponse,
    GetPermissionGroupRequest,
    GetPermissionGroupResponse,
    MemberAccount,
    MemberListRequest,
    MemberPage,
    MemberResult,
    ModifyPermissionGroupRequest,
    PermissionGroupInfo,
    PermissionGroupPage,
    PermissionGroupResult,
    TopicIdListRequest,
    TopicPermissionEntry,
    TopicPermissionListRequest,
    TopicPermissionResponse,
    TopicPermissionResult,
)
from ._wire import (  # noqa: F401 - re-exported
    Cursor,
    Envelope,
    ItemResult,
    Text,
    WireModel,
    envelope_problem,
)
from .errors import BatchItemError, ItemFailure

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


def chunked(values: Sequence[T], size: int) -> Iterator[list[T]]:
    """Split ``values`` into lists of at most ``size`` items."""
    for start in range(0, len(values), size):
        yield list(values[start : start + size])
