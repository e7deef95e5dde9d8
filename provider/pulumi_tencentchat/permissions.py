"""Permission bits of community permission groups (docs/tencent-api.md#5-permission-bits) and
their normalisation.

A permission is a 64-bit unsigned bitmask. Only bits 0-10 (community) and 0-6 (topic) are
defined; other bits inside the 64-bit range are accepted (Tencent's own samples use them) but
reported by :func:`undefined_bits` so callers can warn.
"""

from __future__ import annotations

import enum
import functools
import math
from collections.abc import Iterable

from .validation import shown

MAX_PERMISSION = (1 << 64) - 1
# 2^64-1 has 20 decimal digits: a longer digit string is out of range, decided before int()
# (Python refuses to convert more than 4300 digits, and is slow long before that).
MAX_PERMISSION_DIGITS = len(str(MAX_PERMISSION))
RANGE_RULE = "must be between 0 and 2^64-1 (a 64-bit unsigned bitmask)"
# An out-of-range int up to this size (39 digits) is quoted in the message; a larger one is
# described by its number of digits.
QUOTED_INT_BITS = 128
# Protocol Buffers carries every number as a double: integers above 2**53 are not exact on the
# wire, so such permissions travel as decimal strings (see :func:`to_state`).
MAX_EXACT_FLOAT_INT = 1 << 53


class GroupPermission(enum.IntFlag):
    """Community-level rights of a permission group (docs/tencent-api.md#community-bits)."""

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
    """Topic-level rights a permission group holds in one topic
    (docs/tencent-api.md#topic-bits)."""

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


def _out_of_range(got: str) -> ValueError:
    return ValueError(f"{RANGE_RULE}, got {got}")


def _in_range(value: int) -> int:
    """``value`` when it is a permission; otherwise the range rule, however large the value."""
    if 0 <= value <= MAX_PERMISSION:
        return value
    if value.bit_length() <= QUOTED_INT_BITS:
        raise _out_of_range(str(value))
    # str() of a huge int fails (over 4300 digits) or is slow: describe its size instead.
    digits = int(math.log10(abs(value))) + 1
    raise _out_of_range(f"{'a negative' if value < 0 else 'a'} number of about {digits} digits")


def _one(item: object, flags: type[enum.IntFlag]) -> int:
    if isinstance(item, bool):
        raise ValueError(f"must be an integer, a {flags.__name__} or a list of bit names, "
                         f"not a boolean ({item!r})")
    if isinstance(item, enum.IntFlag) and not isinstance(item, flags):
        raise ValueError(f"{item!r} is a {type(item).__name__}, expected {flags.__name__}")
    if isinstance(item, int):
        return _in_range(int(item))
    if isinstance(item, float):
        if item < 0:
            raise _out_of_range(f"the floating-point number {item!r}")
        if item > MAX_PERMISSION:  # infinity included
            raise _out_of_range(
                f"the floating-point number {item!r}; a floating-point number cannot hold "
                "every integer above 2^53 exactly, so give a permission above 2^53 as a "
                "decimal string or a list of bit names")
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
            digits = text.lstrip("0") or "0"
            if len(digits) > MAX_PERMISSION_DIGITS:
                raise _out_of_range(f"a decimal string of {len(digits)} digits")
            return _in_range(int(digits))
        member = flags.__members__.get(text)
        if member is None:
            names = ", ".join(flags.__members__)
            raise ValueError(f"unknown {flags.__name__} bit name {shown(item)}; "
                             f"valid names: {names}")
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
            total |= _one(item, flags)  # each item is in range, so their union is too
        return total
    return _one(value, flags)


def _iter(values: Iterable[object]) -> Iterable[object]:
    return sorted(values, key=_sort_key) if isinstance(values, (set, frozenset)) else values


def _sort_key(item: object) -> str:
    # repr() of an int over 4300 digits raises; such an int sorts by size (it fails anyway).
    if isinstance(item, int) and item.bit_length() > QUOTED_INT_BITS:
        return f"<int of {item.bit_length()} bits>"
    return repr(item)


def to_state(value: int) -> int | str:
    """The form a permission takes in Pulumi inputs and state: an int, or a decimal string
    when the value is too large to survive the wire's doubles exactly."""
    return value if value <= MAX_EXACT_FLOAT_INT else str(value)


@functools.cache
def _names_by_bit(flags: type[enum.IntFlag]) -> dict[int, str]:
    # Built once per flag class: walking an enum's members costs more than the naming itself,
    # and every check, create, update and read of a mapping names each of its values.
    return {int(member).bit_length() - 1: name for name, member in flags.__members__.items()}


def bit_names(value: int, flags: type[enum.IntFlag]) -> list[str]:
    """The names of the set bits of ``value`` in bit order; a bit ``flags`` does not define is
    ``"bit<N>"`` (e.g. ``["SendGroupMessage", "GroupAtAll", "bit40"]``)."""
    by_bit = _names_by_bit(flags)
    return [by_bit.get(bit, f"bit{bit}") for bit in range(value.bit_length()) if value >> bit & 1]


def describe_bits(value: int, flags: type[enum.IntFlag]) -> str:
    """Human-readable bit names of ``value``, e.g. ``SendGroupMessage|GroupAtAll (192)``."""
    names = [name for name, member in flags.__members__.items() if value & int(member)]
    extra = undefined_bits(value, flags)
    if extra:
        names.append(f"undefined bits {extra:#x}")
    return f"{'|'.join(names) or 'none'} ({value})"
