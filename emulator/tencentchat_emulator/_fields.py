"""What every command module shares: reading request fields, the ID rules, paging cursors,
and the lookup of the group a request names.

A field reader raises 10004 for a missing required field or a wrong JSON type, and the
`unverified.OVER_LIMIT_CODE` for a value over its documented size; limits come from
``unverified.py``. No HTTP here (server.py) and no command rules (the command modules).
"""

from __future__ import annotations

import base64
import binascii
import secrets
import string
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from . import unverified as U
from .errors import ChatError, GroupNotFound, InvalidGroupId, InvalidParam
from .store import Community, Store

Body = dict[str, Any]
Handler = Callable[[Body], Body]
T = TypeVar("T")

PMG_PREFIX = "@PMG#_"
PMG_GENERATED = "@PMG#_@PMG#"
TGS_COMMUNITY_PREFIX = "@TGS#_"
TGS_GENERATED = "@TGS#_@TGS#"
TOPIC_SEP = "@TOPIC#_"
TOPIC_GENERATED_SEP = "@TOPIC#_@TOPIC#"
SEQ_LIMIT = 2**63  # row sequence numbers are SQLite INTEGERs
_SUFFIX_ALPHABET = string.ascii_letters + string.digits


def printable(s: str) -> bool:
    return all(" " <= ch <= "~" for ch in s)


def nbytes(s: str) -> int:
    return len(s.encode("utf-8"))


def fresh_id(prefix: str, taken: Callable[[str], bool]) -> str:
    """``prefix`` plus a random suffix that ``taken`` does not claim (a generated ID)."""
    while True:
        candidate = prefix + "".join(secrets.choice(_SUFFIX_ALPHABET)
                                     for _ in range(U.GENERATED_SUFFIX_LEN))
        if not taken(candidate):
            return candidate


# --- field readers (wrong JSON types -> 10004) ---------------------------------------------

def _typed(body: Body, key: str, required: bool, ok: Callable[[Any], bool],
           what: str) -> Any:
    v = body.get(key)
    if v is None:
        if required:
            raise InvalidParam(f"{key} is required")
        return None
    if not ok(v):
        raise InvalidParam(f"{key} must be {what}")
    return v


def get_str(body: Body, key: str, *, required: bool = True) -> str | None:
    return _typed(body, key, required, lambda v: isinstance(v, str), "a string")


