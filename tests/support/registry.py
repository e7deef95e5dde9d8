"""The package's resources, from its one registry (``pulumi_tencentchat.resources.RESOURCES``).

Tests that cover "every resource" iterate :func:`resources` instead of keeping their own list,
so a new resource is covered the moment it is registered.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from pulumi_tencentchat.resources import RESOURCES


@dataclass(frozen=True)
class ResourceSpec:
    name: str
    module: str
    cls: type[Any]
    args: type[Any]
    provider: type[Any]

    @property
    def type_token(self) -> str:
        return f"pulumi-python:dynamic/tencentchat:{self.name}"


def resources() -> list[ResourceSpec]:
    specs = []
    for name, (module, provider) in RESOURCES.items():
        mod = importlib.import_module(f"pulumi_tencentchat.resources.{module}")
        specs.append(ResourceSpec(name, mod.__name__, getattr(mod, name),
                                  getattr(mod, f"{name}Args"), getattr(mod, provider)))
    return specs
