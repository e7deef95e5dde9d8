"""``tencentchat:PermissionGroupMembers``: the accounts this stack puts in a permission group.

API: add/delete_permission_group_member and get_permission_group_member_list
(docs/tencent-api.md#79-add_permission_group_member to #711-get_permission_group_member_list).
Manages exactly the listed accounts: members added by others are never touched, and a refresh
reports only which listed accounts are missing. Calls are batched 100 accounts each; an update
sends only the difference (``members`` is compared as a set, so reordering changes nothing).

With ``exclusive=True`` the resource owns the group's whole member list: create and every
update read it and remove the accounts not listed (and add back listed ones removed outside
Pulumi), and a refresh reports every member, so extra ones show as drift. State written before
``exclusive`` existed has no such key and reads as False: the default, with today's behaviour
and no diff.

With ``adopt_existing`` a create reads the current members first and adds only the missing
ones, so adopting a list the server already holds writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import pulumi
from pulumi.dynamic import CreateResult, Resource, UpdateResult
from pydantic import BaseModel, ConfigDict

from .. import validation as v
from ..codes import ALREADY_MEMBER, GROUP_NOT_FOUND, PERMISSION_GROUP_NOT_FOUND
from ._base import BaseProvider, code_of, group_part_fields, is_unknown
from ._claims import Identity
from ._fields import Replace, StateOnly, Update
from ._program import claim_members, construct, read_existing


class PermissionGroupMembersInputs(BaseModel):
    """Checked inputs (and outputs) of a permission group's managed member list."""

    model_config = ConfigDict(frozen=True)

    group_id: Annotated[str, Replace(v.group_id)]
    permission_group_id: Annotated[str, Replace(v.permission_group_ref)]
    members: Annotated[list[str], Update(v.members)]
    exclusive: Annotated[bool, Update(v.flag)] = False
    adopt_existing: Annotated[bool, StateOnly(v.flag)] = False


