"""Deterministic auto-names for permission groups.

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

from .validation import PERMISSION_GROUP_ID_MAX_BYTES, PERMISSION_GROUP_ID_PREFIX

_HASH_LEN = 8
_CHECK_LEN = 4
_SUFFIX = re.compile(rf"-[0-9a-f]{{{_HASH_LEN}}}([0-9a-f]{{{_CHECK_LEN}}})$")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def _check(base: str) -> str:
    return hashlib.sha256(f"pulumi-tencentchat:{base}".encode()).hexdigest()[:_CHECK_LEN]


def auto_name(project: str, stack: str, resource_name: str) -> str:
    """The permission-group ID a resource gets when none is given."""
    digest = hashlib.sha256(f"{project}\0{stack}\0{resource_name}".encode()).hexdigest()
    room = PERMISSION_GROUP_ID_MAX_BYTES - len(PERMISSION_GROUP_ID_PREFIX) - 1 - _HASH_LEN \
        - _CHECK_LEN
    slug = _UNSAFE.sub("_", resource_name).strip("_")[:room] or "pg"
    base = f"{PERMISSION_GROUP_ID_PREFIX}{slug}-{digest[:_HASH_LEN]}"
    return base + _check(base)


def is_auto_named(permission_group_id: str) -> bool:
    """True when ``permission_group_id`` was produced by :func:`auto_name`."""
    match = _SUFFIX.search(permission_group_id)
    if not match or not permission_group_id.startswith(PERMISSION_GROUP_ID_PREFIX):
        return False
    base = permission_group_id[: match.start(1)]
    return match.group(1) == _check(base)
