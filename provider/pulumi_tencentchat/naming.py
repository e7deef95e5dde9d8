"""Deterministic auto-names for permission groups and topics.

A permission group created without an explicit ID is named ``@PMG#_<slug>-<hash><check>``:
``slug`` is the resource name reduced to safe characters, ``hash`` the first 8 hex digits of
SHA-256 over project, stack and resource name (so the same resource gets the same ID on every
run, and stacks never collide), and ``check`` 4 hex digits over the rest of the ID. The check
lets the plugin, which knows neither the stack nor the resource name, recognise an ID it named
itself: when a create's answer was lost, the next run finds the object and takes it over
instead of leaving an orphan.
"""

from __future__ import annotations

import hashlib
import re

from .validation import (
    PERMISSION_GROUP_ID_MAX_BYTES,
    PERMISSION_GROUP_ID_PREFIX,
    TOPIC_ID_MAX_BYTES,
    TOPIC_ID_SEPARATOR,
)

_HASH_LEN = 8
_CHECK_LEN = 4
_SUFFIX = re.compile(rf"-[0-9a-f]{{{_HASH_LEN}}}([0-9a-f]{{{_CHECK_LEN}}})$")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def _check(base: str) -> str:
    return hashlib.sha256(f"pulumi-tencentchat:{base}".encode()).hexdigest()[:_CHECK_LEN]


def _auto(prefix: str, max_bytes: int, fallback: str, project: str, stack: str,
          resource_name: str) -> str:
    digest = hashlib.sha256(f"{project}\0{stack}\0{resource_name}".encode()).hexdigest()
    room = max_bytes - len(prefix.encode()) - 1 - _HASH_LEN - _CHECK_LEN
    slug = _UNSAFE.sub("_", resource_name).strip("_")[:max(room, 1)] or fallback
    base = f"{prefix}{slug}-{digest[:_HASH_LEN]}"
    return base + _check(base)


def _is_auto(value: str) -> bool:
    match = _SUFFIX.search(value)
    return bool(match) and match.group(1) == _check(value[: match.start(1)])  # type: ignore[union-attr]


def auto_name(project: str, stack: str, resource_name: str) -> str:
    """The permission-group ID a resource gets when none is given."""
    return _auto(PERMISSION_GROUP_ID_PREFIX, PERMISSION_GROUP_ID_MAX_BYTES, "pg", project, stack,
                 resource_name)


def is_auto_named(permission_group_id: str) -> bool:
    """True when ``permission_group_id`` was produced by :func:`auto_name`."""
    return permission_group_id.startswith(PERMISSION_GROUP_ID_PREFIX) and _is_auto(
        permission_group_id)


def auto_topic_id(group_id: str, project: str, stack: str, resource_name: str) -> str:
    """The topic ID a ``Topic`` gets when none is given: ``<group_id>@TOPIC#_<slug>-<hash>``."""
    return _auto(group_id + TOPIC_ID_SEPARATOR, TOPIC_ID_MAX_BYTES, "topic", project, stack,
                 resource_name)


def is_auto_topic_id(topic_id: str) -> bool:
    """True when ``topic_id`` was produced by :func:`auto_topic_id`."""
    return TOPIC_ID_SEPARATOR in topic_id and _is_auto(topic_id)