def get_int(body: Body, key: str, *, required: bool = True) -> int | None:
    return _typed(body, key, required,
                  lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer")


def get_list(body: Body, key: str, cap: int, *, required: bool = True) -> list[Any] | None:
    """An array of at most ``cap`` entries; a required one must not be empty."""
    v = _typed(body, key, required, lambda v: isinstance(v, list), "an array")
    if v is None:
        return None
    if U.REJECT_EMPTY_LISTS and required and not v:
        raise ChatError(U.OVER_LIMIT_CODE, f"{key} must not be empty")
    if len(v) > cap:
        raise ChatError(U.OVER_LIMIT_CODE, f"{key} has {len(v)} entries; at most {cap}")
    return v


def get_strings(body: Body, key: str, cap: int, *, required: bool = True) -> list[str] | None:
    """An array of strings (see `get_list` for the empty / over-cap rules)."""
    v = get_list(body, key, cap, required=required)
    if v is not None and not all(isinstance(i, str) for i in v):
        raise InvalidParam(f"{key} must hold strings")
    return v


def each_object(body: Body, key: str, cap: int) -> Iterator[Body]:
    """The items of a required array of JSON objects (see `get_list`), each checked as the
    caller reaches it (so an earlier item's own field errors come first)."""
    v = get_list(body, key, cap)
    assert v is not None
    for item in v:
        if not isinstance(item, dict):
            raise InvalidParam(f"{key} items must be objects")
        yield item


def get_permission(body: Body, key: str = "Permission", *,
                   required: bool = True) -> int | None:
    p = get_int(body, key, required=required)
    if p is not None and not 0 <= p < U.PERMISSION_LIMIT:
        raise InvalidParam(f"{key} must be an unsigned 64-bit integer")
    return p


def get_text(body: Body, key: str, limit: int, *, required: bool = False,
             non_empty: bool = False) -> str | None:
    """A string field of at most ``limit`` UTF-8 bytes (and not empty when ``non_empty``)."""
    v = get_str(body, key, required=required)
    if v is not None:
        if non_empty and not v:
            raise InvalidParam(f"{key} must not be empty")
        if nbytes(v) > limit:
            raise ChatError(U.OVER_LIMIT_CODE, f"{key} is longer than {limit} bytes")
    return v


def get_texts(body: Body, table: tuple[tuple[str, str, int], ...]) -> dict[str, str]:
    """The optional text fields of ``table`` (field, attribute, byte limit) that ``body``
    holds, checked in table order, keyed by attribute."""
    out: dict[str, str] = {}
    for key, attr, limit in table:
        value = get_text(body, key, limit)
        if value is not None:
            out[attr] = value
    return out


def get_from_account(body: Body, *, required: bool = False) -> str | None:
    acc = get_str(body, "From_Account", required=required)
    if acc is not None and not member_account_ok(acc):
        raise InvalidParam(f"invalid From_Account {acc!r}")
    return acc


def get_limit(body: Body, default: int, cap: int) -> int:
    limit = get_int(body, "Limit", required=False)
    if limit is None:
        return default
    if not U.MIN_LIMIT <= limit <= cap:
        raise ChatError(U.OVER_LIMIT_CODE, f"Limit must be between {U.MIN_LIMIT} and {cap}")
    return limit


# --- ID rules (docs/tencent-api.md#identifier-formats) ------------------------------------

def group_id_ok(gid: str) -> bool:
    return bool(gid) and printable(gid) and len(gid) <= U.GROUP_ID_MAX_BYTES


def pg_id_ok(pg_id: str) -> bool:
    """Well-formed for reference: `@PMG#_` prefix, something after it, printable, short."""
    return (pg_id.startswith(PMG_PREFIX) and len(pg_id) > len(PMG_PREFIX)
            and printable(pg_id) and len(pg_id) <= U.PERMISSION_GROUP_ID_MAX_BYTES)


def member_account_ok(acc: str) -> bool:
    return bool(acc) and printable(acc) and len(acc) <= U.MEMBER_ACCOUNT_MAX_BYTES


def per_item(ids: list[str], well_formed: Callable[[str], bool],
             find: Callable[[str], T | None], found: Callable[[T], Body],
             failed: Callable[[str, int, str], Body], invalid: tuple[int, str],
             unknown: tuple[int, str]) -> list[Body]:
    """One answer per ID of a batch (docs/tencent-api.md#batch-results): ``found(row)``, or
    ``failed(id, code, info)`` with the ``invalid`` code for a malformed ID and the ``unknown``
    one for a missing row."""
    items = []
    for i in ids:
        row = find(i) if well_formed(i) else None
        if row is not None:
            items.append(found(row))
        else:
            items.append(failed(i, *(unknown if well_formed(i) else invalid)))
    return items


# --- paging -----------------------------------------------------------------------------

def encode_cursor(kind: str, seq: int) -> str:
    """An opaque paging cursor naming the listing kind and the last returned sequence."""
    return "TGS" + base64.urlsafe_b64encode(f"{kind}:{seq}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str) -> int:
    if cursor == "":
        return 0
    try:
        if not cursor.startswith("TGS"):
            raise ValueError
        raw = cursor[3:]
        text = base64.b64decode(raw + "=" * (-len(raw) % 4), altchars=b"-_",
                                validate=True).decode()
        k, _, seq = text.partition(":")
        # ASCII digits of a value SQLite's signed 64-bit INTEGER can bind, in the one spelling
        # encode_cursor gives it (no stray characters, padding or leading zeros).
        if k != kind or not (seq.isascii() and seq.isdigit()) or int(seq) >= SEQ_LIMIT:
            raise ValueError
        if encode_cursor(kind, int(seq)) != cursor:
            raise ValueError
        return int(seq)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ChatError(U.INVALID_CURSOR_CODE, "invalid Next cursor") from None


def split_page(rows: list[T], limit: int) -> tuple[list[T], bool]:
    """The first ``limit`` of ``rows`` (fetched as ``limit + 1``) and whether more follow."""
    return rows[:limit], len(rows) > limit


def cursor_page(body: Body, kind: str, default: int, cap: int,
                fetch: Callable[[int, int], list[T]],
                seq: Callable[[T], int]) -> tuple[list[T], str]:
    """One page of a listing paged by ``Limit`` and an opaque string ``Next`` ("" = done):
    ``fetch(after_seq, n)`` reads the rows, ``seq`` gives a row's sequence number."""
    limit = get_limit(body, default, cap)
    after = decode_cursor(kind, get_str(body, "Next", required=False) or "")
    page, more = split_page(fetch(after, limit + 1), limit)
    return page, encode_cursor(kind, seq(page[-1])) if more else ""


# --- the group a request names ---------------------------------------------------------

class Commands:
    """Base of the command sets: the store and the GroupId lookups they all start with."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _group(self, body: Body) -> Community:
        gid = get_str(body, "GroupId")
        assert gid is not None
        if not group_id_ok(gid):
            raise InvalidGroupId(f"invalid GroupId {gid!r}")
        c = self.store.get_community(gid)
        if c is None:
            raise GroupNotFound(gid)
        return c

    def _community(self, body: Body, *, topics: bool = False) -> Community:
        c = self._group(body)
        if c.type != "Community":
            raise ChatError(U.NON_COMMUNITY_CODE,
                            f"group type {c.type} does not support this operation")
        if topics and not c.support_topic:
            raise ChatError(U.NO_TOPIC_SUPPORT_CODE, "this community does not support topics")
        return c
