"""The group, topic and app-listing endpoints around permission groups
(docs/tencent-api.md#712-create_group to #720-get_appid_group_list): the community itself, its
permission-group switch and default, its topics, and the app's groups."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence

from . import models as m
from ._endpoints import (
    GROUP_INFO_CHUNK,
    MAX_APPID_GROUP_PAGE,
    TOPIC_ID_CHUNK,
    Endpoints,
    page_limit,
    unique,
)
from .ratelimit import TokenBucket

#: get_appid_group_list's own documented rate (requests per second), far below the 200/s
#: of every other command; it gets its own process-wide bucket.
APPID_GROUP_LIST_RATE = 1.0
#: Base-info fields get_group_info asks for by name: whether the permission fields come back
#: without being named is not documented, so they are always named.
GROUP_INFO_FIELDS: tuple[str, ...] = (
    "Type", "Name", "Introduction", "Notification", "FaceUrl", "Owner_Account",
    "EnablePermission", "DefaultPermission",
)

_appid_limiter: TokenBucket | None = None
_appid_limiter_lock = threading.Lock()


def appid_list_limiter() -> TokenBucket:
    """The process-wide bucket of get_appid_group_list (1 request/s), separate from the
    shared bucket every command draws from, like the server's separate cap."""
    global _appid_limiter
    with _appid_limiter_lock:
        if _appid_limiter is None:
            _appid_limiter = TokenBucket(APPID_GROUP_LIST_RATE)
        return _appid_limiter


#: The topic profile's fields and their documented byte limits
#: (docs/tencent-api.md#field-limits), in check order.
_TOPIC_PROFILE_LIMITS: dict[str, int] = {
    "topic_name": m.TOPIC_NAME_MAX_BYTES,
    "introduction": m.INTRODUCTION_MAX_BYTES,
    "notification": m.NOTIFICATION_MAX_BYTES,
    "face_url": m.FACE_URL_MAX_BYTES,
    "custom_string": m.CUSTOM_STRING_MAX_BYTES,
}


def _topic_profile(*, name_required: bool, **fields: str | None) -> dict[str, str | None]:
    """The profile fields of a topic request, checked against the documented limits before
    anything is sent (None: not sent)."""
    if name_required and fields["topic_name"] is None:
        raise ValueError("topic_name is required")
    for field, limit in _TOPIC_PROFILE_LIMITS.items():
        m.check_text(field, fields[field], limit, non_empty=field == "topic_name")
    return fields


