"""Permission bits of community permission groups (spec §6) and their normalisation.

A permission is a 64-bit unsigned bitmask. Only bits 0-10 (community) and 0-6 (topic) are
defined; other bits inside the 64-bit range are accepted (Tencent's own samples use them) but
reported by :func:`undefined_bits` so callers can warn.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

MAX_PERMISSION = (1 << 64) - 1
# Protocol Buffers carries every number as a double: integers above 2**53 are not exact on the
# wire, so such permissions travel as decimal strings (see :func:`to_wire`).
MAX_EXACT_FLOAT_INT = 1 << 53


class GroupPermission(enum.IntFlag):
    """Community-level rights of a permission group (spec §6.1)."""

    ManageGroupInfo = 1 << 0
    ManageGroupMember = 1 << 1
    ManagePermissionGroupInfo = 1 << 2
    ManagePermissionGroupMember = 1 << 3
    ManageTopic = 1 << 4
    GroupMuteMember = 1 << 5
    SendGroupMessage = 1 << 6
    GroupAtAll = 1 << 7
    GetGroupHistoryMessage = 1 << 8
    RevokeOtherMemberGroupMessage = 1 << 9
    BanMemberGroupMessage = 1 << 10


class TopicPermissionBit(enum.IntFlag):
    """Topic-level rights a permission group holds in one topic (spec §6.2)."""

    ManageTopicInfo = 1 << 0
    ManagePermissionTopicInfo = 1 << 1
    TopicMuteMember = 1 << 2
    SendTopicMessage = 1 << 3
    GetTopicHistoryMessage = 1 << 4
    RevokeOtherMemberTopicMessage = 1 << 5
    TopicAtAll = 1 << 6


def all_bits(flags: type[enum.IntFlag]) -> int:
    """The union of every defined bit of ``flags`` (2047 for community, 127 for topic)."""
    total = 0
    for member in flags:
        total |= int(member)
    return total


def undefined_bits(value: int, flags: type[enum.IntFlag]) -> int:
    """The bits of ``value`` that ``flags`` does not define."""
    return value & ~all_bits(flags) & MAX_PERMISSION


def _one(item: object, flags: type[enum.IntFlag]) -> int:
    if isinstance(item, bool):
        raise ValueError(f"must be an integer, a {flags.__name__} or a list of bit names, "
                         f"not a boolean ({item!r})")
    if isinstance(item, enum.IntFlag) and not isinstance(item, flags):
        raise ValueError(f"{item!r} is a {type(item).__name__}, expected {flags.__name__}")
    if isinstance(item, int):
        return int(item)
    if isinstance(item, float):
        if not item.is_integer():
            raise ValueError(f"must be a whole number (got {item!r})")
        if item > MAX_EXACT_FLOAT_INT:
            # An Output resolved to a large int reaches check as a double: its low bits are gone.
            raise ValueError(f"arrived as the floating-point number {item!r}, which cannot hold "
                             "every integer above 2^53 exactly; give a permission above 2^53 "
                             "(up to 2^64-1) as a decimal string or a list of bit names")
        return int(item)
    if isinstance(item, str):
        text = item.strip()
        if text.isascii() and text.isdigit():
            return int(text)
        member = flags.__members__.get(text)
        if member is None:
            names = ", ".join(flags.__members__)
            raise ValueError(f"unknown {flags.__name__} bit name {item!r}; valid names: {names}")
        return int(member)
    raise ValueError(f"must be an integer, a {flags.__name__} or a list of bit names "
                     f"(got {type(item).__name__})")


def normalize_permission(value: object, flags: type[enum.IntFlag]) -> int:
    """Turn an int, a flag, a bit name, a decimal string or a list of those into the integer.

    Raises ``ValueError`` stating the rule when the value is not a permission of ``flags``
    or lies outside 0 <= value < 2**64.
    """
    if isinstance(value, (list, tuple, set, frozenset)):
        total = 0
        for item in _iter(value):
            total |= _one(item, flags)
        result = total
    else:
        result = _one(value, flags)
    if result < 0 or result > MAX_PERMISSION:
        raise ValueError(f"must be between 0 and 2^64-1 (a 64-bit unsigned bitmask), got {result}")
    return result


def _iter(values: Iterable[object]) -> Iterable[object]:
    return sorted(values, key=repr) if isinstance(values, (set, frozenset)) else values


def to_wire(value: int) -> int | str:
    """The form a permission takes in Pulumi inputs and state: an int, or a decimal string
    when the value is too large to survive the wire's doubles exactly."""
    return value if value <= MAX_EXACT_FLOAT_INT else str(value)


def describe(value: int, flags: type[enum.IntFlag]) -> str:
    """Human-readable bit names of ``value``, e.g. ``SendGroupMessage|GroupAtAll (192)``."""
    names = [name for name, member in flags.__members__.items() if value & int(member)]
    extra = undefined_bits(value, flags)
    if extra:
        names.append(f"undefined bits {extra:#x}")
    return f"{'|'.join(names) or 'none'} ({value})"
