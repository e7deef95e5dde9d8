"""Who may do what in a community: the effective-permission model of a community snapshot.

Pure functions of a :class:`~pulumi_tencentchat.snapshot.CommunitySnapshot` (no client, no
I/O), shared by every renderer of ``tencentchat matrix``. The rules are Tencent's ("Permission
groups" in the Community docs):

- a member's community-wide rights are the union (OR) of the community default ("everyone":
  every member but the owner) and the community part of every permission group they belong to;
- their rights in a topic are the union of their groups' topic permissions there.

Community-wide bits such as SendGroupMessage are described as acting "in all topics", but how
they combine with a topic's bits is not documented, so they are never folded into a topic's
rights: each scope is shown as the server holds it. Not shown: the owner (who holds every
right), a topic's own default (set through the client SDKs only, not readable over REST), and
what ordinary group roles grant while permission groups are switched off.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .permissions import GroupPermission, TopicPermissionBit, bit_names

if TYPE_CHECKING:
    from .snapshot import CommunitySnapshot

#: The source of a right granted by the community default.
DEFAULT = "default"
#: The scope of community-wide rights (a topic's scope is its topic ID).
COMMUNITY = "community"
#: What the output says about community-wide rights inside topics.
NOT_FOLDED = ("Community-wide rights are shown apart from topic rights: how they act inside a "
              "topic is not documented, so they are not folded into any topic.")


@dataclass(frozen=True)
class TopicColumn:
    topic_id: str
    #: Empty for a topic a permission names but the topic listing does not hold.
    topic_name: str


@dataclass(frozen=True)
class GroupRow:
    """One permission group: its community-wide rights and its rights in every topic."""

    permission_group_id: str
    name: str
    members: tuple[str, ...]
    community: tuple[str, ...]
    #: Every topic column's ID -> the names of the bits granted there (empty: none).
    topics: dict[str, tuple[str, ...]]

    @property
    def member_count(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class Grant:
    """One right and where it comes from: ``DEFAULT`` and/or permission group IDs."""

    right: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class MemberRights:
    """An account's effective rights, each with its sources."""

    account: str
    permission_groups: tuple[str, ...]
    community: tuple[Grant, ...]
    #: Every topic column's ID -> the rights granted there.
    topics: dict[str, tuple[Grant, ...]]


@dataclass(frozen=True)
class Matrix:
    group_id: str
    community_name: str
    taken_at: str
    enable_permission_groups: bool
    topics: tuple[TopicColumn, ...]
    #: The community default's community-wide rights.
    default: tuple[str, ...]
    groups: tuple[GroupRow, ...]
    #: Every account of every permission group, sorted.
    members: dict[str, MemberRights]
    #: The default's bits, for the rights of an account in no permission group.
    default_bits: int = 0

    def group(self, permission_group_id: str) -> GroupRow:
        return next(g for g in self.groups if g.permission_group_id == permission_group_id)

    def rights(self, account: str) -> MemberRights:
        """``account``'s rights; an account in no permission group gets the default's alone
        (whether it is a member of the community at all is not checked here)."""
        found = self.members.get(account)
        if found is not None:
            return found
        return _member_rights(account, (), self.default_bits, {}, self.topics, {})


def community_rights(matrix: Matrix) -> tuple[str, ...]:
    """The rows of the community-wide scope: every defined bit, then any other bit set."""
    return _rows(GroupPermission, [matrix.default, *(g.community for g in matrix.groups)])


def topic_rights(matrix: Matrix, topic_id: str) -> tuple[str, ...]:
    """The rows of a topic's scope: every defined topic bit, then any other bit set there."""
    return _rows(TopicPermissionBit, [g.topics.get(topic_id, ()) for g in matrix.groups])


def _rows(flags: Any, granted: Iterable[Iterable[str]]) -> tuple[str, ...]:
    defined = list(flags.__members__)
    extra = {name for names in granted for name in names if name not in flags.__members__}
    return (*defined, *sorted(extra, key=lambda name: int(name[3:])))


