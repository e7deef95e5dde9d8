"""One community's permission setup as read from the server, for ``export`` and ``matrix``.

Reading costs: ``get_group_info`` 1, ``get_topic`` 1, ``get_permission_group``
ceil(groups / 20), then per permission group one ``get_topic_permission_group`` (all its topics)
and ceil(members / 50) ``get_permission_group_member_list`` pages (at least one: the listing's
member count is not trusted to skip it). It never writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import ChatClientError

if TYPE_CHECKING:
    from .client import TencentChatClient

#: progress(what, done, total): called as each permission group has been read.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class TopicSnapshot:
    topic_id: str
    topic_name: str
    introduction: str = ""
    notification: str = ""
    face_url: str = ""
    custom_string: str = ""


@dataclass(frozen=True)
class PermissionGroupSnapshot:
    permission_group_id: str
    name: str
    permission: int
    custom_string: str = ""
    #: topic ID -> permission bits, for every topic permission the group has.
    topics: dict[str, int] = field(default_factory=dict)
    #: member accounts in the server's order.
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class CommunitySnapshot:
    group_id: str
    name: str
    enable_permission_groups: bool
    default_permission: int
    topics: tuple[TopicSnapshot, ...]
    permission_groups: tuple[PermissionGroupSnapshot, ...]
    #: When the reading started, UTC, ISO 8601 to the second.
    taken_at: str = ""


class CommunityReadError(ChatClientError):
    """Reading a community failed; names the community and keeps Tencent's code."""

    def __init__(self, group_id: str, cause: BaseException) -> None:
        super().__init__(f"community {group_id}: {cause}")
        self.group_id = group_id
        self.code = getattr(cause, "code", None)


def read_community(client: TencentChatClient, group_id: str, *,
                   progress: Progress | None = None) -> CommunitySnapshot:
    """Everything ``export`` and ``matrix`` show of ``group_id``."""
    taken_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    try:
        info = client.get_group_info([group_id])
        info.raise_for_failures()  # an unknown community: 10010 with its meaning
        found = next((i for i in info.items if i.group_id == group_id), None)
        if found is None:
            raise LookupError("the answer did not include it")
        topics = client.get_topics(group_id)
        topics.raise_for_failures()
        groups = list(client.iter_permission_groups(group_id))
        read: list[PermissionGroupSnapshot] = []
        for number, group in enumerate(groups, 1):
            granted = client.get_topic_permissions(group_id, group.permission_group_id)
            granted.raise_for_failures()
            members = tuple(client.iter_permission_group_members(group_id,
                                                                 group.permission_group_id))
            read.append(PermissionGroupSnapshot(
                permission_group_id=group.permission_group_id, name=group.name,
                permission=int(group.permission), custom_string=group.custom_string,
                topics={t.topic_id: int(t.permission or 0) for t in granted.items},
                members=members))
            if progress is not None:
                progress("permission groups", number, len(groups))
    except (ChatClientError, LookupError) as exc:
        raise CommunityReadError(group_id, exc) from exc
    return CommunitySnapshot(
        group_id=group_id, name=found.name,
        enable_permission_groups=found.enable_permission == 1,
        default_permission=int(found.default_permission or 0),
        topics=tuple(TopicSnapshot(t.topic_id, t.topic_name, t.introduction, t.notification,
                                   t.face_url, t.custom_string)
                     for t in topics.items),
        permission_groups=tuple(read), taken_at=taken_at)
