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

__all__ = [
    "ClientSettings",
    "ConfigError",
    "GroupPermission",
    "PermissionGroup",
    "PermissionGroupArgs",
    "PermissionGroupMembers",
    "PermissionGroupMembersArgs",
    "TencentChatClient",
    "TencentChatError",
    "TopicPermission",
    "TopicPermissionArgs",
    "TopicPermissionBit",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pulumi_tencentchat' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


if TYPE_CHECKING:
    from .client import TencentChatClient
    from .config import ClientSettings
    from .errors import ConfigError, TencentChatError
    from .permissions import GroupPermission, TopicPermissionBit
    from .resources.permission_group import PermissionGroup, PermissionGroupArgs
    from .resources.permission_group_members import (
        PermissionGroupMembers,
        PermissionGroupMembersArgs,
    )
    from .resources.topic_permission import TopicPermission, TopicPermissionArgs
