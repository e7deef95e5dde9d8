"""``tencentchat:PermissionGroup``: a permission group of a Community.

API: create/destroy/modify/get_permission_group (docs/tencent-api.md#71-create_permission_group
to #74-get_permission_group). The inputs model below declares each field once; its output is
``member_count`` (MemberCount), and derived from ``permission`` its bit names
(``permission_names``). Every create, read, update and delete is one REST call on the
happy path; only a create that finds its ID taken makes the extra calls that resolve it. An
adopting create (``adopt_existing``) reads first and writes only what differs.
During a refresh, reads of many groups of one community share a paged listing (``_listings``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import pulumi
from pulumi.dynamic import CreateResult, Resource, UpdateResult
from pydantic import BaseModel, ConfigDict

from .. import validation as v
from ..codes import CREATE_CONFLICT_CODES, GROUP_NOT_FOUND, PERMISSION_GROUP_NOT_FOUND
from ..errors import certainly_not_applied, is_transient
from ..naming import auto_name, is_auto_named
from ..permissions import GroupPermission, describe_bits, normalize_permission, to_state
from . import _claims, _listings
from ._base import BaseProvider, code_of
from ._fields import STORED, Replace, StateOnly, Update, permission_names
from ._program import construct, read_existing, warn_undefined_bits

if TYPE_CHECKING:
    from ..models import PermissionGroupInfo

# A create failing with one of CREATE_CONFLICT_CODES (unverified for custom
# PermissionGroupIds, see codes.py) is checked against the server before giving up.


def _permission(value: object) -> int:
    return normalize_permission(value, GroupPermission)


class PermissionGroupInputs(BaseModel):
    """Checked inputs of a permission group: each field's rule and what a change does."""

    model_config = ConfigDict(frozen=True)

    group_id: Annotated[str, Replace(v.group_id)]
    permission_group_id: Annotated[str, Replace(v.permission_group_ref)]
    name: Annotated[str, Update(v.permission_group_name)]
    permission: Annotated[int, Update(_permission, text=False)] = 0
    custom_string: Annotated[str, Update(v.custom_string)] = ""
    adopt_existing: Annotated[bool, StateOnly(v.flag)] = False


