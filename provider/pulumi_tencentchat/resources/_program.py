"""Program-side helpers: early validation of plain inputs in the resource constructors.

Runs in the user's program. Values that are Outputs (known only later) are left to the
provider's ``check``; plain values are validated here so a typo fails before any plan.
"""

from __future__ import annotations

import inspect
from typing import Any

import pulumi
from pydantic import BaseModel

from ._base import field_rule


def is_plain(value: object) -> bool:
    """True when ``value`` is known now (not an Output, awaitable or a list holding one)."""
    if isinstance(value, pulumi.Output) or inspect.isawaitable(value):
        return False
    if isinstance(value, (list, tuple)):
        return all(is_plain(item) for item in value)
    return True


def validate_plain(kind: str, resource_name: str, model: type[BaseModel],
                   props: dict[str, Any]) -> dict[str, Any]:
    """Normalise the plain values of ``props`` with the model's field rules.

    Raises ``ValueError`` naming the resource, the field and the rule.
    """
    out = dict(props)
    for name, value in props.items():
        if name not in model.model_fields or value is None or not is_plain(value):
            continue
        try:
            out[name] = field_rule(model, name)(value)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"tencentchat:{kind} {resource_name!r}: {name} {exc}") from None
    return out


def merge_args(args: Any, kwargs: dict[str, Any],
               defaults: dict[str, Any] | None = None) -> dict[str, Any]:
    """Combine an optional ``…Args`` object with keyword arguments.

    A keyword left at its default does not override a value the ``args`` object sets.
    """
    defaults = defaults or {}
    merged = {k: v for k, v in vars(args).items() if v is not None} if args is not None else {}
    for key, value in kwargs.items():
        if value is None or (key in merged and key in defaults and value == defaults[key]):
            continue
        merged[key] = value
    for key, value in defaults.items():
        merged.setdefault(key, value)
    return merged
