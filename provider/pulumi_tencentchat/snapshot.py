"""One community's permission setup as read from the server, for ``export`` and ``matrix``.

Reading costs: ``get_group_info`` 1, ``get_topic`` 1, ``get_permission_group``
ceil(groups / 20), then per permission group one ``get_topic_permission_group`` (all its topics)
and ceil(members / 50) ``get_permission_group_member_list`` pages (at least one: the listing's
member count is not trusted to skip it). It never writes.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import ChatClientError

if TYPE_CHECKING:
    from .client import TencentChatClient
    from .models import PermissionGroupInfo

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
                   progress: Progress | None = None, workers: int = 1) -> CommunitySnapshot:
    """Everything ``export`` and ``matrix`` show of ``group_id``.

    ``workers`` permission groups are read at a time (the client is thread-safe and its rate
    limit holds for all of them); the snapshot is the same whatever the number, in the
    listing's order. ``progress`` may then be called from several threads, one call at a time.
    """
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
        read = _read_groups(client, group_id, groups, progress, workers)
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


def _read_group(client: TencentChatClient, group_id: str,
                group: PermissionGroupInfo) -> PermissionGroupSnapshot:
    """One permission group's topic permissions and members (1 + ceil(members / 50) calls)."""
    granted = client.get_topic_permissions(group_id, group.permission_group_id)
    granted.raise_for_failures()
    members = tuple(client.iter_permission_group_members(group_id, group.permission_group_id))
    return PermissionGroupSnapshot(
        permission_group_id=group.permission_group_id, name=group.name,
        permission=int(group.permission), custom_string=group.custom_string,
        topics={t.topic_id: int(t.permission or 0) for t in granted.items}, members=members)


def _read_groups(client: TencentChatClient, group_id: str, groups: list[PermissionGroupInfo],
                 progress: Progress | None, workers: int) -> list[PermissionGroupSnapshot]:
    """Every group of ``groups`` read, in order; the first failure stops the rest."""
    lock = threading.Lock()
    done = 0

    def one(group: PermissionGroupInfo) -> PermissionGroupSnapshot:
        nonlocal done
        snapshot = _read_group(client, group_id, group)
        with lock:
            done += 1
            if progress is not None:
                progress("permission groups", done, len(groups))
        return snapshot

    if workers <= 1 or len(groups) <= 1:
        return [one(group) for group in groups]
    pool = ThreadPoolExecutor(max_workers=min(workers, len(groups)),
                              thread_name_prefix="tencentchat-read")
    try:
        futures = [pool.submit(one, group) for group in groups]
        return [future.result() for future in futures]
    finally:
        # On a failure (or Ctrl-C) the groups not started are dropped; the running ones end
        # within the client's deadline.
        pool.shutdown(wait=True, cancel_futures=True)
