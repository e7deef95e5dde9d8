"""``tencentchat:TopicPermissions``: a permission group's rights in many topics, as one resource.

API: add/set/delete/get_topic_permission_group (docs/tencent-api.md#75-add_topic_permission_group
to #78-get_topic_permission_group), 50 topics a call. A create adds every listed topic, an update
writes only the topics that changed (removals and reductions first, then grants and additions:
``_topic_permission_plan``), a read is one unpaged call. A change that fails part-way is undone
(``_topic_permission_writes``). With ``exclusive`` the resource owns every topic permission of
the group: others are removed on create and on every update, and a refresh reports them.

Each listed topic is the same server object as a ``TopicPermission`` of that topic (one claim
identity, see ``_claims``), so the two forms hand topics to each other within a deployment.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

import pulumi
from pulumi.dynamic import CreateResult, Resource, UpdateResult
from pydantic import BaseModel, ConfigDict

from .. import validation as v
from ..codes import GROUP_NOT_FOUND, PERMISSION_GROUP_NOT_FOUND
from ..naming import is_auto_named
from ..permissions import TopicPermissionBit, normalize_permission, to_state
from . import _claims
from ._base import BaseProvider, code_of, group_part_fields, is_unknown
from ._fields import Replace, StateOnly, Update, permission_names
from ._program import claim_topics, construct, is_plain, read_existing, warn_undefined_bits
from ._topic_permission_plan import plan
from ._topic_permission_writes import Owned, Writes
from .topic_permission import GONE_ITEM_CODES

#: The identity kind of one topic's permission, shared with ``TopicPermission``.
TOPIC_KIND = "TopicPermission"


def _permission(value: object) -> int:
    return normalize_permission(value, TopicPermissionBit)


def _entries(entries: Mapping[Any, Any]) -> tuple[dict[str, int], list[str]]:
    """The known entries of ``entries`` that pass their rules (permissions as ints), and what
    is wrong with the others (unknown keys and values are skipped)."""
    passed: dict[str, int] = {}
    problems = []
    for topic, bits in entries.items():
        if is_unknown(topic) or not is_plain(topic):
            continue
        try:
            v.topic_id(topic)
        except ValueError as exc:
            problems.append(f"entry {v.shown(topic)}: {exc}")
            continue
        if not is_unknown(bits) and is_plain(bits):
            try:
                passed[topic] = _permission(bits)
            except ValueError as exc:
                problems.append(f"entry {topic}: permission {exc}")
    return passed, problems


def _entry_problems(entries: Mapping[Any, Any]) -> list[str]:
    """What is wrong with the known keys and values of ``entries`` (unknown ones skipped)."""
    return _entries(entries)[1]


def _problems_text(problems: list[str]) -> str:
    """One problem as it is; several counted, the first ``LISTED_MAX`` shown."""
    if len(problems) == 1:
        return problems[0]
    more = len(problems) - v.LISTED_MAX
    return (f"has {len(problems)} invalid entries: {'; '.join(problems[:v.LISTED_MAX])}"
            + (f"; and {more} more" if more > 0 else ""))


def _size_problem(count: int) -> str | None:
    if count == 0:
        return "must list at least one topic (delete the resource to remove them all)"
    if count > v.TOPIC_PERMISSIONS_MAX:
        return f"must list at most {v.TOPIC_PERMISSIONS_MAX} topics (got {count})"
    return None


def permissions_rule(value: object) -> dict[str, int]:
    """topic ID -> permission: 1 to ``TOPIC_PERMISSIONS_MAX`` topics, each topic ID and
    permission by its own rule (an int, a ``TopicPermissionBit`` flag or a list of bit names)."""
    if not isinstance(value, Mapping):
        raise ValueError("must be a mapping of topic ID to permission "
                         f"(got {type(value).__name__})")
    size = _size_problem(len(value))
    if size:
        raise ValueError(size)
    passed, problems = _entries(value)
    if problems:
        raise ValueError(_problems_text(problems))
    return {topic: passed[topic] if topic in passed else _permission(bits)
            for topic, bits in value.items()}


class _Permissions(Update):
    """``permissions``' rule; state (written by this provider, or a refresh that found none of
    the topics) is read without the program's size limits."""

    def stored(self, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {str(topic): _permission(bits) for topic, bits in value.items()}
        return self.rule(value)


class TopicPermissionsInputs(BaseModel):
    """Checked inputs (and outputs) of a permission group's topic permissions."""

    model_config = ConfigDict(frozen=True)

    group_id: Annotated[str, Replace(v.group_id)]
    permission_group_id: Annotated[str, Replace(v.permission_group_ref)]
    permissions: Annotated[dict[str, int], _Permissions(permissions_rule, text=False)]
    exclusive: Annotated[bool, Update(v.flag)] = False
    adopt_existing: Annotated[bool, StateOnly(v.flag)] = False


class TopicPermissionsProvider(BaseProvider[TopicPermissionsInputs]):
    """Adds, changes and removes the listed topic permissions of one permission group."""

    kind = "TopicPermissions"
    Inputs = TopicPermissionsInputs
    derived = {"permission_names": permission_names("permissions", TopicPermissionBit,
                                                    each=True)}
    item_noun = "topic permission"
    id_format = ("'<group_id>/<permission_group_id>/topic-permissions', e.g. "
                 "'@TGS#_dev/@PMG#_mods/topic-permissions'")

    def identities(self, props: dict[str, Any]) -> list[_claims.Identity]:
        """One object per topic, the same as a ``TopicPermission`` of that topic."""
        group = super().identities(props)
        mapping = props.get("permissions")
        if not group or not isinstance(mapping, Mapping):
            return []
        return [(TOPIC_KIND, *group[0][1:], topic) for topic in mapping
                if isinstance(topic, str) and not is_unknown(topic)]

    def _unheld(self, a: TopicPermissionsInputs, topics: list[str]) -> list[str]:
        """``topics`` less those another resource of this deployment now holds."""
        return [t for t in topics if not self.held(
            (TOPIC_KIND, a.group_id, a.permission_group_id, t))]

    def to_state(self, name: str, value: Any) -> Any:
        if name == "permissions" and isinstance(value, Mapping):
            return {topic: to_state(bits) for topic, bits in value.items()}
        return value

    def check_partial(self, name: str, raw: Any) -> list[str]:
        if name != "permissions" or not isinstance(raw, Mapping):
            return []
        problems = _entry_problems(raw)
        size = _size_problem(len(raw))
        return ([_problems_text(problems)] if problems else []) + ([size] if size else [])

    def cross_check(self, known: dict[str, Any]) -> list[tuple[str, str]]:
        group, mapping = known.get("group_id"), known.get("permissions")
        if not group or not isinstance(mapping, Mapping):
            return []
        problems = []
        for topic in mapping:
            try:
                v.topic_in_group(topic, group)
            except ValueError as exc:
                problems.append(f"entry {topic}: {exc}")
        return [("permissions", _problems_text(problems))] if problems else []

    @staticmethod
    def ident(a: TopicPermissionsInputs) -> str:
        return (f"topic permissions of permission group {a.permission_group_id} in community "
                f"{a.group_id}")

    @staticmethod
    def resource_id(a: TopicPermissionsInputs) -> str:
        return f"{a.group_id}/{a.permission_group_id}/topic-permissions"

    @staticmethod
    def outputs(a: TopicPermissionsInputs) -> dict[str, Any]:
        return {"group_id": a.group_id, "permission_group_id": a.permission_group_id,
                "permissions": {t: to_state(bits) for t, bits in a.permissions.items()},
                "exclusive": a.exclusive, "adopt_existing": a.adopt_existing}

    def _writes(self, a: TopicPermissionsInputs) -> Writes:
        return Writes(self.client(), a.group_id, a.permission_group_id,
                      lambda code, info: self.item_error(code, info))

    @staticmethod
    def _owned(a: TopicPermissionsInputs) -> Owned:
        """Whether a topic that already has a permission may be taken over: ``exclusive``
        says so for every topic of the group, ``adopt_existing`` for the listed ones; otherwise
        the ownership rule of ``TopicPermission`` (an auto-named group, this stack's state, this
        call's own work)."""
        def owned(topic: str, current: int, declared: int, doubtful: bool) -> bool:
            return (a.exclusive or a.adopt_existing or is_auto_named(a.permission_group_id)
                    or _claims.is_ours((TOPIC_KIND, a.group_id, a.permission_group_id, topic))
                    or (doubtful and current == declared))

        return owned

    def _apply(self, a: TopicPermissionsInputs, before: Mapping[str, int],
               action: str) -> None:
        """Bring the group's listed topics from ``before`` to the declared permissions; with
        ``exclusive``, from what the server holds, removing the topics not listed."""
        from ..errors import ChatClientError

        writes = self._writes(a)
        try:
            if a.exclusive:
                before = writes.current()
            elif action == "create" and a.adopt_existing:
                # Adopting: read first (one call) and write only the topics that differ, so
                # taking over what the server already holds writes nothing.
                now = writes.current()
                before = {t: now[t] for t in a.permissions if t in now}
            gone = self._unheld(a, [t for t in before if t not in a.permissions])
            if gone and a.exclusive:
                print(f"tencentchat: {self.ident(a)}: exclusive, removing the permissions of "
                      f"{len(gone)} topic(s) it does not list: {v.listed(gone)}",
                      file=sys.stderr, flush=True)
            writes.run(plan(before, a.permissions, gone), self._owned(a))
        except (ChatClientError, ValueError) as exc:
            raise self.fail(self.ident(a), action, writes.failed(exc)) from None

    def create(self, props: dict[str, Any]) -> CreateResult:
        a = self.args(props)
        self._apply(a, {}, "create")
        return CreateResult(self.resource_id(a), self.outputs(a))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        old, new = self.args(olds), self.args(news)
        self._apply(new, old.permissions, "update")
        return UpdateResult(self.outputs(new))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        from ..errors import ChatClientError

        a = self.args(props)
        topics = self._unheld(a, list(a.permissions))
        if not topics:
            return
        writes = self._writes(a)
        try:
            writes.delete({t: a.permissions[t] for t in topics})
        except ChatClientError as exc:
            if code_of(exc) in (GROUP_NOT_FOUND, PERMISSION_GROUP_NOT_FOUND):
                return  # the permission group or community is gone, its permissions with it
            raise self.fail(self.ident(a), "delete", writes.failed(exc)) from None

    # -- read -----------------------------------------------------------------------------
    def id_fields(self, id_: str) -> dict[str, str]:
        return group_part_fields(id_, "topic-permissions", "topic permissions")

    def current(self, values: dict[str, Any], by_id: bool) -> dict[str, Any] | None:
        """One call. On refresh the listed topics still holding a permission (with
        ``exclusive``, every topic of the group); read by ID, every topic."""
        group, pg = values["group_id"], values["permission_group_id"]
        exclusive = bool(values.get("exclusive")) and not by_id
        a = TopicPermissionsInputs.model_construct(
            group_id=group, permission_group_id=pg, permissions={}, exclusive=exclusive,
            adopt_existing=bool(values.get("adopt_existing")))
        result = self.call(self.ident(a), "read", lambda: self.client().get_topic_permissions(
            group, pg), gone=(GROUP_NOT_FOUND, PERMISSION_GROUP_NOT_FOUND))
        if result is None:
            return None
        self.check_items(self.ident(a), "read", result.items, gone=GONE_ITEM_CODES)
        server = {i.topic_id: int(i.permission or 0) for i in result.items if i.ok}
        if by_id or exclusive:
            kept = server
        else:
            listed = values.get("permissions")
            kept = {t: server[t] for t in (listed if isinstance(listed, Mapping) else ())
                    if t in server}
            if not kept:
                return None
        return self.outputs(a.model_copy(update={"permissions": kept}))


def _mapping_input(resource_name: str, value: Any) -> Any:
    """``permissions`` as registered. A plain mapping stays as it is (the constructor checks
    it); a mapping with Output parts has its known parts checked now, and when a topic ID is an
    Output it becomes one Output of the whole mapping, built once every key resolved (a topic
    named twice fails then, naming the resource)."""
    if not isinstance(value, Mapping) or is_plain(value):
        return value
    prefix = f"tencentchat:TopicPermissions {resource_name!r}: permissions "
    problems = _entry_problems(value)
    if problems:
        raise ValueError(prefix + _problems_text(problems))
    if all(is_plain(key) for key in value):
        return dict(value)
    keys, values = list(value), list(value.values())

    def build(resolved: list[Any]) -> dict[str, Any]:
        topics, bits = resolved[:len(keys)], resolved[len(keys):]
        dupes = sorted({str(t) for t in topics if topics.count(t) > 1})
        if dupes:
            raise ValueError(f"{prefix}must not list a topic twice (duplicates: "
                             f"{v.listed(dupes)})")
        try:
            checked = permissions_rule(dict(zip(topics, bits, strict=True)))
        except ValueError as exc:
            raise ValueError(f"{prefix}{exc}") from None
        return {topic: to_state(p) for topic, p in checked.items()}

    return pulumi.Output.all(*keys, *values).apply(build)


@dataclass
class TopicPermissionsArgs:
    """Inputs of :class:`TopicPermissions`, in the style of Pulumi SDK ``…Args`` classes."""

    group_id: pulumi.Input[str]
    permission_group_id: pulumi.Input[str]
    permissions: pulumi.Input[Mapping[pulumi.Input[str], pulumi.Input[Any]]]
    exclusive: pulumi.Input[bool] = False
    adopt_existing: pulumi.Input[bool] = False


class TopicPermissions(Resource, module="tencentchat", name="TopicPermissions"):
    """A permission group's rights in many topics: ``permissions`` maps topic IDs (plain or
    Outputs) to a permission (an int, a :class:`TopicPermissionBit` flag or a list of bit
    names). With ``exclusive=True`` the group's other topic permissions are removed.

    ``adopt_existing=True`` takes over listed topics that already hold a permission: create
    reads the group once and writes only the topics whose permission differs."""

    group_id: pulumi.Output[str]
    permission_group_id: pulumi.Output[str]
    permissions: pulumi.Output[dict[str, int]]
    exclusive: pulumi.Output[bool]
    adopt_existing: pulumi.Output[bool]
    #: topic ID -> the names of its permission's bits, lowest first (``bit<N>`` if undefined).
    permission_names: pulumi.Output[dict[str, list[str]]]

    def __init__(self, resource_name: str, args: TopicPermissionsArgs | None = None, *,
                 group_id: pulumi.Input[str] | None = None,
                 permission_group_id: pulumi.Input[str] | None = None,
                 permissions: pulumi.Input[Mapping[pulumi.Input[str], pulumi.Input[Any]]]
                 | None = None,
                 exclusive: pulumi.Input[bool] = False,
                 adopt_existing: pulumi.Input[bool] = False,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        def mapping(props: dict[str, Any]) -> dict[str, Any]:
            props["permissions"] = _mapping_input(resource_name, props.get("permissions"))
            return props

        props = construct(self, TopicPermissionsProvider(), resource_name, args, dict(
            group_id=group_id, permission_group_id=permission_group_id,
            permissions=permissions, exclusive=exclusive, adopt_existing=adopt_existing), opts,
            fill=mapping)
        declared = props.get("permissions")
        if isinstance(declared, Mapping):
            for bits in declared.values():
                warn_undefined_bits(self, bits, TopicPermissionBit, "topics")
        claim_topics(self, "TopicPermissions", resource_name, props.get("group_id"),
                     props.get("permission_group_id"), declared, props.get("exclusive"))

    @classmethod
    def get(cls, resource_name: str, id: pulumi.Input[str],
            opts: pulumi.ResourceOptions | None = None) -> TopicPermissions:
        """Every topic permission of an existing permission group, read by ID
        (``<group_id>/<permission_group_id>/topic-permissions``), not managed by this stack."""
        return read_existing(cls, TopicPermissionsProvider(), resource_name, id, opts)