def build(snapshot: CommunitySnapshot) -> Matrix:
    """The matrix of ``snapshot``: groups in the server's order, topics in the listing's."""
    columns = [TopicColumn(t.topic_id, t.topic_name) for t in snapshot.topics]
    listed = {c.topic_id for c in columns}
    for group in snapshot.permission_groups:  # a permission for a topic the listing lacks
        for topic_id in group.topics:
            if topic_id not in listed:
                listed.add(topic_id)
                columns.append(TopicColumn(topic_id, ""))
    topics = tuple(columns)
    rows = tuple(GroupRow(
        permission_group_id=g.permission_group_id, name=g.name, members=tuple(g.members),
        community=tuple(bit_names(g.permission, GroupPermission)),
        topics={c.topic_id: tuple(bit_names(g.topics.get(c.topic_id, 0), TopicPermissionBit))
                for c in topics})
        for g in snapshot.permission_groups)
    group_bits = {g.permission_group_id: g.permission for g in snapshot.permission_groups}
    topic_bits = {g.permission_group_id: g.topics for g in snapshot.permission_groups}
    memberships: dict[str, list[str]] = {}
    for g in snapshot.permission_groups:
        for account in dict.fromkeys(g.members):
            memberships.setdefault(account, []).append(g.permission_group_id)
    members = {account: _member_rights(account, tuple(memberships[account]),
                                       snapshot.default_permission, group_bits, topics,
                                       topic_bits)
               for account in sorted(memberships)}
    return Matrix(group_id=snapshot.group_id, community_name=snapshot.name,
                  taken_at=snapshot.taken_at,
                  enable_permission_groups=snapshot.enable_permission_groups,
                  topics=topics,
                  default=tuple(bit_names(snapshot.default_permission, GroupPermission)),
                  groups=rows, members=members, default_bits=snapshot.default_permission)


def _member_rights(account: str, groups: tuple[str, ...], default: int,
                   group_bits: dict[str, int], topics: tuple[TopicColumn, ...],
                   topic_bits: dict[str, dict[str, int]]) -> MemberRights:
    community = [(DEFAULT, default), *((g, group_bits[g]) for g in groups)]
    return MemberRights(
        account=account, permission_groups=groups,
        community=_grants(community, GroupPermission),
        topics={c.topic_id: _grants([(g, topic_bits[g].get(c.topic_id, 0)) for g in groups],
                                    TopicPermissionBit)
                for c in topics})


def _grants(sources: list[tuple[str, int]], flags: Any) -> tuple[Grant, ...]:
    """Each bit set by any source, in bit order, with the sources that set it."""
    union = 0
    for _, bits in sources:
        union |= bits
    grants = []
    for name in bit_names(union, flags):
        bit = _bit_of(name, flags)
        grants.append(Grant(name, tuple(s for s, bits in sources if bits & bit)))
    return tuple(grants)


def _bit_of(name: str, flags: Any) -> int:
    member = flags.__members__.get(name)
    return int(member) if member is not None else 1 << int(name[3:])


def as_json(matrix: Matrix) -> dict[str, Any]:
    """The documented JSON form (``tencentchat matrix --format json``), exactly."""
    return {
        "group_id": matrix.group_id,
        "enable_permission_groups": matrix.enable_permission_groups,
        "topics": [{"topic_id": t.topic_id, "topic_name": t.topic_name}
                   for t in matrix.topics],
        "default": {"community": list(matrix.default)},
        "permission_groups": [{
            "permission_group_id": g.permission_group_id, "name": g.name,
            "member_count": g.member_count, "community": list(g.community),
            "topics": {topic: list(names) for topic, names in g.topics.items()}}
            for g in matrix.groups],
        "members": {account: {
            "permission_groups": list(m.permission_groups),
            "community": [grant.right for grant in m.community],
            "topics": {topic: [grant.right for grant in grants]
                       for topic, grants in m.topics.items()}}
            for account, m in matrix.members.items()},
    }
