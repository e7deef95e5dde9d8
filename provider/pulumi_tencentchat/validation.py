"""Input rules shared by the program side (``ValueError``) and the providers' ``check``.

Each function takes a raw value, returns it normalised, or raises ``ValueError`` whose text
states the rule and the limit; callers prefix the field name. Facts come from the spec
(§4 identifiers, §5 limits); the ones it marks unverified are named constants here.
"""

from __future__ import annotations

COMMUNITY_ID_PREFIX = "@TGS#_"
PERMISSION_GROUP_ID_PREFIX = "@PMG#_"
SERVER_PERMISSION_GROUP_ID_PREFIX = "@PMG#_@PMG#"
TOPIC_ID_SEPARATOR = "@TOPIC#_"

NAME_MAX_BYTES = 150
CUSTOM_STRING_MAX_BYTES = 3000
TOPIC_ID_MAX_BYTES = 96
ACCOUNT_MAX_BYTES = 32
# Custom group IDs must be shorter than 48 bytes (spec §4).
GROUP_ID_MAX_BYTES = 47
# Unverified: the spec documents no maximum for a custom PermissionGroupId; we apply the rule
# for custom group IDs (< 48 bytes) until Tencent states otherwise.
PERMISSION_GROUP_ID_MAX_BYTES = 47
# Unverified: no documented cap on members per permission group; one resource manages at
# most this many so a single refresh stays bounded (20 pages of 50).
MEMBERS_MAX = 1000


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def _string(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string (got {type(value).__name__})")
    return value


def _printable_ascii(text: str) -> None:
    for ch in text:
        if not (0x20 <= ord(ch) <= 0x7E):
            raise ValueError(f"must contain printable ASCII only (0x20-0x7E); found {ch!r}")


def _max_bytes(text: str, limit: int, what: str = "") -> None:
    size = utf8_len(text)
    if size > limit:
        raise ValueError(f"must be at most {limit} bytes{what} (got {size} bytes)")


def group_id(value: object) -> str:
    """A Community group ID: ``@TGS#_…``, printable ASCII, at most 47 bytes."""
    text = _string(value)
    if not text.startswith(COMMUNITY_ID_PREFIX) or len(text) == len(COMMUNITY_ID_PREFIX):
        raise ValueError(f"must be a Community group ID starting with {COMMUNITY_ID_PREFIX!r} "
                         f"(got {text!r})")
    _printable_ascii(text)
    _max_bytes(text, GROUP_ID_MAX_BYTES)
    if TOPIC_ID_SEPARATOR in text:
        raise ValueError(f"must be a community ID, not a topic ID (got {text!r})")
    return text


def permission_group_id(value: object, *, allow_server_generated: bool = False) -> str:
    """A permission-group ID: ``@PMG#_…``; custom IDs must not start with ``@PMG#_@PMG#``."""
    text = _string(value)
    if not text.startswith(PERMISSION_GROUP_ID_PREFIX) or len(text) == len(
            PERMISSION_GROUP_ID_PREFIX):
        raise ValueError(f"must start with {PERMISSION_GROUP_ID_PREFIX!r} followed by at least "
                         f"one character (got {text!r})")
    if text.startswith(SERVER_PERMISSION_GROUP_ID_PREFIX) and not allow_server_generated:
        raise ValueError(
            f"must not start with {SERVER_PERMISSION_GROUP_ID_PREFIX!r}: that prefix is reserved "
            f"for IDs Tencent generates (got {text!r}). To manage a permission group created "
            "elsewhere, set adopt_existing=True")
    _printable_ascii(text)
    _max_bytes(text, PERMISSION_GROUP_ID_MAX_BYTES)
    return text


def permission_group_ref(value: object) -> str:
    """A reference to an existing permission group: server-generated IDs are allowed."""
    return permission_group_id(value, allow_server_generated=True)


def topic_id(value: object) -> str:
    """A topic ID ``<GroupId>@TOPIC#_…``, printable ASCII, at most 96 bytes."""
    text = _string(value)
    community, sep, rest = text.partition(TOPIC_ID_SEPARATOR)
    if not sep or not rest or not community.startswith(COMMUNITY_ID_PREFIX):
        raise ValueError(f"must be a topic ID of the form '<GroupId>{TOPIC_ID_SEPARATOR}<name>' "
                         f"(got {text!r})")
    _printable_ascii(text)
    _max_bytes(text, TOPIC_ID_MAX_BYTES)
    return text


def topic_in_group(topic: str, group: str) -> None:
    """A topic must belong to the community the permission group lives in."""
    if not topic.startswith(group + TOPIC_ID_SEPARATOR):
        raise ValueError(f"must be a topic of community {group!r} (it must start with "
                         f"{group + TOPIC_ID_SEPARATOR!r}; got {topic!r})")


def name(value: object) -> str:
    """A permission-group name: 1 to 150 bytes of UTF-8."""
    text = _string(value)
    if not text:
        raise ValueError("must not be empty")
    _max_bytes(text, NAME_MAX_BYTES, " of UTF-8")
    return text


def custom_string(value: object) -> str:
    """A permission group's custom string: at most 3000 bytes of UTF-8 (None means empty)."""
    if value is None:
        return ""
    text = _string(value)
    _max_bytes(text, CUSTOM_STRING_MAX_BYTES, " of UTF-8")
    return text


def boolean(value: object) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false (got {value!r})")
    return value


def member_account(value: object) -> str:
    """A UserID: 1 to 32 bytes of printable ASCII."""
    text = _string(value)
    if not text:
        raise ValueError("must not contain empty account IDs")
    _printable_ascii(text)
    size = utf8_len(text)
    if size > ACCOUNT_MAX_BYTES:
        raise ValueError(f"account IDs must be at most {ACCOUNT_MAX_BYTES} bytes "
                         f"({text!r} has {size})")
    return text


def members(value: object) -> list[str]:
    """A non-empty list of distinct account IDs, at most MEMBERS_MAX of them."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ValueError(f"must be a list of account IDs (got {type(value).__name__})")
    if not value:
        raise ValueError("must list at least one account (delete the resource to remove all)")
    if len(value) > MEMBERS_MAX:
        raise ValueError(f"must list at most {MEMBERS_MAX} accounts (got {len(value)})")
    accounts = [member_account(item) for item in value]
    seen: set[str] = set()
    dupes = sorted({a for a in accounts if a in seen or seen.add(a)})  # type: ignore[func-returns-value]
    if dupes:
        raise ValueError(f"must not list an account twice (duplicates: {', '.join(dupes)})")
    return accounts
