"""Input rules shared by the program side (``ValueError``) and the providers' ``check``.

Each function takes a raw value, returns it normalised, or raises ``ValueError`` whose text
states the rule and the limit; callers prefix the field name. Facts come from
docs/tencent-api.md#identifier-formats and docs/tencent-api.md#field-limits; the ones it marks
unverified are named constants here.
"""

from __future__ import annotations

from collections.abc import Iterable

COMMUNITY_ID_PREFIX = "@TGS#_"
PERMISSION_GROUP_ID_PREFIX = "@PMG#_"
SERVER_PERMISSION_GROUP_ID_PREFIX = "@PMG#_@PMG#"
TOPIC_ID_SEPARATOR = "@TOPIC#_"

NAME_MAX_BYTES = 150
CUSTOM_STRING_MAX_BYTES = 3000
# Topic profile (docs/tencent-api.md#716-create_topic).
TOPIC_NAME_MAX_BYTES = 30
INTRODUCTION_MAX_BYTES = 240
NOTIFICATION_MAX_BYTES = 300
FACE_URL_MAX_BYTES = 100
TOPIC_ID_MAX_BYTES = 96
ACCOUNT_MAX_BYTES = 32
# Custom group IDs must be shorter than 48 bytes (docs/tencent-api.md#identifier-formats, U11).
GROUP_ID_MAX_BYTES = 47
# Unverified (docs/tencent-api.md#identifier-formats, U12): Tencent documents no maximum for a
# custom PermissionGroupId; we apply the rule for custom group IDs (< 48 bytes) until Tencent
# states otherwise.
PERMISSION_GROUP_ID_MAX_BYTES = 47
# Unverified: no documented cap on members per permission group; one resource manages at
# most this many so a single refresh stays bounded (20 pages of 50).
MEMBERS_MAX = 1000
# Unverified: no documented cap on topic permissions per permission group; one TopicPermissions
# resource manages at most this many, so its single unpaged read (get_topic_permission_group,
# bounded only by Tencent's 1 MB answer) stays far below that size (1000 entries of the longest
# topic IDs are about 0.2 MB) and a change is at most 20 calls of 50 topics.
TOPIC_PERMISSIONS_MAX = 1000

# Characters refused in names and custom strings (:func:`safe_text`). Tencent documents only
# byte limits for these fields; the values are shown in the CLI, in logs and in every client,
# so characters that act on the display instead of being displayed never get that far.
# C0 controls, DEL and C1 controls: NUL, ESC (ANSI escape sequences that recolour or rewrite
# the terminal start with it, or with the C1 CSI U+009B), CR (overwrites the line), ...
CONTROL_CHARACTERS = frozenset(
    [chr(c) for c in range(0x00, 0x20)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xA0)])
# Bidirectional-text controls reorder the text around them ("Trojan Source").
BIDI_CONTROLS = frozenset(
    ["\u061c", "\u200e", "\u200f"] + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)])
# Invisible characters that make two different names look identical.
ZERO_WIDTH_CHARACTERS = frozenset(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])
# The zero-width joiner also builds one emoji from several (U+1F469 U+200D U+1F4BB is "woman
# technologist"): it is accepted between two emoji, and nowhere else.
ZERO_WIDTH_JOINER = "\u200d"
# What may precede the joiner inside an emoji sequence besides an emoji (category So):
# variation selector 16 (emoji presentation) and the skin-tone modifiers.
EMOJI_SEQUENCE_TAILS = frozenset(["\ufe0f"] + [chr(c) for c in range(0x1F3FB, 0x1F400)])
# custom_string is free-form (often JSON or key=value lines): line breaks and tabs are layout
# there and display as such. CR is not among them: alone it overwrites the terminal line.
CUSTOM_STRING_LAYOUT = frozenset("\n\t")
# How many offending values an error message shows before "and N more" (:func:`listed`), and
# how many characters of one value (:func:`shown`): a message stays short whatever the input.
LISTED_MAX = 10
SHOWN_MAX_CHARS = 100


def utf8_len(text: str) -> int:
    # surrogatepass: a lone surrogate is counted (3 bytes) here and refused by safe_text.
    return len(text.encode("utf-8", "surrogatepass"))


def shown(value: object) -> str:
    """``repr(value)`` for an error message, cut to ``SHOWN_MAX_CHARS`` characters."""
    text = repr(value)
    if len(text) <= SHOWN_MAX_CHARS:
        return text
    return f"{text[:SHOWN_MAX_CHARS]}... ({len(text)} characters)"