class PermissionGroupMembersProvider(BaseProvider[PermissionGroupMembersInputs]):
    """Adds and removes the listed accounts of one permission group."""

    kind = "PermissionGroupMembers"
    Inputs = PermissionGroupMembersInputs
    item_noun = "member"

    def identities(self, props: dict[str, Any]) -> list[Identity]:
        """One object per account: an account is what another resource may share or move."""
        pg = super().identities(props)
        members = props.get("members")
        if not pg or not isinstance(members, (list, tuple)):
            return []
        return [(*pg[0], account) for account in members if isinstance(account, str)
                and not is_unknown(account)]

    def _unheld(self, a: PermissionGroupMembersInputs, accounts: list[str]) -> list[str]:
        """``accounts`` less those another resource of this deployment now holds."""
        return [m for m in accounts if not self.held((self.kind, a.group_id,
                                                      a.permission_group_id, m))]

    def comparable(self, name: str, value: Any) -> Any:
        if name == "members" and isinstance(value, (list, tuple)):
            return frozenset(value)
        return super().comparable(name, value)

    def check_partial(self, name: str, raw: Any) -> list[str]:
        if name != "members" or not isinstance(raw, (list, tuple)):
            return []
        known = [item for item in raw if not is_unknown(item)]
        problems: list[str] = []
        for item in known:
            try:
                v.member_account(item)
            except ValueError as exc:
                problems.append(str(exc))
        if len(problems) > v.LISTED_MAX:  # one failure per bad account would flood the CLI
            extra = len(problems) - v.LISTED_MAX
            problems = [*problems[:v.LISTED_MAX], f"has {extra} more invalid account IDs"]
        dupes = sorted({item for item in known if isinstance(item, str) and known.count(item) > 1})
        if dupes:
            problems.append(f"must not list an account twice (duplicates: {v.listed(dupes)})")
        if len(raw) > v.MEMBERS_MAX:
            problems.append(f"must list at most {v.MEMBERS_MAX} accounts (got {len(raw)})")
        return problems

    @staticmethod
    def ident(a: PermissionGroupMembersInputs) -> str:
        return f"members of permission group {a.permission_group_id} in community {a.group_id}"

    @staticmethod
    def resource_id(a: PermissionGroupMembersInputs) -> str:
        return f"{a.group_id}/{a.permission_group_id}/members"

    def _change(self, a: PermissionGroupMembersInputs, add: list[str], remove: list[str],
                action: str) -> None:
        """Remove ``remove``, then add ``add``, 100 accounts a call.

        Removals go first so a change never grants more than the old or the new list. When a
        call fails part-way, what this operation already did is undone (best effort, each undo
        call retried like any), so no account is left that the state does not record; the
        error says what the undo could not put back.
        """
        from ..client import MEMBER_CHUNK
        from ..errors import BatchItemError, ChatClientError, ItemFailure
        from ..models import chunked

        client, group, pg = self.client(), a.group_id, a.permission_group_id
        removed: list[str] = []
        added: list[str] = []
        try:
            for part in chunked(remove, MEMBER_CHUNK):
                client.delete_permission_group_members(group, pg, part)
                removed += part
            for part in chunked(add, MEMBER_CHUNK):
                result = client.add_permission_group_members(group, pg, part)
                added += [i.member_account for i in result.items if i.result == 0]
                failed = [i for i in result.items if i.result not in (0, ALREADY_MEMBER)]
                if failed:
                    raise BatchItemError("add_permission_group_member",
                                         [ItemFailure(i.member_account, i.result) for i in failed])
        except ChatClientError as exc:
            if action == "delete" and code_of(exc) in (GROUP_NOT_FOUND,
                                                       PERMISSION_GROUP_NOT_FOUND):
                return  # the permission group is gone, and its members with it
            raise self.fail(self.ident(a), action, self._undo(a, exc, added, removed)) from None

    def _undo(self, a: PermissionGroupMembersInputs, exc: Exception, added: list[str],
              removed: list[str]) -> Exception:
        """Take back ``added`` and put back ``removed``; the error to report."""
        from ..errors import ChatClientError

        client, group, pg = self.client(), a.group_id, a.permission_group_id
        left: list[str] = []
        for undo, accounts, what in ((client.delete_permission_group_members, added,
                                      "added and still there"),
                                     (client.add_permission_group_members, removed,
                                      "removed and not restored")):
            if not accounts:
                continue
            try:
                undo(group, pg, accounts)
            except ChatClientError as undo_exc:
                left.append(f"{len(accounts)} account(s) {what}: {v.listed(accounts)} "
                            f"(the undo failed: {undo_exc})")
        if not left:
            if added or removed:
                return ChatClientError(f"{exc} (the {len(added) + len(removed)} account "
                                       "change(s) made before it were undone)")
            return exc
        return ChatClientError(f"{exc}. Not undone: {'; '.join(left)}. Run `pulumi refresh` "
                               "and `pulumi up` to settle them")

    def _exclusive_change(self, a: PermissionGroupMembersInputs, action: str) -> None:
        """Make the member list exactly ``a.members``: remove the others, then add what is
        missing (accounts another resource of this deployment holds are left alone)."""
        present = self._present(a.group_id, a.permission_group_id, action) or []
        listed = set(a.members)
        extra = self._unheld(a, [m for m in present if m not in listed])
        found = set(present)
        self._change(a, [m for m in a.members if m not in found], extra, action)

    def create(self, props: dict[str, Any]) -> CreateResult:
        a = self.args(props)
        if a.exclusive:
            # Reads the list anyway: adds only the missing, removes the unlisted.
            self._exclusive_change(a, "create")
            return CreateResult(self.resource_id(a), a.model_dump())
        missing = list(a.members)
        if a.adopt_existing:
            # Adding an account that is already a member changes nothing but costs a write
            # per 100 accounts: look first (ceil(members / 50) reads), add only the missing.
            present = self._present(a.group_id, a.permission_group_id, "create")
            if present is not None:
                found = set(present)
                missing = [m for m in missing if m not in found]
        self._change(a, missing, [], "create")
        return CreateResult(self.resource_id(a), a.model_dump())

    id_format = ("'<group_id>/<permission_group_id>/members', e.g. "
                 "'@TGS#_dev/@PMG#_mods/members'")

    def id_fields(self, id_: str) -> dict[str, str]:
        return group_part_fields(id_, "members", "members")

    def current(self, values: dict[str, Any], by_id: bool) -> dict[str, Any] | None:
        """On refresh, the listed accounts still present (with ``exclusive``, every member);
        read by ID, every member."""
        group_id, pg_id = values["group_id"], values["permission_group_id"]
        exclusive = bool(values.get("exclusive")) and not by_id
        present = self._present(group_id, pg_id, "read")
        if present is None:
            return None
        if by_id:
            kept = present
        else:
            found = set(present)
            listed = [m for m in values.get("members") or [] if m in found]
            kept = listed + [m for m in present if m not in set(listed)] if exclusive \
                else listed
            if not kept:
                return None
        return {"group_id": group_id, "permission_group_id": pg_id, "members": kept,
                "exclusive": exclusive, "adopt_existing": bool(values.get("adopt_existing"))}

    def _present(self, group_id: str, pg_id: str, action: str) -> list[str] | None:
        """Every member of the permission group, or None when it (or its community) is gone."""
        return self.call(
            f"members of permission group {pg_id} in community {group_id}", action,
            lambda: list(self.client().iter_permission_group_members(group_id, pg_id)),
            gone=(GROUP_NOT_FOUND, PERMISSION_GROUP_NOT_FOUND))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        old, new = self.args(olds), self.args(news)
        if new.exclusive:
            self._exclusive_change(new, "update")
            return UpdateResult(new.model_dump())
        before = set(old.members)
        after = set(new.members)
        self._change(new, [m for m in new.members if m not in before],
                     self._unheld(new, [m for m in old.members if m not in after]), "update")
        return UpdateResult(new.model_dump())

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        a = self.args(props)
        self._change(a, [], self._unheld(a, list(a.members)), "delete")


