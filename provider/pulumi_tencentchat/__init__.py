"""Pulumi resources for Tencent Cloud Chat community permission groups.

Names are imported lazily: the Pulumi plugin process imports this package on every command,
so nothing heavy (HTTP stack, models) loads until it is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from .resources import RESOURCES

_EXPORTS = {
    **{name: f"resources.{module}" for name, (module, _provider) in RESOURCES.items()},
    **{f"{name}Args": f"resources.{module}" for name, (module, _provider) in RESOURCES.items()},
    "GroupPermission": "permissions",
    "TopicPermissionBit": "permissions",
    "TencentChatClient": "client",
    "ClientSettings": "config",
    "TencentChatError": "errors",
    "ConfigError": "errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pulumi_tencentchat' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


if TYPE_CHECKING:  # for type checkers: the names above, imported eagerly
    from .client import TencentChatClient as TencentChatClient
    from .config import ClientSettings as ClientSettings
    from .errors import ConfigError as ConfigError
    from .errors import TencentChatError as TencentChatError
    from .permissions import GroupPermission as GroupPermission
    from .permissions import TopicPermissionBit as TopicPermissionBit
    from .resources.community_permission_settings import (
        CommunityPermissionSettings as CommunityPermissionSettings,
    )
    from .resources.community_permission_settings import (
        CommunityPermissionSettingsArgs as CommunityPermissionSettingsArgs,
    )
    from .resources.permission_group import PermissionGroup as PermissionGroup
    from .resources.permission_group import PermissionGroupArgs as PermissionGroupArgs
    from .resources.permission_group_members import (
        PermissionGroupMembers as PermissionGroupMembers,
    )
    from .resources.permission_group_members import (
        PermissionGroupMembersArgs as PermissionGroupMembersArgs,
    )
    from .resources.topic import Topic as Topic
    from .resources.topic import TopicArgs as TopicArgs
    from .resources.topic_permission import TopicPermission as TopicPermission
    from .resources.topic_permission import TopicPermissionArgs as TopicPermissionArgs
    from .resources.topic_permissions import TopicPermissions as TopicPermissions
    from .resources.topic_permissions import TopicPermissionsArgs as TopicPermissionsArgs
