"""``tencentchat:CommunityPermissionSettings``: a community's default permission and switch.

API: get_group_info and modify_group_base_info, fields ``EnablePermission`` and
``DefaultPermission`` (docs/tencent-api.md#714-get_group_info, #715-modify_group_base_info).
A member's rights are the community default ("everyone") OR the permissions of every permission
group they belong to, and permission groups decide anything only while the switch is on.

This is a setting of an existing community, not an object: create reads the current values
and keeps them (``previous_*``) before applying the declared ones; delete puts them back.
Create costs a read and, unless the community already holds the declared values, a write;
read one call, update one, delete a read and up to two writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import pulumi
from pulumi.dynamic import CreateResult, Resource, UpdateResult
from pydantic import BaseModel, ConfigDict

from .. import validation as v
from ..codes import GROUP_NOT_FOUND
from ..permissions import GroupPermission, normalize_permission, to_state
from ._base import BaseProvider
from ._fields import Replace, Update, permission_names
from ._program import construct, read_existing, warn_undefined_bits

if TYPE_CHECKING:
    from ..models import GroupInfo


def _permission(value: object) -> int:
    return normalize_permission(value, GroupPermission)


class CommunityPermissionSettingsInputs(BaseModel):
    """Checked inputs of a community's permission settings."""

    model_config = ConfigDict(frozen=True)

    group_id: Annotated[str, Replace(v.group_id)]
    default_permission: Annotated[int, Update(_permission, text=False)]
    enable_permission_groups: Annotated[bool, Update(v.flag)] = True


class CommunityPermissionSettingsProvider(BaseProvider[CommunityPermissionSettingsInputs]):
    """Apply, read and restore one community's permission settings."""

    kind = "CommunityPermissionSettings"
    Inputs = CommunityPermissionSettingsInputs
    outputs_only = {"previous_default_permission": 0, "previous_enable_permission_groups": False}
    derived = {"default_permission_names": permission_names("default_permission",
                                                            GroupPermission)}
    item_noun = "community"
    id_format = "'<group_id>', e.g. '@TGS#_dev'"

    def to_state(self, name: str, value: Any) -> Any:
        return to_state(value) if name == "default_permission" else value

    def cross_check(self, known: dict[str, Any]) -> list[tuple[str, str]]:
        if known.get("enable_permission_groups") is False and known.get("default_permission"):
            return [("default_permission", "needs enable_permission_groups=True: Tencent takes "
                     "a community default permission only while permission groups decide "
                     "permissions. Set enable_permission_groups=True, or default_permission=0 "
                     "to leave the default as it is")]
        return []

    @staticmethod
    def ident(a: CommunityPermissionSettingsInputs) -> str:
        return f"settings of community {a.group_id}"

    def _info(self, group_id: str, action: str) -> GroupInfo | None:
        """The community's info (None when it does not exist)."""
        ident = f"settings of community {group_id}"
        result = self.call(ident, action, lambda: self.client().get_group_info([group_id]),
                           gone=(GROUP_NOT_FOUND,))
        if result is None:
            return None
        self.check_items(ident, action, result.items, gone=(GROUP_NOT_FOUND,))
        return next((i for i in result.items if i.ok and i.group_id == group_id), None)

    def _apply(self, group_id: str, enable: bool, default: int | None, action: str) -> None:
        """Set the switch and, while it is on, the default, in one call."""
        self.call(f"settings of community {group_id}", action,
                  lambda: self.client().modify_group_base_info(
                      group_id, enable_permission=enable,
                      default_permission=default if enable else None))

    def _outputs(self, a: CommunityPermissionSettingsInputs, previous_default: int,
                 previous_enable: bool) -> dict[str, Any]:
        out = a.model_dump()
        out["default_permission"] = to_state(a.default_permission)
        out["previous_default_permission"] = to_state(previous_default)
        out["previous_enable_permission_groups"] = previous_enable
        return out

    def create(self, props: dict[str, Any]) -> CreateResult:
        a = self.args(props)
        info = self._info(a.group_id, "create")
        if info is None:
            raise self.fail(self.ident(a), "create", LookupError(
                f"community {a.group_id} does not exist")) from None
        previous_default = int(info.default_permission or 0)
        previous_enable = info.enable_permission == 1
        # Settings that already hold the declared values are not written (an exported program
        # applies without a change); while the switch stays off the default is not managed.
        if previous_enable != a.enable_permission_groups or (
                a.enable_permission_groups and previous_default != a.default_permission):
            self._apply(a.group_id, a.enable_permission_groups,
                        a.default_permission if a.enable_permission_groups else None, "create")
        return CreateResult(a.group_id, self._outputs(a, previous_default, previous_enable))

    def id_fields(self, id_: str) -> dict[str, str]:
        return {"group_id": v.group_id(id_)}

    def current(self, values: dict[str, Any], by_id: bool) -> dict[str, Any] | None:
        info = self._info(values["group_id"], "read")
        if info is None:
            return None
        enable = info.enable_permission == 1
        # While the switch is off the default decides nothing and is not managed: it reads as
        # 0, the value that declares "leave it as it is".
        a = CommunityPermissionSettingsInputs.model_construct(
            group_id=values["group_id"],
            default_permission=int(info.default_permission or 0) if enable else 0,
            enable_permission_groups=enable)
        previous_default = values.get("previous_default_permission")
        previous_enable = values.get("previous_enable_permission_groups")
        return self._outputs(
            a, _permission(previous_default if previous_default is not None
                           else a.default_permission),
            bool(enable if previous_enable is None else previous_enable))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        old, new = self.args(olds), self.args(news)
        if (old.enable_permission_groups, old.default_permission) != (
                new.enable_permission_groups, new.default_permission):
            default = new.default_permission if new.enable_permission_groups else None
            self._apply(new.group_id, new.enable_permission_groups, default, "update")
        return UpdateResult(self._outputs(
            new, _permission(olds.get("previous_default_permission") or 0),
            bool(olds.get("previous_enable_permission_groups"))))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        """Put the values found at create back.

        Tencent takes a default only while the switch is on, so a default that differs is
        written with the switch on, and the switch is turned off again afterwards when it was
        off before. That holds even when the switch is off now: a stack that switched it off
        left its own default behind (one to three calls after the read).
        """
        a = self.args(props)
        if self.held(self.identities(props)[0]):
            return
        previous_default = _permission(props.get("previous_default_permission") or 0)
        previous_enable = bool(props.get("previous_enable_permission_groups"))
        info = self._info(a.group_id, "delete")
        if info is None:
            return  # the community is gone, and its settings with it
        enabled = info.enable_permission == 1
        if int(info.default_permission or 0) != previous_default:
            self._apply(a.group_id, True, previous_default, "delete")
            enabled = True
        if enabled != previous_enable:
            self._apply(a.group_id, previous_enable, previous_default, "delete")

    def recorded_inputs(self, outs: dict[str, Any]) -> dict[str, Any]:
        return {k: outs[k] for k in self.Inputs.model_fields}