@dataclass
class PermissionGroupMembersArgs:
    """Inputs of :class:`PermissionGroupMembers`, in the style of Pulumi SDK ``…Args``."""

    group_id: pulumi.Input[str]
    permission_group_id: pulumi.Input[str]
    members: pulumi.Input[list[pulumi.Input[str]]]
    exclusive: pulumi.Input[bool] = False
    adopt_existing: pulumi.Input[bool] = False


class PermissionGroupMembers(Resource, module="tencentchat", name="PermissionGroupMembers"):
    """Exactly the listed accounts as members of a permission group: others are left alone,
    or, with ``exclusive=True``, removed.

    ``adopt_existing=True`` reads the current members on create and adds only the missing ones.
    """

    group_id: pulumi.Output[str]
    permission_group_id: pulumi.Output[str]
    members: pulumi.Output[list[str]]
    exclusive: pulumi.Output[bool]
    adopt_existing: pulumi.Output[bool]

    def __init__(self, resource_name: str, args: PermissionGroupMembersArgs | None = None, *,
                 group_id: pulumi.Input[str] | None = None,
                 permission_group_id: pulumi.Input[str] | None = None,
                 members: pulumi.Input[list[pulumi.Input[str]]] | None = None,
                 exclusive: pulumi.Input[bool] = False,
                 adopt_existing: pulumi.Input[bool] = False,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        def claimed(props: dict[str, Any]) -> dict[str, Any]:
            props["members"] = claim_members(resource_name, props["group_id"],
                                             props["permission_group_id"], props["members"],
                                             exclusive=props.get("exclusive") is True)
            return props

        construct(self, PermissionGroupMembersProvider(), resource_name, args, dict(
            group_id=group_id, permission_group_id=permission_group_id, members=members,
            exclusive=exclusive, adopt_existing=adopt_existing), opts, adjust=claimed)

    @classmethod
    def get(cls, resource_name: str, id: pulumi.Input[str],
            opts: pulumi.ResourceOptions | None = None) -> PermissionGroupMembers:
        """Every member of an existing permission group, read by ID
        (``<group_id>/<permission_group_id>/members``), not managed by this stack."""
        return read_existing(cls, PermissionGroupMembersProvider(), resource_name, id, opts)
