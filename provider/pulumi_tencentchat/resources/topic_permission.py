"""``tencentchat:TopicPermission``: a permission group's rights in one topic.

API: add/set/delete/get_topic_permission_group (docs/tencent-api.md#75-add_topic_permission_group
to #78-get_topic_permission_group). Create is add, update set, delete delete, read get: one
call each (an adopting create reads first and sets only a differing permission). During a
refresh, reads of many topics of one permission group share one full listing (``_listings``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import pulumi
from pulumi.dynamic import CreateResult, Resource, UpdateResult
from pydantic import BaseModel, ConfigDict

from .. import validation as v
from ..codes import GROUP_NOT_FOUND, PERMISSION_GROUP_NOT_FOUND, TOPIC_PERMISSION_NOT_FOUND
from ..naming import is_auto_named
from ..permissions import TopicPermissionBit, describe_bits, normalize_permission, to_state
from . import _claims, _listings
from ._base import BaseProvider, topic_in_its_community
from ._fields import Replace, StateOnly, Update, permission_names
from ._program import claim_topics, construct, read_existing, warn_undefined_bits

# Per-item codes meaning "there is no such topic permission": none was set, or the topic itself
# is gone (unverified: a destroyed topic is reported like a missing group, 10010).
GONE_ITEM_CODES = (TOPIC_PERMISSION_NOT_FOUND, GROUP_NOT_FOUND)


def _permission(value: object) -> int:
    return normalize_permission(value, TopicPermissionBit)


class TopicPermissionInputs(BaseModel):
    """Checked inputs (and outputs) of a topic permission."""

    model_config = ConfigDict(frozen=True)

    group_id: Annotated[str, Replace(v.group_id)]
    permission_group_id: Annotated[str, Replace(v.permission_group_ref)]
    topic_id: Annotated[str, Replace(v.topic_id)]
    permission: Annotated[int, Update(_permission, text=False)]
    adopt_existing: Annotated[bool, StateOnly(v.flag)] = False


class TopicPermissionProvider(BaseProvider[TopicPermissionInputs]):
    """Create/read/update/delete of one topic permission of a permission group."""

    kind = "TopicPermission"
    Inputs = TopicPermissionInputs
    item_noun = "topic permission"
    derived = {"permission_names": permission_names("permission", TopicPermissionBit)}

    def to_state(self, name: str, value: Any) -> Any:
        return to_state(value) if name == "permission" else value

    cross_check = topic_in_its_community

    @staticmethod
    def ident(a: TopicPermissionInputs) -> str:
        return f"{a.topic_id} of permission group {a.permission_group_id}"

    @staticmethod
    def resource_id(a: TopicPermissionInputs) -> str:
        return f"{a.permission_group_id}/{a.topic_id}"

    @staticmethod
    def outputs(a: TopicPermissionInputs) -> dict[str, Any]:
        out = a.model_dump()
        out["permission"] = to_state(a.permission)
        return out

    def _current(self, a: TopicPermissionInputs, action: str) -> int | None:
        """The permission the server holds for this topic, or None when there is none."""
        result = self.call(self.ident(a), action, lambda: self.client().get_topic_permissions(
            a.group_id, a.permission_group_id, [a.topic_id]),
            gone=(GROUP_NOT_FOUND, PERMISSION_GROUP_NOT_FOUND, TOPIC_PERMISSION_NOT_FOUND))
        if result is None:
            return None
        self.check_items(self.ident(a), action, result.items, gone=GONE_ITEM_CODES)
        found = [i for i in result.items if i.ok and i.topic_id == a.topic_id]
        return int(found[0].permission or 0) if found else None

    def _write(self, a: TopicPermissionInputs, method: str, action: str,
               wrap: bool = True) -> tuple[int, bool]:
        """Call add/set for this one topic: (the per-item code, 0 = done; whether an earlier
        attempt's answer was lost, so "already there" may be this call's own work).

        A failed call raises the client's error as it is when ``wrap`` is False.
        """
        from ..errors import ChatClientError

        try:
            result = getattr(self.client(), method)(
                a.group_id, a.permission_group_id, {a.topic_id: a.permission})
        except ChatClientError as exc:
            if not wrap:
                raise
            raise self.fail(self.ident(a), action, exc) from None
        for item in result.items:
            if item.topic_id == a.topic_id or len(result.items) == 1:
                return item.error_code, result.doubtful
        return 0, result.doubtful

    def create(self, props: dict[str, Any]) -> CreateResult:
        from ..errors import ChatClientError, certainly_not_applied, is_transient

        a = self.args(props)
        if a.adopt_existing:
            # Adoption looks before it writes: a topic permission that already holds the
            # declared bits costs one read and no write.
            found = self._current(a, "create")
            if found is not None:
                if found != a.permission:
                    code, _ = self._write(a, "set_topic_permissions", "create")
                    if code != 0:
                        raise self.fail(self.ident(a), "create",
                                        self.item_error(code)) from None
                return CreateResult(self.resource_id(a), self.outputs(a))
        try:
            code, doubtful = self._write(a, "add_topic_permissions", "create", wrap=False)
        except ChatClientError as exc:
            # The answer was lost and the retries ran out: this very call may have added it.
            if is_transient(exc) and not certainly_not_applied(exc) and \
                    self._current(a, "create") == a.permission:
                return CreateResult(self.resource_id(a), self.outputs(a))
            raise self.fail(self.ident(a), "create", exc) from None
        if code == 0:
            return CreateResult(self.resource_id(a), self.outputs(a))
        current = self._current(a, "create")
        if current is None:  # not there after all: the add failed for its own reason
            raise self.fail(self.ident(a), "create", self.item_error(code)) from None
        # There already. Taken over only when something shows it is this stack's: adoption,
        # a permission group whose auto-name contains this stack, this stack's state naming
        # it (``_claims``), or this very call having made it (an earlier answer was lost).
        ours = (a.adopt_existing or is_auto_named(a.permission_group_id)
                or _claims.is_ours(self.identities(props)[0])
                or (doubtful and current == a.permission))
        if not ours:
            raise self.fail(self.ident(a), "create", ValueError(
                f"permission group {a.permission_group_id} already has a permission for "
                f"topic {a.topic_id}: {describe_bits(current, TopicPermissionBit)} (declared: "
                f"{describe_bits(a.permission, TopicPermissionBit)}), and nothing shows it belongs "
                "to this stack: another stack or the console may own it. If "
                "another resource of this stack leaves this topic in the same update, make "
                "this one wait for it (opts=pulumi.ResourceOptions(depends_on=[...])). If this "
                "stack made it in an update that failed, or you mean to manage it here, set "
                "adopt_existing=True (the declared permission then replaces it).")) from None
        if current != a.permission:
            code, _ = self._write(a, "set_topic_permissions", "create")
            if code != 0:
                raise self.fail(self.ident(a), "create", self.item_error(code)) from None
        return CreateResult(self.resource_id(a), self.outputs(a))

    def _refreshed(self, a: TopicPermissionInputs) -> int | None:
        """Like ``_current``, from the permission group's listing when a refresh shares one.

        A topic absent from the complete listing has no permission, as ``_current`` would say.
        """
        client = self.client()
        listing = _listings.shared(
            ("TopicPermission", a.group_id, a.permission_group_id), client, lambda: {
                item.topic_id: int(item.permission or 0)
                for item in client.get_topic_permissions(a.group_id, a.permission_group_id).items
                if item.ok})
        if listing is None:
            return self._current(a, "read")
        return listing.get(a.topic_id)

    id_format = ("'<permission_group_id>/<topic_id>', e.g. "
                 "'@PMG#_mods/@TGS#_dev@TOPIC#_general'")

    def id_fields(self, id_: str) -> dict[str, str]:
        pg_id, sep, rest = id_.rpartition("/" + v.COMMUNITY_ID_PREFIX)
        topic = v.COMMUNITY_ID_PREFIX + rest
        group, topic_sep, _ = topic.partition(v.TOPIC_ID_SEPARATOR)
        if not sep or not pg_id or not topic_sep:
            raise ValueError(f"{id_!r} names no permission group and topic")
        return {"group_id": group, "permission_group_id": pg_id, "topic_id": topic}

    def current(self, values: dict[str, Any], by_id: bool) -> dict[str, Any] | None:
        a = TopicPermissionInputs.model_construct(
            group_id=values["group_id"], permission_group_id=values["permission_group_id"],
            topic_id=values["topic_id"], permission=0,
            adopt_existing=bool(values.get("adopt_existing")))
        current = self._current(a, "read") if by_id else self._refreshed(a)
        if current is None:
            return None
        return self.outputs(a.model_copy(update={"permission": current}))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        old, new = self.args(olds), self.args(news)
        if old.permission != new.permission:
            code, _ = self._write(new, "set_topic_permissions", "update")
            if code == TOPIC_PERMISSION_NOT_FOUND:
                # Removed outside Pulumi since the last refresh: add it back as declared.
                code, _ = self._write(new, "add_topic_permissions", "update")
            if code != 0:
                raise self.fail(self.ident(new), "update", self.item_error(code)) from None
        return UpdateResult(self.outputs(new))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        a = self.args(props)
        if self.held(self.identities(props)[0]):
            return
        # A permission group or community that is gone took its topic permissions with it.
        result = self.call(self.ident(a), "delete", lambda: self.client().delete_topic_permissions(
            a.group_id, a.permission_group_id, [a.topic_id]),
            gone=(GROUP_NOT_FOUND, PERMISSION_GROUP_NOT_FOUND))
        if result is not None:
            self.check_items(self.ident(a), "delete", result.items, gone=GONE_ITEM_CODES)


@dataclass
class TopicPermissionArgs:
    """Inputs of :class:`TopicPermission`, in the style of Pulumi SDK ``…Args`` classes."""

    group_id: pulumi.Input[str]
    permission_group_id: pulumi.Input[str]
    topic_id: pulumi.Input[str]
    permission: pulumi.Input[Any]
    adopt_existing: pulumi.Input[bool] = False


class TopicPermission(Resource, module="tencentchat", name="TopicPermission"):
    """The rights a permission group's members hold in one topic of the community.

    ``permission`` takes an int, a :class:`TopicPermissionBit` flag or a list of bit names.
    """

    group_id: pulumi.Output[str]
    permission_group_id: pulumi.Output[str]
    topic_id: pulumi.Output[str]
    permission: pulumi.Output[int]
    adopt_existing: pulumi.Output[bool]
    #: The names of ``permission``'s bits in bit order (undefined bits as ``"bit<N>"``).
    permission_names: pulumi.Output[list[str]]

    def __init__(self, resource_name: str, args: TopicPermissionArgs | None = None, *,
                 group_id: pulumi.Input[str] | None = None,
                 permission_group_id: pulumi.Input[str] | None = None,
                 topic_id: pulumi.Input[str] | None = None,
                 permission: pulumi.Input[Any] | None = None,
                 adopt_existing: pulumi.Input[bool] = False,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        props = construct(self, TopicPermissionProvider(), resource_name, args, dict(
            group_id=group_id, permission_group_id=permission_group_id, topic_id=topic_id,
            permission=permission, adopt_existing=adopt_existing), opts)
        warn_undefined_bits(self, props.get("permission"), TopicPermissionBit, "topics")
        claim_topics(self, "TopicPermission", resource_name, props.get("group_id"),
                     props.get("permission_group_id"), props.get("topic_id"))

    @classmethod
    def get(cls, resource_name: str, id: pulumi.Input[str],
            opts: pulumi.ResourceOptions | None = None) -> TopicPermission:
        """An existing topic permission read by ID (``<permission_group_id>/<topic_id>``),
        not managed by this stack; fails when it does not exist."""
        return read_existing(cls, TopicPermissionProvider(), resource_name, id, opts)