def listed(values: Iterable[object], limit: int = LISTED_MAX) -> str:
    """Offending values for an error message: the first ``limit``, then "and N more".

    A value is shown as is when that reads unambiguously, else quoted by :func:`shown`.
    """
    items = list(values)
    head = ", ".join(_plain(item) for item in items[:limit])
    rest = len(items) - limit
    return f"{head} and {rest} more" if rest > 0 else head


def _plain(item: object) -> str:
    text = str(item)
    if len(text) <= SHOWN_MAX_CHARS and text.isprintable() and text == text.strip():
        return text
    return shown(item)


def _string(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string (got {type(value).__name__})")
    return value


def _printable_ascii(text: str) -> None:
    if text.isascii() and text.isprintable():  # exactly 0x20-0x7E, at C speed
        return
    for ch in text:
        if not (0x20 <= ord(ch) <= 0x7E):
            raise ValueError(f"must contain printable ASCII only (0x20-0x7E); found {ch!r}")


def identifier(value: object) -> str:
    """An ID or account as the API compares it: printable ASCII
    (docs/tencent-api.md#identifier-formats), no spaces around.

    Surrounding whitespace is refused, not stripped: the server would store the padded ID as a
    different object from the unpadded one, and stripping would make the state differ from
    the program.
    """
    text = _string(value)
    _printable_ascii(text)
    if text != text.strip():
        raise ValueError(f"must not begin or end with whitespace (got {shown(text)}): IDs are "
                         "compared exactly, so the padded value would name a different object")
    return text


def _is_emoji_joint(text: str, index: int) -> bool:
    """True when the zero-width joiner at ``index`` sits between two emoji."""
    import unicodedata

    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    return (bool(before) and bool(after) and unicodedata.category(after) == "So"
            and (before in EMOJI_SEQUENCE_TAILS or unicodedata.category(before) == "So"))


def safe_text(text: str, allowed: frozenset[str] = frozenset()) -> str:
    """Text that displays as what it says: no control (except ``allowed``), bidi-control,
    zero-width or lone-surrogate characters. Raises ``ValueError`` naming the character."""
    for index, ch in enumerate(text):
        if ch in allowed:
            continue
        where = f"found U+{ord(ch):04X} at character {index + 1}"
        if ch in CONTROL_CHARACTERS:
            but = " other than newline and tab" if allowed else ""
            hint = ", which starts terminal escape sequences" if ch == "\x1b" else ""
            raise ValueError(f"must not contain control characters{but} (U+0000-U+001F, U+007F, "
                             f"U+0080-U+009F); {where}{hint}")
        if ch in BIDI_CONTROLS:
            raise ValueError("must not contain bidirectional-text controls (U+061C, U+200E, "
                             "U+200F, U+202A-U+202E, U+2066-U+2069), which reorder the text "
                             f"shown around them; {where}")
        if ch in ZERO_WIDTH_CHARACTERS and not (ch == ZERO_WIDTH_JOINER
                                                 and _is_emoji_joint(text, index)):
            raise ValueError("must not contain zero-width characters (U+200B, U+200C, U+2060, "
                             "U+FEFF, and U+200D except between two emoji), which make "
                             f"different texts look the same; {where}")
        if "\ud800" <= ch <= "\udfff":
            raise ValueError(f"must be valid Unicode text (no lone surrogate); {where}")
    return text


def _max_bytes(text: str, limit: int, what: str = "") -> None:
    size = utf8_len(text)
    if size > limit:
        raise ValueError(f"must be at most {limit} bytes{what} (got {size} bytes)")


def group_id(value: object) -> str:
    """A Community group ID: ``@TGS#_…``, printable ASCII, at most 47 bytes."""
    text = identifier(value)
    if not text.startswith(COMMUNITY_ID_PREFIX) or len(text) == len(COMMUNITY_ID_PREFIX):
        raise ValueError(f"must be a Community group ID starting with {COMMUNITY_ID_PREFIX!r} "
                         f"(got {shown(text)})")
    _max_bytes(text, GROUP_ID_MAX_BYTES)
    if TOPIC_ID_SEPARATOR in text:
        raise ValueError(f"must be a community ID, not a topic ID (got {shown(text)})")
    return text


def permission_group_id(value: object, *, allow_server_generated: bool = False) -> str:
    """A permission-group ID: ``@PMG#_…``; custom IDs must not start with ``@PMG#_@PMG#``."""
    text = identifier(value)
    if not text.startswith(PERMISSION_GROUP_ID_PREFIX) or len(text) == len(
            PERMISSION_GROUP_ID_PREFIX):
        raise ValueError(f"must start with {PERMISSION_GROUP_ID_PREFIX!r} followed by at least "
                         f"one character (got {shown(text)})")
    if text.startswith(SERVER_PERMISSION_GROUP_ID_PREFIX) and not allow_server_generated:
        raise ValueError(
            f"must not start with {SERVER_PERMISSION_GROUP_ID_PREFIX!r}: that prefix is reserved "
            f"for IDs Tencent generates (got {shown(text)}). To manage a permission group "
            "created elsewhere, set adopt_existing=True")
    _max_bytes(text, PERMISSION_GROUP_ID_MAX_BYTES)
    return text


def permission_group_ref(value: object) -> str:
    """A reference to an existing permission group: server-generated IDs are allowed."""
    return permission_group_id(value, allow_server_generated=True)


def topic_id(value: object) -> str:
    """A topic ID ``<GroupId>@TOPIC#_…``, printable ASCII, at most 96 bytes."""
    text = identifier(value)
    community, sep, rest = text.partition(TOPIC_ID_SEPARATOR)
    if not sep or not rest or not community.startswith(COMMUNITY_ID_PREFIX):
        raise ValueError(f"must be a topic ID of the form '<GroupId>{TOPIC_ID_SEPARATOR}<name>' "
                         f"(got {shown(text)})")
    _max_bytes(text, TOPIC_ID_MAX_BYTES)
    return text


def topic_in_group(topic: str, group: str) -> None:
    """A topic must belong to the community the permission group lives in."""
    if not topic.startswith(group + TOPIC_ID_SEPARATOR):
        raise ValueError(f"must be a topic of community {group!r} (it must start with "
                         f"{group + TOPIC_ID_SEPARATOR!r}; got {shown(topic)})")


def _name(value: object, limit: int) -> str:
    """A display name: 1 to ``limit`` bytes of UTF-8, not blank, no control characters.

    Returned exactly as given, and compared that way: no Unicode normalisation (NFC/NFKC),
    no trimming. Tencent does not document whether it normalises names, so the provider sends
    and compares the bytes the program declares; were the server to normalise, a refresh
    would show the difference instead of hiding it.
    """
    text = _string(value)
    if not text:
        raise ValueError("must not be empty")
    if text.isspace():
        raise ValueError("must not be blank (it is only whitespace)")
    _max_bytes(text, limit, " of UTF-8")
    return safe_text(text)


def _free_text(value: object, limit: int) -> str:
    """Free-form text of at most ``limit`` bytes (None means empty): newlines and tabs are
    allowed, other control characters are not. Kept and compared exactly as given."""
    if value is None:
        return ""
    text = _string(value)
    _max_bytes(text, limit, " of UTF-8")
    return safe_text(text, CUSTOM_STRING_LAYOUT)


def permission_group_name(value: object) -> str:
    """A permission-group name: 1 to 150 bytes of UTF-8 (see :func:`_name`)."""
    return _name(value, NAME_MAX_BYTES)


def custom_string(value: object) -> str:
    """A custom string (permission group or topic): at most 3000 bytes of free text."""
    return _free_text(value, CUSTOM_STRING_MAX_BYTES)


def topic_name(value: object) -> str:
    """A topic name: 1 to 30 bytes of UTF-8 (see :func:`_name`)."""
    return _name(value, TOPIC_NAME_MAX_BYTES)


def introduction(value: object) -> str:
    """A topic's introduction: at most 240 bytes of free text."""
    return _free_text(value, INTRODUCTION_MAX_BYTES)


def notification(value: object) -> str:
    """A topic's notification: at most 300 bytes of free text."""
    return _free_text(value, NOTIFICATION_MAX_BYTES)


def face_url(value: object) -> str:
    """A topic's picture URL: at most 100 bytes of printable ASCII (None means none)."""
    if value is None or value == "":
        return ""
    text = identifier(value)
    if " " in text:
        raise ValueError(f"must be a URL without spaces (got {shown(text)})")
    _max_bytes(text, FACE_URL_MAX_BYTES)
    return text


def flag(value: object) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false (got {value!r})")
    return value


def member_account(value: object) -> str:
    """A UserID: 1 to 32 bytes of printable ASCII, no whitespace around it."""
    text = _string(value)
    if not text:
        raise ValueError("must not contain empty account IDs")
    identifier(text)
    size = utf8_len(text)
    if size > ACCOUNT_MAX_BYTES:
        raise ValueError(f"account IDs must be at most {ACCOUNT_MAX_BYTES} bytes "
                         f"({shown(text)} has {size})")
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
        raise ValueError(f"must not list an account twice (duplicates: {listed(dupes)})")
    return accounts