class PermissionGroupProvider(BaseProvider[PermissionGroupInputs]):
    """Create/read/update/delete of one permission group."""

    kind = "PermissionGroup"
    Inputs = PermissionGroupInputs
    outputs_only = {"member_count": 0}
    derived = {"permission_names": permission_names("permission", GroupPermission)}
    item_noun = "permission group"
    program_filled = ("permission_group_id",)

    def to_state(self, name: str, value: Any) -> Any:
        return to_state(value) if name == "permission" else value

    def cross_check(self, known: dict[str, Any]) -> list[tuple[str, str]]:
        pg_id = known.get("permission_group_id")
        if "adopt_existing" not in known:
            return []  # unknown during preview: the rule cannot be decided yet
        if pg_id and pg_id.startswith(v.SERVER_PERMISSION_GROUP_ID_PREFIX) and not known.get(
                "adopt_existing"):
            try:
                v.permission_group_id(pg_id)
            except ValueError as exc:
                return [("permission_group_id", str(exc))]
        return []

    @staticmethod
    def ident(a: PermissionGroupInputs) -> str:
        return f"{a.permission_group_id} in community {a.group_id}"

    @staticmethod
    def resource_id(a: PermissionGroupInputs) -> str:
        return f"{a.group_id}/{a.permission_group_id}"

    def outputs(self, a: PermissionGroupInputs, member_count: int) -> dict[str, Any]:
        out = {**a.model_dump(), "member_count": int(member_count)}
        out["permission"] = to_state(a.permission)
        return out

    # -- create ---------------------------------------------------------------------------
    def create(self, props: dict[str, Any]) -> CreateResult:
        from ..errors import ChatClientError

        a = self.args(props)
        server_named = a.permission_group_id.startswith(v.SERVER_PERMISSION_GROUP_ID_PREFIX)
        if a.adopt_existing or server_named:
            # Adoption looks before it writes: a group that already holds the declared values
            # costs one read and no write (an exported program applies without a change).
            existing = self._fetch(a.group_id, a.permission_group_id)
            if existing is not None:
                return self._take_over(a, existing, None)
            if server_named:
                # An ID Tencent generated (adoption only, see cross_check): it cannot be
                # created with that ID, so the group must already exist.
                raise self.fail(self.ident(a), "create", ValueError(
                    f"permission group {a.permission_group_id} does not exist in community "
                    f"{a.group_id}; IDs starting with {v.SERVER_PERMISSION_GROUP_ID_PREFIX!r} "
                    "are assigned by Tencent and can only be adopted, not created")) from None
        client = self.client()
        try:
            client.create_permission_group(
                a.group_id, a.name, permission=a.permission,
                permission_group_id=a.permission_group_id,
                custom_string=a.custom_string or None)
            return CreateResult(self.resource_id(a), self.outputs(a, 0))
        except ChatClientError as exc:
            if code_of(exc) in CREATE_CONFLICT_CODES:
                return self._resolve_existing(a, exc)
            if is_transient(exc) and not certainly_not_applied(exc):
                # The answer was lost and the retries ran out: this very call may have made
                # the group. Look once more before reporting a failure.
                existing = self._fetch(a.group_id, a.permission_group_id)
                if existing is not None and self._same(existing, a):
                    return CreateResult(self.resource_id(a),
                                        self.outputs(a, existing.member_count or 0))
            raise self.fail(self.ident(a), "create", exc) from None

    @staticmethod
    def _same(existing: PermissionGroupInfo, a: PermissionGroupInputs) -> bool:
        return (existing.name, existing.permission, existing.custom_string or "") == (
            a.name, a.permission, a.custom_string)

    def _resolve_existing(self, a: PermissionGroupInputs, original: Exception) -> CreateResult:
        """The ID is taken: take the group over only when something shows it is this stack's.

        Shown by: ``adopt_existing``; an auto-name (it contains the project, stack and
        resource name); this stack's state naming it (``_claims``, e.g. a forced replacement);
        or this very call, whose earlier attempt's answer was lost, having made it with the
        declared values. Identical values alone prove nothing: another stack running the same
        program declares the same ones.
        """
        existing = self._fetch(a.group_id, a.permission_group_id)
        if existing is None:
            raise self.fail(self.ident(a), "create", original) from None
        return self._take_over(a, existing, original)

    def _take_over(self, a: PermissionGroupInputs, existing: PermissionGroupInfo,
                   original: Exception | None) -> CreateResult:
        """Take ``existing`` over when it is this stack's (see ``_resolve_existing``),
        writing only the fields that differ; ``original`` is the create's error, if any."""
        same = self._same(existing, a)
        ours = (a.adopt_existing or is_auto_named(a.permission_group_id)
                or _claims.is_ours(self.identities(a.model_dump())[0])
                or (same and getattr(original, "after_doubtful_attempt", False)))
        if not ours:
            raise self.fail(self.ident(a), "create", ValueError(
                f"permission group {a.permission_group_id} already exists in community "
                f"{a.group_id} (name {existing.name!r}, permission "
                f"{describe_bits(existing.permission, GroupPermission)}), and nothing shows it "
                "belongs to this stack: another stack or the console may own it. If this "
                "stack made it in an update that failed, or you mean to manage it here, set "
                "adopt_existing=True (its settings are then updated to the declared ones; "
                "consider the resource option retain_on_delete=True too). If another stack "
                "manages it, choose another permission_group_id.")) from None
        if not same:
            self._modify(a, existing)
        return CreateResult(self.resource_id(a), self.outputs(a, existing.member_count or 0))

    def _fetch(self, group_id: str, pg_id: str) -> PermissionGroupInfo | None:
        """The server's record of this permission group, or None when it does not exist."""
        ident = f"{pg_id} in community {group_id}"
        result = self.call(ident, "read", lambda: self.client().get_permission_groups(
            group_id, [pg_id]), gone=(GROUP_NOT_FOUND,))
        if result is None:
            return None
        self.check_items(ident, "read", result.items, gone=(PERMISSION_GROUP_NOT_FOUND,))
        return next((i for i in result.items if i.ok and i.permission_group_id == pg_id), None)

    def _modify(self, new: PermissionGroupInputs, old: Any) -> None:
        changes: dict[str, Any] = {}
        if new.name != old.name:
            changes["name"] = new.name
        if new.permission != old.permission:
            changes["permission"] = new.permission
        if new.custom_string != (old.custom_string or ""):
            changes["custom_string"] = new.custom_string
        if not changes:
            return
        modified = self.call(self.ident(new), "update", lambda: self.client(
        ).modify_permission_group(new.group_id, new.permission_group_id, **changes) or True,
            gone=(PERMISSION_GROUP_NOT_FOUND,))
        if modified is None:
            # Deleted outside Pulumi since the last refresh: bring it back as declared.
            self.call(self.ident(new), "update (re-create)", lambda: self.client(
            ).create_permission_group(new.group_id, new.name, permission=new.permission,
                                      permission_group_id=new.permission_group_id,
                                      custom_string=new.custom_string or None))

    # -- read -----------------------------------------------------------------------------
    id_format = "'<group_id>/<permission_group_id>', e.g. '@TGS#_dev/@PMG#_mods'"

    def id_fields(self, id_: str) -> dict[str, str]:
        group, sep, rest = id_.partition("/" + v.PERMISSION_GROUP_ID_PREFIX)
        if not sep or not group or not rest:
            raise ValueError(f"{id_!r} names no community and permission group")
        return {"group_id": group, "permission_group_id": v.PERMISSION_GROUP_ID_PREFIX + rest}

    def _refreshed(self, group_id: str, pg_id: str) -> PermissionGroupInfo | None:
        """Like ``_fetch``, from the community's listing when a refresh shares one.

        A group absent from a complete listing is gone, as a by-ID lookup would say (110006).
        """
        from ..client import MAX_GROUP_PAGE

        client = self.client()
        listing = _listings.shared(("PermissionGroup", group_id), client, lambda: {
            item.permission_group_id: item
            for item in client.iter_permission_groups(group_id, page_size=MAX_GROUP_PAGE)
            if item.ok})
        if listing is None:
            return self._fetch(group_id, pg_id)
        return listing.get(pg_id)

    def current(self, values: dict[str, Any], by_id: bool) -> dict[str, Any] | None:
        group_id, pg_id = values["group_id"], values["permission_group_id"]
        item = self._fetch(group_id, pg_id) if by_id else self._refreshed(group_id, pg_id)
        if item is None:
            return None
        current = PermissionGroupInputs.model_validate(dict(
            group_id=group_id, permission_group_id=pg_id, name=item.name,
            permission=item.permission, custom_string=item.custom_string or "",
            adopt_existing=bool(values.get("adopt_existing"))), context=STORED)
        return self.outputs(current, item.member_count or 0)

    # -- update ---------------------------------------------------------------------------
    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        old, new = self.args(olds), self.args(news)
        self._modify(new, old)
        member_count = olds.get("member_count")
        return UpdateResult(self.outputs(new, int(member_count or 0)))

    # -- delete ---------------------------------------------------------------------------
    def delete(self, _id: str, props: dict[str, Any]) -> None:
        a = self.args(props)
        if self.held(self.identities(props)[0]):
            return
        # A community that is gone took its permission groups with it.
        result = self.call(self.ident(a), "delete", lambda: self.client().destroy_permission_groups(
            a.group_id, [a.permission_group_id]), gone=(GROUP_NOT_FOUND,))
        if result is not None:
            self.check_items(self.ident(a), "delete", result.items,
                             gone=(PERMISSION_GROUP_NOT_FOUND,))


