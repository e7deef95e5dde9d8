"""The permission-group endpoints (docs/tencent-api.md#71-create_permission_group to
#711-get_permission_group_member_list): permission groups, their topic permissions and their
members."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from . import models as m
from ._endpoints import (
    DESTROY_CHUNK,
    GET_BY_ID_CHUNK,
    MAX_GROUP_PAGE,
    MAX_MEMBER_PAGE,
    MEMBER_CHUNK,
    TOPIC_ID_CHUNK,
    TOPIC_PERMISSION_CHUNK,
    Endpoints,
    page_limit,
    unique,
)


def _bits(value: int | None) -> int | None:
    return None if value is None else int(value)


class PermissionGroupEndpoints(Endpoints):
    """Permission groups (7.1-7.4), topic permissions (7.5-7.8), members (7.9-7.11)."""

    # ------------------------------------------------------------ permission groups

    def create_permission_group(
        self,
        group_id: str,
        name: str,
        permission: int | None = None,
        permission_group_id: str | None = None,
        custom_string: str | None = None,
    ) -> str:
        """Create a permission group; return its ID (the custom one or the generated one)."""
        body = m.CreatePermissionGroupRequest(
            group_id=group_id,
            name=name,
            permission=_bits(permission),
            permission_group_id=permission_group_id,
            custom_string=custom_string,
        )
        return self._create(
            "create_permission_group", body, m.CreatePermissionGroupResponse,
            m.CREATED_PERMISSION_GROUP_ID_FIELD, lambda r: r.permission_group_id,
            permission_group_id,
        )

    def destroy_permission_groups(
        self, group_id: str, permission_group_ids: Sequence[str]
    ) -> m.BatchResult[m.PermissionGroupResult]:
        """Destroy permission groups (20 per request); per-item results (110006 = gone)."""
        return self._batch(
            "destroy_permission_group",
            unique(permission_group_ids),
            chunk=DESTROY_CHUNK,
            build=lambda ids: m.DestroyPermissionGroupRequest(
                group_id=group_id, permission_group_ids=ids
            ),
            response_model=m.DestroyPermissionGroupResponse,
            results=lambda r: r.results,
        )

    def modify_permission_group(
        self,
        group_id: str,
        permission_group_id: str,
        name: str | None = None,
        permission: int | None = None,
        custom_string: str | None = None,
    ) -> None:
        """Change name / permission / custom string; omitted fields are not sent."""
        body = m.ModifyPermissionGroupRequest(
            group_id=group_id,
            permission_group_id=permission_group_id,
            name=name,
            permission=_bits(permission),
            custom_string=custom_string,
        ).to_wire()
        self._call("modify_permission_group", body, m.Envelope)

    def get_permission_group_page(
        self, group_id: str, limit: int = 20, next: str = ""
    ) -> m.PermissionGroupPage:
        """One page of the community's permission groups (``limit`` <= 20)."""
        body = m.GetPermissionGroupRequest(
            group_id=group_id, limit=page_limit(limit, MAX_GROUP_PAGE), next=next
        ).to_wire()
        response = self._call("get_permission_group", body, m.GetPermissionGroupResponse)
        return m.PermissionGroupPage(items=response.items, next=response.next)

    def iter_permission_groups(
        self, group_id: str, page_size: int = 20
    ) -> Iterator[m.PermissionGroupInfo]:
        """Every permission group of the community, following ``Next`` until ``""``."""
        def fetch(cursor: str) -> tuple[list[m.PermissionGroupInfo], str]:
            page = self.get_permission_group_page(group_id, limit=page_size, next=cursor)
            return page.items, page.next

        return self._follow_pages("get_permission_group", fetch)

    def get_permission_groups(
        self, group_id: str, permission_group_ids: Sequence[str]
    ) -> m.BatchResult[m.PermissionGroupInfo]:
        """Look permission groups up by ID (20 per request); unknown IDs fail per item."""
        return self._batch(
            "get_permission_group",
            unique(permission_group_ids),
            chunk=GET_BY_ID_CHUNK,
            build=lambda ids: m.GetPermissionGroupRequest(
                group_id=group_id, permission_group_ids=ids
            ),
            response_model=m.GetPermissionGroupResponse,
            results=lambda r: r.items,
        )

    # ------------------------------------------------------------ topic permissions

    def _topic_permission_write(
        self,
        command: str,
        group_id: str,
        permission_group_id: str,
        permissions: Mapping[str, int],
    ) -> m.BatchResult[m.TopicPermissionResult]:
        entries = [
            m.TopicPermissionEntry(topic_id=topic_id, permission=int(bits))
            for topic_id, bits in permissions.items()
        ]
        return self._batch(
            command,
            entries,
            chunk=TOPIC_PERMISSION_CHUNK,
            build=lambda part: m.TopicPermissionListRequest(
                group_id=group_id,
                permission_group_id=permission_group_id,
                topic_permissions=part,
            ),
            response_model=m.TopicPermissionResponse,
            results=lambda r: r.results,
        )

    def _topic_id_call(
        self,
        command: str,
        group_id: str,
        permission_group_id: str,
        topic_ids: Sequence[str] | None,
    ) -> m.BatchResult[m.TopicPermissionResult]:
        return self._all_or_batch(
            command,
            topic_ids,
            chunk=TOPIC_ID_CHUNK,
            build=lambda ids: m.TopicIdListRequest(
                group_id=group_id, permission_group_id=permission_group_id, topic_ids=ids
            ),
            response_model=m.TopicPermissionResponse,
            results=lambda r: r.results,
        )

    def add_topic_permissions(
        self, group_id: str, permission_group_id: str, permissions: Mapping[str, int]
    ) -> m.BatchResult[m.TopicPermissionResult]:
        """Attach ``{topic_id: bits}`` to a permission group (50 per request)."""
        return self._topic_permission_write(
            "add_topic_permission_group", group_id, permission_group_id, permissions
        )

    def set_topic_permissions(
        self, group_id: str, permission_group_id: str, permissions: Mapping[str, int]
    ) -> m.BatchResult[m.TopicPermissionResult]:
        """Overwrite existing ``{topic_id: bits}`` (50 per request; 110011 if absent)."""
        return self._topic_permission_write(
            "set_topic_permission_group", group_id, permission_group_id, permissions
        )

    def delete_topic_permissions(
        self, group_id: str, permission_group_id: str, topic_ids: Sequence[str]
    ) -> m.BatchResult[m.TopicPermissionResult]:
        """Remove topic permissions (50 TopicIds per request)."""
        ids = unique(topic_ids)  # a list, never None: no call here may mean "all topics"
        return self._topic_id_call(
            "delete_topic_permission_group", group_id, permission_group_id, ids
        )

    def get_topic_permissions(
        self,
        group_id: str,
        permission_group_id: str,
        topic_ids: Sequence[str] | None = None,
    ) -> m.BatchResult[m.TopicPermissionResult]:
        """Topic permissions of a permission group (all when ``topic_ids`` is None)."""
        return self._topic_id_call(
            "get_topic_permission_group", group_id, permission_group_id, topic_ids
        )

    # ----------------------------------------------------------------------- members

    @staticmethod
    def _members(group_id: str, permission_group_id: str, accounts: list[str]) -> m.WireModel:
        return m.MemberListRequest(
            group_id=group_id,
            permission_group_id=permission_group_id,
            members=[m.MemberAccount(member_account=a) for a in accounts],
        )

    def add_permission_group_members(
        self, group_id: str, permission_group_id: str, accounts: Sequence[str]
    ) -> m.BatchResult[m.MemberResult]:
        """Add members (100 per request); ``result`` 0 or 10013 both mean "is a member"."""
        return self._batch(
            "add_permission_group_member",
            unique(accounts),
            chunk=MEMBER_CHUNK,
            build=lambda part: self._members(group_id, permission_group_id, part),
            response_model=m.AddMemberResponse,
            results=lambda r: r.members,
        )

    def delete_permission_group_members(
        self, group_id: str, permission_group_id: str, accounts: Sequence[str]
    ) -> None:
        """Remove members (100 per request); removing a non-member succeeds."""
        for part in m.chunked(unique(accounts), MEMBER_CHUNK):
            body = self._members(group_id, permission_group_id, part).to_wire()
            self._call("delete_permission_group_member", body, m.Envelope)

    def get_permission_group_member_page(
        self, group_id: str, permission_group_id: str, limit: int = 50, next: str = ""
    ) -> m.MemberPage:
        """One page of a permission group's members (``limit`` <= 50)."""
        body = m.GetMemberListRequest(
            group_id=group_id, permission_group_id=permission_group_id,
            limit=page_limit(limit, MAX_MEMBER_PAGE), next=next,
        ).to_wire()
        response = self._call("get_permission_group_member_list", body, m.GetMemberListResponse)
        return m.MemberPage(
            accounts=[entry.member_account for entry in response.members], next=response.next
        )

    def iter_permission_group_members(
        self, group_id: str, permission_group_id: str, page_size: int = 50
    ) -> Iterator[str]:
        """Every member account, following ``Next`` until ``""``."""
        def fetch(cursor: str) -> tuple[list[str], str]:
            page = self.get_permission_group_member_page(
                group_id, permission_group_id, limit=page_size, next=cursor
            )
            return page.accounts, page.next

        return self._follow_pages("get_permission_group_member_list", fetch)