class CommunityEndpoints(Endpoints):
    """Groups (7.12 - 7.15), topics (7.16 - 7.19) and the app's group listing (7.20) of
    docs/tencent-api.md#7-endpoint-reference."""

    # ------------------------------------------------------------------------ groups

    def create_group(
        self,
        name: str,
        group_id: str | None = None,
        type: str = "Community",
        support_topic: bool = True,
        owner_account: str | None = None,
        *,
        enable_permission: bool | None = None,
        default_permission: int | None = None,
    ) -> str:
        """Create a group (a topic-enabled Community by default); return its ID.

        ``enable_permission`` / ``default_permission`` (docs/tencent-api.md#712-create_group)
        apply to topic-enabled Communities only; ``default_permission`` needs
        ``enable_permission=True``.
        """
        m.check_text("Name", name, m.GROUP_NAME_MAX_BYTES, non_empty=True)
        body = m.CreateGroupRequest(
            type=type,
            name=name,
            group_id=group_id,
            owner_account=owner_account,
            support_topic=1 if support_topic else 0,
            enable_permission=m.switch_value("enable_permission", enable_permission),
            default_permission=m.check_permission("default_permission", default_permission),
        )
        return self._create("create_group", body, m.CreateGroupResponse, "GroupId",
                            lambda r: r.group_id, group_id)

    def destroy_group(self, group_id: str) -> None:
        """Destroy (disband) a group. Irreversible."""
        self._call("destroy_group", m.GroupIdRequest(group_id=group_id).to_wire(), m.Envelope)

    def get_group_info(
        self, group_ids: Sequence[str], *, fields: Sequence[str] = GROUP_INFO_FIELDS
    ) -> m.BatchResult[m.GroupInfo]:
        """Groups' base info (50 IDs per request), permission switch and default permission
        included; unknown IDs fail per item (10010). ``fields`` names the base-info fields
        asked for (always named, so the answer does not depend on an undocumented default)."""
        names = list(fields)
        return self._batch(
            "get_group_info",
            unique(group_ids),
            chunk=GROUP_INFO_CHUNK,
            build=lambda ids: m.GetGroupInfoRequest(
                group_ids=ids, response_filter=m.GroupInfoFilter(base_info=names)
            ),
            response_model=m.GetGroupInfoResponse,
            results=lambda r: r.groups,
        )

    def modify_group_base_info(
        self,
        group_id: str,
        *,
        enable_permission: bool | None = None,
        default_permission: int | None = None,
    ) -> None:
        """Switch permission groups on/off and set the community default ("everyone")
        permission (docs/tencent-api.md#715-modify_group_base_info); only the fields given are
        sent. The default can be set only while (or in the same call as) permission groups are
        switched on."""
        body = m.ModifyGroupBaseInfoRequest(
            group_id=group_id,
            enable_permission=m.switch_value("enable_permission", enable_permission),
            default_permission=m.check_permission("default_permission", default_permission),
        ).to_wire()
        self._call("modify_group_base_info", body, m.Envelope)

    # ------------------------------------------------------------------------ topics

    def create_topic(
        self,
        group_id: str,
        topic_name: str,
        topic_id: str | None = None,
        *,
        introduction: str | None = None,
        notification: str | None = None,
        face_url: str | None = None,
        custom_string: str | None = None,
    ) -> str:
        """Create a topic in a Community; return its ID (the custom one or the generated one).

        Profile fields left None are not sent.
        """
        profile = _topic_profile(
            name_required=True, topic_name=topic_name, introduction=introduction,
            notification=notification, face_url=face_url, custom_string=custom_string,
        )
        body = m.CreateTopicRequest(group_id=group_id, topic_id=topic_id, **profile)
        return self._create("create_topic", body, m.CreateTopicResponse, "TopicId",
                            lambda r: r.topic_id, topic_id)

    def get_topics(
        self,
        group_id: str,
        topic_ids: Sequence[str] | None = None,
        from_account: str | None = None,
        *,
        fields: Sequence[str] | None = None,
    ) -> m.BatchResult[m.TopicInfo]:
        """Topics of a Community (all when ``topic_ids`` is None), from the documented
        ``TopicAndSelfInfo`` answer; unknown IDs fail per item. ``fields`` (TopicInfo field
        names) is sent as ``ResponseFilter`` to return less."""
        account = from_account or self._identifier
        response_filter = None if fields is None else list(fields)
        return self._all_or_batch(
            "get_topic",
            topic_ids,
            chunk=TOPIC_ID_CHUNK,
            build=lambda ids: m.GetTopicRequest(
                group_id=group_id, from_account=account, topic_ids=ids,
                response_filter=response_filter,
            ),
            response_model=m.GetTopicResponse,
            results=lambda r: r.topics,
        )

    def modify_topic(
        self,
        group_id: str,
        topic_id: str,
        *,
        topic_name: str | None = None,
        introduction: str | None = None,
        notification: str | None = None,
        face_url: str | None = None,
        custom_string: str | None = None,
        mute_all_member: bool | None = None,
    ) -> None:
        """Change a topic's profile (docs/tencent-api.md#718-modify_topic); only the fields given
        are sent."""
        profile = _topic_profile(
            name_required=False, topic_name=topic_name, introduction=introduction,
            notification=notification, face_url=face_url, custom_string=custom_string,
        )
        mute = None if mute_all_member is None else ("On" if mute_all_member else "Off")
        body = m.ModifyTopicRequest(
            group_id=group_id, topic_id=topic_id, mute_all_member=mute, **profile
        ).to_wire()
        self._call("modify_topic", body, m.Envelope)

    def destroy_topics(
        self, group_id: str, topic_ids: Sequence[str]
    ) -> m.BatchResult[m.TopicResult]:
        """Destroy topics (50 per request); per-item results."""
        return self._batch(
            "destroy_topic",
            unique(topic_ids),
            chunk=TOPIC_ID_CHUNK,
            build=lambda ids: m.DestroyTopicRequest(group_id=group_id, topic_ids=ids),
            response_model=m.DestroyTopicResponse,
            results=lambda r: r.results,
        )

    # ------------------------------------------------------------- app group listing

    def get_appid_group_page(
        self,
        *,
        limit: int = MAX_APPID_GROUP_PAGE,
        next: int = 0,
        group_type: str | None = "Community",
        limiter: TokenBucket | None = None,
    ) -> m.AppidGroupPage:
        """One page of the app's groups (docs/tencent-api.md#720-get_appid_group_list;
        ``limit`` <= 10000, ``next`` 0 = start).

        Waits for the 1 request/second bucket (``limiter``, default the process-wide
        :func:`appid_list_limiter`) before sending; ``group_type`` None lists every type.
        """
        body = m.GetAppidGroupListRequest(
            limit=page_limit(limit, MAX_APPID_GROUP_PAGE), next=int(next), group_type=group_type
        ).to_wire()
        (limiter or appid_list_limiter()).acquire()
        response = self._call("get_appid_group_list", body, m.GetAppidGroupListResponse)
        return m.AppidGroupPage(
            group_ids=[entry.group_id for entry in response.groups],
            next=response.next,
            total_count=response.total_count,
        )

    def iter_appid_groups(
        self,
        group_type: str | None = "Community",
        page_size: int = MAX_APPID_GROUP_PAGE,
        *,
        limiter: TokenBucket | None = None,
    ) -> Iterator[str]:
        """Every group ID of the app (of ``group_type``), following ``Next`` until 0, at most
        one request per second."""
        def fetch(cursor: str) -> tuple[list[str], str]:
            page = self.get_appid_group_page(
                limit=page_size, next=int(cursor or 0), group_type=group_type, limiter=limiter
            )
            return page.group_ids, "" if page.next == 0 else str(page.next)

        return self._follow_pages("get_appid_group_list", fetch)