@dataclass
class PermissionGroupArgs:
    """Inputs of :class:`PermissionGroup`, in the style of Pulumi SDK ``…Args`` classes."""

    group_id: pulumi.Input[str]
    name: pulumi.Input[str]
    permission: pulumi.Input[Any] = 0
    permission_group_id: pulumi.Input[str] | None = None
    custom_string: pulumi.Input[str] | None = None
    adopt_existing: pulumi.Input[bool] = False


class PermissionGroup(Resource, module="tencentchat", name="PermissionGroup"):
    """A permission group in a Tencent Cloud Chat community.

    ``permission`` takes an int, a :class:`GroupPermission` flag or a list of bit names.
    Without ``permission_group_id`` the ID is derived from project, stack and resource name
    (stable across runs). ``adopt_existing=True`` takes over a group that already exists.
    """

    group_id: pulumi.Output[str]
    permission_group_id: pulumi.Output[str]
    name: pulumi.Output[str]
    permission: pulumi.Output[int]
    custom_string: pulumi.Output[str]
    adopt_existing: pulumi.Output[bool]
    member_count: pulumi.Output[int]
    #: The names of ``permission``'s bits in bit order (undefined bits as ``"bit<N>"``).
    permission_names: pulumi.Output[list[str]]

    def __init__(self, resource_name: str, args: PermissionGroupArgs | None = None, *,
                 group_id: pulumi.Input[str] | None = None,
                 name: pulumi.Input[str] | None = None,
                 permission: pulumi.Input[Any] = 0,
                 permission_group_id: pulumi.Input[str] | None = None,
                 custom_string: pulumi.Input[str] | None = None,
                 adopt_existing: pulumi.Input[bool] = False,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        def named(props: dict[str, Any]) -> dict[str, Any]:
            if props.get("permission_group_id") is None:
                props["permission_group_id"] = auto_name(
                    pulumi.get_project(), pulumi.get_stack(), resource_name)
            return props

        props = construct(self, PermissionGroupProvider(), resource_name, args, dict(
            group_id=group_id, name=name, permission=permission,
            permission_group_id=permission_group_id, custom_string=custom_string,
            adopt_existing=adopt_existing), opts, fill=named)
        warn_undefined_bits(self, props.get("permission"), GroupPermission, "communities")

    @classmethod
    def get(cls, resource_name: str, id: pulumi.Input[str],
            opts: pulumi.ResourceOptions | None = None) -> PermissionGroup:
        """An existing permission group read by ID (``<group_id>/<permission_group_id>``),
        not managed by this stack; fails when it does not exist."""
        return read_existing(cls, PermissionGroupProvider(), resource_name, id, opts)