@dataclass
class CommunityPermissionSettingsArgs:
    """Inputs of :class:`CommunityPermissionSettings`, in the style of Pulumi ``…Args``."""

    group_id: pulumi.Input[str]
    default_permission: pulumi.Input[Any]
    enable_permission_groups: pulumi.Input[bool] = True


class CommunityPermissionSettings(Resource, module="tencentchat",
                                  name="CommunityPermissionSettings"):
    """A community's default ("everyone") permission and its permission-group switch.

    ``default_permission`` (required: a silent default of 0 would strip every member's
    rights) takes an int, :class:`GroupPermission` flags or a list of bit names. Deleting the
    resource restores the values the community had before.
    """

    group_id: pulumi.Output[str]
    default_permission: pulumi.Output[int]
    enable_permission_groups: pulumi.Output[bool]
    previous_default_permission: pulumi.Output[int]
    previous_enable_permission_groups: pulumi.Output[bool]
    #: The names of ``default_permission``'s bits in bit order (undefined ones as ``"bit<N>"``).
    default_permission_names: pulumi.Output[list[str]]

    def __init__(self, resource_name: str, args: CommunityPermissionSettingsArgs | None = None,
                 *, group_id: pulumi.Input[str] | None = None,
                 default_permission: pulumi.Input[Any] | None = None,
                 enable_permission_groups: pulumi.Input[bool] = True,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        props = construct(self, CommunityPermissionSettingsProvider(), resource_name, args, dict(
            group_id=group_id, default_permission=default_permission,
            enable_permission_groups=enable_permission_groups), opts)
        warn_undefined_bits(self, props.get("default_permission"), GroupPermission,
                            "communities")

    @classmethod
    def get(cls, resource_name: str, id: pulumi.Input[str],
            opts: pulumi.ResourceOptions | None = None) -> CommunityPermissionSettings:
        """A community's current settings, read by its group ID; not managed by this stack."""
        return read_existing(cls, CommunityPermissionSettingsProvider(), resource_name, id, opts)
