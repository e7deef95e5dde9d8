"""Every bad input is caught before any API call, and the emulator refuses it on its own too.

``CATALOGUE`` lists bad inputs of the three resources and of the provider config. For each
resource entry:

1. program: the resource constructed with the bad value as a plain value raises ``ValueError``
   naming the resource, the field and the rule;
2. check: the real ``pulumi.dynamic`` plugin, sent the inputs the engine sends when the value
   was an Output at program time (the good resource's real ``__provider`` blob, the bad value
   swapped in), fails Check on exactly that property with the rule stated;
3. the emulator counted 0 API requests across both;
4. raw: where the input can be expressed as an API request, a signed request that bypasses the
   client is refused with a non-zero code (top-level or per item) and the server state is
   unchanged.

Config entries fail at the plugin's first call (the host runs the provider's ``configure`` when
it first loads the provider) naming the key and the rule, with 0 API calls. Positive controls at
every limit (exactly 150 bytes of CJK, 2^64-1, undefined bits, ...) pass all the same layers, so
the catalogue cannot pass vacuously. The last test prints the catalogue's tally.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pulumi
import pytest
from pulumi_tencentchat import (
    GroupPermission,
    TopicPermissionBit,
)
from tencentchat_emulator.unverified import NORMALIZES_TEXT

from tests.emulator.client import Raw
from tests.protocol.conftest import CLEAN_ENV, Declared, declare, stack_config, start_plugin
from tests.support.emulator import DEV_SECRET_KEY, Calls, EmulatorProcess
from tests.support.plugin import PluginCallError, PluginProcess
from tests.support.program import run_program
from tests.support.registry import resources

G = "@TGS#_rel_bad"
OTHER = "@TGS#_rel_other"
LONG_G = "@TGS#_" + "g" * 41  # 47 bytes: the longest community ID
TOPIC_GENERAL = f"{G}@TOPIC#_general"
TOPIC_NEWS = f"{G}@TOPIC#_news"
TOPIC_96 = f"{G}@TOPIC#_" + "t" * (96 - len(G) - len("@TOPIC#_"))  # exactly 96 bytes
OTHER_TOPIC = f"{OTHER}@TOPIC#_general"
EXISTING_PG = "@PMG#_existing"
NEW_PG = "@PMG#_rel_new"
FAKE_USERSIG = "eJw-not-a-real-usersig-5b1c"
SECRET_CONFIG_KEYS = ("tencentchat:secretKey", "tencentchat:userSig")
MAX = (1 << 64) - 1

PG, TP, MEMBERS, CONFIG = "PermissionGroup", "TopicPermission", "PermissionGroupMembers", "config"
TOPIC, SETTINGS, TPS = "Topic", "CommunityPermissionSettings", "TopicPermissions"
CLASSES: dict[str, Callable[..., Any]] = {spec.name: spec.cls for spec in resources()}
NEW_TOPIC = f"{G}@TOPIC#_rel_new"
ARGS = {spec.name: spec.provider.Inputs for spec in resources()}

# A valid declaration of each resource; every catalogue entry changes one field of it.
GOOD: dict[str, dict[str, Any]] = {
    PG: dict(group_id=G, permission_group_id=NEW_PG, name="Moderators",
             permission=["SendGroupMessage"], custom_string="tier=2"),
    TP: dict(group_id=G, permission_group_id=EXISTING_PG, topic_id=TOPIC_NEWS,
             permission=["SendTopicMessage"]),
    MEMBERS: dict(group_id=G, permission_group_id=EXISTING_PG, members=["bob", "carol"]),
    TPS: dict(group_id=G, permission_group_id=EXISTING_PG,
              permissions={TOPIC_NEWS: ["SendTopicMessage"], TOPIC_96: 8}),
    TOPIC: dict(group_id=G, topic_id=NEW_TOPIC, topic_name="Lounge", introduction="hi",
                notification="be kind", face_url="https://x.example/t.png",
                custom_string="tier=1"),
    # Switched off with no default: what Tencent takes (a default needs the switch on).
    SETTINGS: dict(group_id=G, default_permission=0, enable_permission_groups=False),
}


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""The field is left out (a resource input not given, a config key not set)."""
SAME: Any = object()


@dataclass(frozen=True)
class Bad:
    """One catalogue entry: ``value`` for ``field`` of ``target`` must be refused early.

    For config entries ``field`` is the config key and ``value`` the overrides of the stack
    config. ``rule`` is a phrase of the rule or limit the message must state (``check_rule``
    when Check phrases it differently because the wire changed the value: ``wire``).
    """

    id: str
    target: str
    field: str
    value: Any
    rule: str
    check_rule: str | None = None
    wire: Any = SAME
    program: bool = True
    check: bool = True
    raw: bool = True
    note: str = ""

    @property
    def on_wire(self) -> Any:
        return self.value if self.wire is SAME else self.wire


def pg(id_: str, field: str, value: Any, rule: str, **kw: Any) -> Bad:
    return Bad(f"pg-{id_}", PG, field, value, rule, **kw)


def tp(id_: str, field: str, value: Any, rule: str, **kw: Any) -> Bad:
    return Bad(f"tp-{id_}", TP, field, value, rule, **kw)


def mem(id_: str, field: str, value: Any, rule: str, **kw: Any) -> Bad:
    return Bad(f"members-{id_}", MEMBERS, field, value, rule, **kw)


def tps(id_: str, field: str, value: Any, rule: str, **kw: Any) -> Bad:
    return Bad(f"tps-{id_}", TPS, field, value, rule, **kw)


def topic(id_: str, field: str, value: Any, rule: str, **kw: Any) -> Bad:
    return Bad(f"topic-{id_}", TOPIC, field, value, rule, **kw)


def settings(id_: str, field: str, value: Any, rule: str, **kw: Any) -> Bad:
    return Bad(f"settings-{id_}", SETTINGS, field, value, rule, **kw)


def cfg(id_: str, key: str, rule: str, **overrides: str | None) -> Bad:
    return Bad(f"config-{id_}", CONFIG, key, overrides, rule, program=False, raw=False)


ACCOUNTS_1001 = [f"user{i:04d}" for i in range(1001)]
# 1000 accounts, 600 of them repeats of 400 accounts: the message lists 10 and counts the rest.
ACCOUNTS_600_REPEATS = ACCOUNTS_1001[:400] * 2 + ACCOUNTS_1001[:200]
TOPICS_1001 = {f"{G}@TOPIC#_t{i:04d}": 8 for i in range(1001)}
HUGE = 10 ** 4999  # 5000 digits: more than Python converts to or from a string (4300)

# Why the emulator is not asked about an entry (raw=False): Tencent documents only byte limits
# for names and custom strings and "printable ASCII" (0x20-0x7E, the space included) for IDs;
# whether it refuses or trims such values is unknown, so the emulator takes them as sent
# (unverified.NORMALIZES_TEXT).
TEXT_UNVERIFIED = ("Tencent documents only a byte limit for this field: whether it refuses "
                   "control, bidi or zero-width characters is unknown (the emulator stores "
                   "them as sent)")
SPACE_UNVERIFIED = ("the space is printable ASCII (docs/tencent-api.md#identifier-formats) and "
                    "whether Tencent trims IDs is undocumented: the emulator stores the padded "
                    "ID as a separate object")
BLANK_UNVERIFIED = "whether Tencent accepts a blank name is undocumented (the emulator does)"

CATALOGUE: list[Bad] = [
    # -- PermissionGroup --------------------------------------------------------------------
    pg("group-id-missing", "group_id", MISSING, "is required"),
    pg("group-id-no-prefix", "group_id", "community1", "starting with '@TGS#_'"),
    pg("group-id-prefix-only", "group_id", "@TGS#_", "starting with '@TGS#_'"),
    pg("group-id-48-bytes", "group_id", LONG_G + "g", "at most 47 bytes (got 48 bytes)"),
    pg("group-id-non-ascii", "group_id", "@TGS#_社区", "printable ASCII only"),
    pg("group-id-is-a-topic", "group_id", TOPIC_GENERAL, "not a topic ID"),
    pg("group-id-wrong-type", "group_id", [G], "must be a string"),
    pg("pg-id-no-prefix", "permission_group_id", "moderators", "must start with '@PMG#_'"),
    pg("pg-id-prefix-only", "permission_group_id", "@PMG#_", "followed by at least one"),
    pg("pg-id-server-prefix", "permission_group_id", "@PMG#_@PMG#mine",
       "must not start with '@PMG#_@PMG#'"),
    pg("pg-id-48-bytes", "permission_group_id", "@PMG#_" + "a" * 42,
       "at most 47 bytes (got 48 bytes)"),
    pg("pg-id-non-ascii", "permission_group_id", "@PMG#_modérateurs", "printable ASCII only"),
    pg("pg-id-control-char", "permission_group_id", "@PMG#_mods\n", "printable ASCII only"),
    pg("pg-id-trailing-space", "permission_group_id", "@PMG#_mods ",
       "must not begin or end with whitespace", raw=False, note=SPACE_UNVERIFIED),
    pg("pg-id-leading-space", "permission_group_id", " @PMG#_mods",
       "must not begin or end with whitespace"),
    pg("group-id-trailing-space", "group_id", G + " ", "must not begin or end with whitespace"),
    pg("name-missing", "name", MISSING, "is required"),
    pg("name-empty", "name", "", "must not be empty"),
    pg("name-151-bytes-latin", "name", "é" * 75 + "x", "at most 150 bytes of UTF-8 (got 151"),
    pg("name-151-bytes-cjk", "name", "权" * 50 + "x", "at most 150 bytes of UTF-8 (got 151"),
    pg("name-38-emoji-152-bytes", "name", "😀" * 38, "at most 150 bytes of UTF-8 (got 152"),
    pg("name-wrong-type", "name", 123, "must be a string"),
    pg("name-one-space", "name", " ", "must not be blank", raw=False,
       note=BLANK_UNVERIFIED),
    pg("name-ideographic-spaces", "name", "\u3000\u3000", "must not be blank", raw=False,
       note=BLANK_UNVERIFIED),
    pg("name-nul", "name", "Mods\x00", "must not contain control characters", raw=False,
       note=TEXT_UNVERIFIED),
    pg("name-newline", "name", "Mods\nAdmins", "must not contain control characters",
       raw=False, note=TEXT_UNVERIFIED),
    pg("name-del", "name", "Mods\x7f", "must not contain control characters", raw=False,
       note=TEXT_UNVERIFIED),
    pg("name-c1-csi", "name", "\x9b31mMods", "found U+009B", raw=False, note=TEXT_UNVERIFIED),
    pg("name-ansi-escape", "name", "\x1b[31mAdmins\x1b[0m",
       "found U+001B at character 1, which starts terminal escape sequences", raw=False,
       note=TEXT_UNVERIFIED),
    pg("name-bidi-override", "name", "Mods\u202egnp", "must not contain bidirectional-text",
       raw=False, note=TEXT_UNVERIFIED),
    pg("name-bidi-isolate", "name", "\u2066Mods\u2069", "found U+2066", raw=False,
       note=TEXT_UNVERIFIED),
    pg("name-left-to-right-mark", "name", "Mods\u200e", "found U+200E", raw=False,
       note=TEXT_UNVERIFIED),
    pg("name-arabic-letter-mark", "name", "\u061cMods", "found U+061C", raw=False,
       note=TEXT_UNVERIFIED),
    pg("name-zero-width-space", "name", "Mo\u200bds", "must not contain zero-width",
       raw=False, note=TEXT_UNVERIFIED),
    pg("name-zero-width-non-joiner", "name", "Mo\u200cds", "found U+200C", raw=False,
       note=TEXT_UNVERIFIED),
    pg("name-zero-width-joiner-in-a-word", "name", "Mo\u200dds", "found U+200D", raw=False,
       note=TEXT_UNVERIFIED),
    pg("name-word-joiner", "name", "Mo\u2060ds", "found U+2060", raw=False,
       note=TEXT_UNVERIFIED),
    pg("name-byte-order-mark", "name", "\ufeffMods", "found U+FEFF", raw=False,
       note=TEXT_UNVERIFIED),
    pg("name-lone-surrogate", "name", "Mods\ud800", "must be valid Unicode text", check=False,
       raw=False, note="not UTF-8-encodable, so it can reach neither Check nor the API"),
    pg("custom-string-3001-bytes", "custom_string", "x" * 3001,
       "at most 3000 bytes of UTF-8 (got 3001"),
    pg("custom-string-3001-bytes-cjk", "custom_string", "权" * 1000 + "x",
       "at most 3000 bytes of UTF-8 (got 3001"),
    pg("custom-string-wrong-type", "custom_string", ["tier=2"], "must be a string"),
    pg("custom-string-nul", "custom_string", "tier=2\x00", "control characters other than "
       "newline and tab", raw=False, note=TEXT_UNVERIFIED),
    pg("custom-string-carriage-return", "custom_string", "tier=2\rtier=9", "found U+000D",
       raw=False, note=TEXT_UNVERIFIED),
    pg("custom-string-ansi-escape", "custom_string", "tier=2\x1b[2J",
       "which starts terminal escape sequences", raw=False, note=TEXT_UNVERIFIED),
    pg("custom-string-bidi-override", "custom_string", "tier=\u202e2",
       "must not contain bidirectional-text", raw=False, note=TEXT_UNVERIFIED),
    pg("custom-string-zero-width", "custom_string", "tier\u200b=2", "must not contain zero-width",
       raw=False, note=TEXT_UNVERIFIED),
    pg("permission-negative", "permission", -1, "between 0 and 2^64-1"),
    pg("permission-2^64", "permission", 1 << 64, "between 0 and 2^64-1",
       check_rule="cannot hold every integer above 2^53 exactly"),
    pg("permission-2^64-decimal-string", "permission", str(1 << 64), "between 0 and 2^64-1"),
    pg("permission-5000-digits", "permission", HUGE,
       "between 0 and 2^64-1 (a 64-bit unsigned bitmask), got a number of about 5000 digits",
       check=False, raw=False,
       note="no Output can carry it to Check (the SDK turns numbers into doubles and this one "
            "overflows) and JSON encoders refuse it; the digit-string entry covers the wire"),
    pg("permission-5000-digit-string", "permission", "7" * 5000,
       "between 0 and 2^64-1 (a 64-bit unsigned bitmask), got a decimal string of 5000 digits"),
    pg("permission-huge-float", "permission", 1e300,
       "between 0 and 2^64-1 (a 64-bit unsigned bitmask), got the floating-point number 1e+300"),
    pg("permission-unknown-bit-name", "permission", ["SendGroupMessage", "SendMessages"],
       "unknown GroupPermission bit name 'SendMessages'"),
    pg("permission-topic-bit-name", "permission", ["SendTopicMessage"],
       "unknown GroupPermission bit name 'SendTopicMessage'"),
    pg("permission-topic-flag", "permission", TopicPermissionBit.SendTopicMessage,
       "is a TopicPermissionBit, expected GroupPermission", check=False, raw=False,
       note="on the wire a flag is just its integer (8, a valid permission): program only"),
    pg("permission-fraction", "permission", 1.5, "must be a whole number"),
    pg("permission-boolean", "permission", True, "not a boolean"),
    pg("permission-wrong-type", "permission", {"bits": 64}, "must be an integer"),
    pg("permission-superscript-digit", "permission", "²", "unknown GroupPermission bit name"),
    pg("permission-inexact-float", "permission", (1 << 60) | 64,
       "cannot hold every integer above 2^53 exactly", wire=float((1 << 60) | 64),
       program=False,
       note="an Output resolved to 2^60|64 reaches Check as the double 2^60 (bit 6 lost); a "
            "plain int in the program is exact (sent as a decimal string)"),
    pg("adopt-existing-not-bool", "adopt_existing", "yes", "must be true or false", raw=False,
       note="adopt_existing is not an API field"),
    tp("tp-adopt-existing-not-bool", "adopt_existing", 1, "must be true or false", raw=False,
       note="adopt_existing is not an API field"),
    # -- TopicPermission --------------------------------------------------------------------
    tp("group-id-wrong-type", "group_id", 42, "must be a string"),
    tp("group-id-48-bytes", "group_id", LONG_G + "g", "at most 47 bytes (got 48 bytes)"),
    tp("pg-id-missing", "permission_group_id", MISSING, "is required"),
    tp("pg-id-no-prefix", "permission_group_id", "mods", "must start with '@PMG#_'"),
    tp("topic-id-missing", "topic_id", MISSING, "is required"),
    tp("topic-id-of-another-community", "topic_id", OTHER_TOPIC,
       f"must be a topic of community '{G}'"),
    tp("topic-id-malformed", "topic_id", "general", "of the form '<GroupId>@TOPIC#_<name>'"),
    tp("topic-id-empty-name", "topic_id", f"{G}@TOPIC#_", "of the form '<GroupId>@TOPIC#_"),
    tp("topic-id-97-bytes", "topic_id", TOPIC_96 + "t", "at most 96 bytes (got 97 bytes)"),
    tp("topic-id-non-ascii", "topic_id", f"{G}@TOPIC#_général", "printable ASCII only"),
    tp("topic-id-trailing-space", "topic_id", TOPIC_NEWS + " ",
       "must not begin or end with whitespace"),
    tp("pg-id-trailing-space", "permission_group_id", EXISTING_PG + " ",
       "must not begin or end with whitespace"),
    tp("permission-missing", "permission", MISSING, "is required"),
    tp("permission-negative", "permission", -8, "between 0 and 2^64-1"),
    tp("permission-2^64-decimal-string", "permission", str(1 << 64), "between 0 and 2^64-1"),
    tp("permission-5000-digit-string", "permission", "9" * 5000,
       "between 0 and 2^64-1 (a 64-bit unsigned bitmask), got a decimal string of 5000 digits"),
    tp("permission-unknown-bit-name", "permission", ["SendTopicMessage", "SendGroupMessage"],
       "unknown TopicPermissionBit bit name 'SendGroupMessage'"),
    tp("permission-group-flag", "permission", GroupPermission.SendGroupMessage,
       "is a GroupPermission, expected TopicPermissionBit", check=False, raw=False,
       note="on the wire a flag is just its integer (64, a valid permission): program only"),
    tp("permission-string-garbage", "permission", "8 bits", "unknown TopicPermissionBit"),
    # -- PermissionGroupMembers -------------------------------------------------------------
    mem("group-id-missing", "group_id", MISSING, "is required"),
    mem("pg-id-48-bytes", "permission_group_id", "@PMG#_" + "m" * 42,
        "at most 47 bytes (got 48 bytes)"),
    mem("members-missing", "members", MISSING, "is required"),
    mem("members-empty", "members", [], "must list at least one account"),
    mem("members-not-a-list", "members", "alice", "must be a list of account IDs (got str)"),
    mem("members-duplicate", "members", ["alice", "bob", "alice"],
        "must not list an account twice (duplicates: alice)", raw=False,
        note="the API takes duplicates (the second is reported as already a member)"),
    mem("members-600-repeats", "members", ACCOUNTS_600_REPEATS,
        "(duplicates: user0000, user0001, user0002, user0003, user0004, user0005, user0006, "
        "user0007, user0008, user0009 and 390 more)", raw=False,
        note="the API takes duplicates (the second is reported as already a member)"),
    mem("members-1001", "members", ACCOUNTS_1001, "at most 1000 accounts (got 1001)"),
    mem("account-33-bytes", "members", ["bob", "a" * 33], "at most 32 bytes"),
    mem("account-empty", "members", ["bob", ""], "must not contain empty account IDs"),
    mem("account-non-ascii", "members", ["zoë"], "printable ASCII only"),
    mem("account-wrong-type", "members", ["bob", 7], "must be a string"),
    mem("account-trailing-space", "members", ["bob", "carol "],
        "must not begin or end with whitespace (got 'carol ')", raw=False,
        note=SPACE_UNVERIFIED),
    mem("account-leading-space", "members", [" bob"], "must not begin or end with whitespace",
        raw=False, note=SPACE_UNVERIFIED),
    mem("group-id-leading-space", "group_id", " " + G, "must not begin or end with whitespace"),
    mem("exclusive-not-bool", "exclusive", "yes", "must be true or false", raw=False,
        note="exclusive is not an API field"),
    # -- TopicPermissions -------------------------------------------------------------------
    tps("group-id-missing", "group_id", MISSING, "is required"),
    tps("group-id-no-prefix", "group_id", "community1", "starting with '@TGS#_'"),
    tps("pg-id-missing", "permission_group_id", MISSING, "is required"),
    tps("pg-id-48-bytes", "permission_group_id", "@PMG#_" + "m" * 42,
        "at most 47 bytes (got 48 bytes)"),
    tps("permissions-missing", "permissions", MISSING, "is required"),
    tps("permissions-empty", "permissions", {}, "must list at least one topic"),
    tps("permissions-not-a-mapping", "permissions", [TOPIC_NEWS],
        "must be a mapping of topic ID to permission (got list)"),
    tps("permissions-duplicate-topic", "permissions", "two Output keys naming one topic",
        f"must not list a topic twice (duplicates: {TOPIC_NEWS})", check=False, raw=False,
        note="a mapping cannot hold a key twice, on the wire neither: two Output topic IDs "
             "that resolve to one topic are caught in the program when they resolve"),
    tps("permissions-1001-topics", "permissions", TOPICS_1001,
        "must list at most 1000 topics (got 1001)", raw=False,
        note="Tencent documents no cap per permission group (the emulator keeps none): the "
             "limit is the provider's (validation.TOPIC_PERMISSIONS_MAX), keeping one "
             "resource's unpaged read far below the 1 MB answer cap"),
    tps("topic-of-another-community", "permissions", {OTHER_TOPIC: 8},
        f"entry {OTHER_TOPIC}: must be a topic of community '{G}'"),
    tps("topic-id-malformed", "permissions", {"general": 8}, "entry 'general': must be a "
        "topic ID of the form"),
    tps("topic-id-97-bytes", "permissions", {TOPIC_96 + "t": 8}, "at most 96 bytes (got 97"),
    tps("permission-unknown-bit-name", "permissions", {TOPIC_NEWS: ["SendGroupMessage"]},
        "permission unknown TopicPermissionBit bit name 'SendGroupMessage'"),
    tps("permission-negative", "permissions", {TOPIC_NEWS: -8}, "between 0 and 2^64-1"),
    tps("exclusive-not-bool", "exclusive", "yes", "must be true or false", raw=False,
        note="exclusive is not an API field"),
    tps("adopt-existing-not-bool", "adopt_existing", "yes", "must be true or false", raw=False,
        note="adopt_existing is not an API field"),
    mem("adopt-existing-not-bool", "adopt_existing", "yes", "must be true or false", raw=False,
        note="adopt_existing is not an API field"),
    # -- Topic ------------------------------------------------------------------------------
    topic("group-id-missing", "group_id", MISSING, "is required"),
    topic("group-id-no-prefix", "group_id", "community1", "starting with '@TGS#_'"),
    topic("topic-id-of-another-community", "topic_id", f"{OTHER}@TOPIC#_x",
          "must be a topic of community"),
    topic("topic-id-97-bytes", "topic_id", TOPIC_96 + "x", "at most 96 bytes (got 97"),
    topic("topic-id-not-a-topic", "topic_id", G, "must be a topic ID"),
    topic("topic-id-trailing-space", "topic_id", NEW_TOPIC + " ",
          "must not begin or end with whitespace", raw=False, note=SPACE_UNVERIFIED),
    topic("topic-name-missing", "topic_name", MISSING, "is required"),
    topic("topic-name-empty", "topic_name", "", "must not be empty"),
    topic("topic-name-31-bytes", "topic_name", "x" * 31, "at most 30 bytes of UTF-8 (got 31"),
    topic("topic-name-33-bytes-cjk", "topic_name", "话" * 11, "at most 30 bytes of UTF-8 (got 33"),
    topic("topic-name-blank", "topic_name", "  ", "must not be blank", raw=False,
          note=BLANK_UNVERIFIED),
    topic("topic-name-ansi-escape", "topic_name", "\x1b[31mLounge", "which starts terminal",
          raw=False, note=TEXT_UNVERIFIED),
    topic("topic-name-zero-width", "topic_name", "Lou\u200bnge", "must not contain zero-width",
          raw=False, note=TEXT_UNVERIFIED),
    topic("introduction-241-bytes", "introduction", "i" * 241, "at most 240 bytes"),
    topic("introduction-bidi", "introduction", "hi\u202e", "bidirectional-text", raw=False,
          note=TEXT_UNVERIFIED),
    topic("notification-301-bytes", "notification", "n" * 301, "at most 300 bytes"),
    topic("notification-nul", "notification", "be\x00kind", "must not contain control",
          raw=False, note=TEXT_UNVERIFIED),
    topic("face-url-101-bytes", "face_url", "https://x.example/" + "a" * 83,
          "at most 100 bytes (got 101"),
    topic("face-url-space", "face_url", "https://x.example/a b.png", "without spaces",
          raw=False, note="a URL with a space is refused here; whether Tencent checks "
          "FaceUrl beyond its byte limit is undocumented"),
    topic("face-url-wrong-type", "face_url", 7, "must be a string"),
    topic("custom-string-3001-bytes", "custom_string", "c" * 3001, "at most 3000 bytes"),
    topic("adopt-existing-not-bool", "adopt_existing", "no", "must be true or false",
          raw=False, note="adopt_existing is not an API field"),
    # -- CommunityPermissionSettings ----------------------------------------------------------
    settings("group-id-missing", "group_id", MISSING, "is required"),
    settings("group-id-is-a-topic", "group_id", TOPIC_GENERAL, "not a topic ID"),
    settings("default-missing", "default_permission", MISSING, "is required", raw=False,
             note="optional in the API; required here: a silent 0 would strip every "
             "member's rights"),
    settings("default-while-switched-off", "default_permission", 64,
             "needs enable_permission_groups=True"),
    settings("default-negative", "default_permission", -1, "between 0 and 2^64-1"),
    settings("default-2^64-decimal-string", "default_permission", str(1 << 64),
             "between 0 and 2^64-1"),
    settings("default-topic-bit-name", "default_permission", ["SendTopicMessage"],
             "unknown GroupPermission bit name", raw=False,
             note="bit names are the provider's notation, not an API form"),
    settings("switch-not-bool", "enable_permission_groups", "yes", "must be true or false"),
    # -- config -----------------------------------------------------------------------------
    cfg("sdkappid-missing", "sdkAppId", "is not set", sdkAppId=None),
    cfg("sdkappid-non-numeric", "sdkAppId", "must be a number", sdkAppId="my-app"),
    cfg("sdkappid-zero", "sdkAppId", "must be a positive integer", sdkAppId="0"),
    cfg("sdkappid-negative", "sdkAppId", "must be a positive integer", sdkAppId="-1400000000"),
    cfg("region-unknown", "region", "not a Tencent Chat region", region="mars", endpoint=None),
    cfg("region-and-endpoint", "region", "both are set", region="singapore"),
    cfg("no-region-no-endpoint", "region", "neither is set", endpoint=None),
    cfg("endpoint-not-a-url", "endpoint", "must be an absolute URL", endpoint="ftp://im.example"),
    cfg("endpoint-plain-http", "endpoint", "must use https", endpoint="http://im.example.com"),
    cfg("identifier-33-bytes", "identifier", "1 to 32 bytes", identifier="a" * 33),
    cfg("identifier-non-ascii", "identifier", "printable ASCII", identifier="管理员"),
    cfg("no-credentials", "secretKey", "neither is set", secretKey=None),
    cfg("both-credentials", "secretKey", "both are set", userSig=FAKE_USERSIG),
    cfg("rps-zero", "requestsPerSecond", "greater than 0 and at most 200", requestsPerSecond="0"),
    cfg("rps-over-api-cap", "requestsPerSecond", "at most 200", requestsPerSecond="500"),
    cfg("rps-non-numeric", "requestsPerSecond", "must be a number", requestsPerSecond="fast"),
    cfg("connect-timeout-zero", "connectTimeout", "greater than 0 and at most 3600",
        connectTimeout="0"),
    cfg("read-timeout-over-an-hour", "readTimeout", "at most 3600", readTimeout="7200"),
    cfg("operation-timeout-nan", "operationTimeout", "greater than 0", operationTimeout="nan"),
    cfg("operation-timeout-non-numeric", "operationTimeout", "must be a number",
        operationTimeout="soon"),
]

RESOURCE_ENTRIES = [e for e in CATALOGUE if e.target != CONFIG]
# Entries not asked of the emulator because Tencent's answer is unknown: the emulator takes them.
UNVERIFIED_ENTRIES = [e for e in RESOURCE_ENTRIES
                      if e.note in (TEXT_UNVERIFIED, SPACE_UNVERIFIED, BLANK_UNVERIFIED)]
CONFIG_ENTRIES = [e for e in CATALOGUE if e.target == CONFIG]


@dataclass
class Outcome:
    """What one entry's test observed (filled in only when every layer held)."""

    early: bool
    api_calls: int
    raw_code: int | None


RESULTS: dict[str, Outcome] = {}


# -- helpers ----------------------------------------------------------------------------------


def program_for(target: str, resource_name: str, **changes: Any) -> Callable[[], Any]:
    props = {**GOOD[target], **changes}
    props = {k: v for k, v in props.items() if v is not MISSING}

    def program() -> Any:
        if props.get("permissions") == "two Output keys naming one topic":
            props["permissions"] = {pulumi.Output.from_input(TOPIC_NEWS): 8, TOPIC_NEWS: 8}
        return CLASSES[target](resource_name, **props)

    return program


def check_inputs(declared: Declared, field: str, value: Any) -> dict[str, Any]:
    """The good resource's engine inputs (real ``__provider`` blob) with ``field`` changed."""
    inputs = dict(declared.inputs)
    if value is MISSING:
        inputs.pop(field, None)
    else:
        inputs[field] = value
    return inputs


_RAW_FIELDS = {
    "group_id": "GroupId", "permission_group_id": "PermissionGroupId",
    "name": "PermissionGroupName", "permission": "Permission", "custom_string": "CustomString",
}


_TOPIC_FIELDS = {
    "group_id": "GroupId", "topic_id": "TopicId", "topic_name": "TopicName",
    "introduction": "Introduction", "notification": "Notification", "face_url": "FaceUrl",
    "custom_string": "CustomString",
}


def raw_request(target: str, field: str, value: Any) -> tuple[str, dict[str, Any]]:
    """The API request the good resource's create makes, with ``field`` set to ``value``."""
    def put(body: dict[str, Any], key: str) -> None:
        if value is MISSING:
            body.pop(key, None)
        else:
            body[key] = value

    if target == PG:
        body: dict[str, Any] = {"GroupId": G, "PermissionGroupId": NEW_PG,
                                "PermissionGroupName": "Moderators", "Permission": 64,
                                "CustomString": "tier=2"}
        put(body, _RAW_FIELDS[field])
        return "create_permission_group", body
    if target == TP:
        item: dict[str, Any] = {"TopicId": TOPIC_NEWS, "Permission": 8}
        body = {"GroupId": G, "PermissionGroupId": EXISTING_PG, "TopicPermissionList": [item]}
        if field == "topic_id":
            put(item, "TopicId")
        elif field == "permission":
            put(item, "Permission")
        else:
            put(body, _RAW_FIELDS[field])
        return "add_topic_permission_group", body
    if target == TPS:
        items: Any = [{"TopicId": TOPIC_NEWS, "Permission": 8}, {"TopicId": TOPIC_96,
                                                               "Permission": 8}]
        if field == "permissions":
            items = ([{"TopicId": t, "Permission": p} for t, p in value.items()]
                     if isinstance(value, dict) else value)
        body = {"GroupId": G, "PermissionGroupId": EXISTING_PG, "TopicPermissionList": items}
        if field != "permissions":
            put(body, _RAW_FIELDS[field])
        elif value is MISSING:
            del body["TopicPermissionList"]
        return "add_topic_permission_group", body
    if target == TOPIC:
        body = {"GroupId": G, "TopicId": NEW_TOPIC, "TopicName": "Lounge",
                "Introduction": "hi", "Notification": "be kind",
                "FaceUrl": "https://x.example/t.png", "CustomString": "tier=1"}
        put(body, _TOPIC_FIELDS[field])
        return "create_topic", body
    if target == SETTINGS:
        body = {"GroupId": G, "EnablePermission": 0}  # what the good resource sends
        if field == "default_permission":
            put(body, "DefaultPermission")
        elif field == "enable_permission_groups":
            put(body, "EnablePermission")
        else:
            put(body, "GroupId")
        return "modify_group_base_info", body
    body = {"GroupId": G, "PermissionGroupId": EXISTING_PG,
            "MemberList": [{"Member_Account": "bob"}, {"Member_Account": "carol"}]}
    if field == "members" and isinstance(value, list):
        body["MemberList"] = [{"Member_Account": m} for m in value]
    elif field == "members":
        put(body, "MemberList")
    else:
        put(body, _RAW_FIELDS[field])
    return "add_permission_group_member", body


def refusal_code(response: dict[str, Any]) -> int:
    """The response's top-level ErrorCode, else the first non-zero per-item code, else 0."""
    if response["ErrorCode"]:
        return int(response["ErrorCode"])
    for key in ("PermissionGroupResultList", "TopicPermissionResultList", "MemberList"):
        for item in response.get(key) or []:
            code = item.get("ErrorCode", item.get("Result", 0))
            if code:
                return int(code)
    return 0


def server_state(raw: Raw) -> dict[str, Any]:
    """Everything the catalogue's raw requests could change."""
    return {
        "groups": {gid: raw.ok("get_permission_group", {"GroupId": gid})
                   ["PermissionGroupInfoList"] for gid in (G, OTHER, LONG_G)},
        "topic_permissions": raw.ok("get_topic_permission_group", {
            "GroupId": G, "PermissionGroupId": EXISTING_PG})["TopicPermissionResultList"],
        "members": raw.ok("get_permission_group_member_list", {
            "GroupId": G, "PermissionGroupId": EXISTING_PG})["MemberList"],
        "topics": raw.ok("get_topic", {"GroupId": G, "From_Account": "administrator"})[
            "TopicAndSelfInfo"],
        "settings": raw.ok("get_group_info", {"GroupIdList": [G], "ResponseFilter": {
            "GroupBaseInfoFilter": ["EnablePermission", "DefaultPermission"]}})["GroupInfo"],
    }


def assert_no_credentials(text: str) -> None:
    assert DEV_SECRET_KEY not in text and FAKE_USERSIG not in text


# -- fixtures ---------------------------------------------------------------------------------


# `plugin` (tests/reliability/conftest.py): one plugin configured with the good stack config,
# shared by every resource entry.


class ConfigPlugin:
    """One plugin reconfigured per config entry.

    The host runs the provider's ``configure`` when it first loads a provider and caches the
    provider only when that succeeds, so each bad config is judged afresh by the next call. A
    config that wrongly passes gets cached; ``restart`` then keeps later entries independent.
    """

    def __init__(self) -> None:
        self.proc = start_plugin({}, env=CLEAN_ENV)

    def restart(self) -> None:
        self.proc.stop()
        self.proc = start_plugin({}, env=CLEAN_ENV)


@pytest.fixture(scope="module")
def config_plugin() -> Iterator[ConfigPlugin]:
    holder = ConfigPlugin()
    try:
        yield holder
    finally:
        holder.proc.stop()


@pytest.fixture(scope="module")
def declared() -> dict[str, Declared]:
    """The good resources as a program registers them: URNs and engine inputs."""
    def program() -> None:
        for target, props in GOOD.items():
            CLASSES[target](f"good-{target}", **props)

    resources = declare(program)
    return {target: resources[f"good-{target}"] for target in GOOD}


@pytest.fixture
def world(emulator: EmulatorProcess) -> Iterator[Raw]:
    """Communities, topics, a permission group with a member and a topic permission."""
    raw = Raw(emulator)
    raw.community(G)
    raw.topic(G, "general", TOPIC_GENERAL)
    raw.topic(G, "news", TOPIC_NEWS)
    raw.topic(G, "long", TOPIC_96)
    raw.community(OTHER)
    raw.topic(OTHER, "general", OTHER_TOPIC)
    raw.community(LONG_G)
    raw.pg(G, EXISTING_PG, name="Existing", Permission=64)
    raw.ok("add_permission_group_member", {"GroupId": G, "PermissionGroupId": EXISTING_PG,
                                           "MemberList": [{"Member_Account": "alice"}]})
    raw.ok("add_topic_permission_group", {
        "GroupId": G, "PermissionGroupId": EXISTING_PG,
        "TopicPermissionList": [{"TopicId": TOPIC_GENERAL, "Permission": 8}]})
    yield raw
    raw.http.close()


# -- the catalogue ----------------------------------------------------------------------------


def test_catalogue_covers_every_field_of_every_resource_and_the_config() -> None:
    ids = [e.id for e in CATALOGUE]
    assert len(ids) == len(set(ids)) and len(ids) >= 40
    for target, model in ARGS.items():
        covered = {e.field for e in CATALOGUE if e.target == target}
        assert covered == set(model.model_fields), target
    assert {e.field for e in CONFIG_ENTRIES} == {
        "sdkAppId", "region", "endpoint", "identifier", "secretKey", "requestsPerSecond",
        "connectTimeout", "readTimeout", "operationTimeout"}
    for entry in CATALOGUE:
        if entry.target != CONFIG:  # a layer that does not apply says why
            assert (entry.program and entry.check and entry.raw) or entry.note, entry.id
            assert entry.program or entry.check, entry.id


@pytest.mark.parametrize("entry", RESOURCE_ENTRIES, ids=lambda e: e.id)
def test_resource_bad_input_is_refused_before_any_api_call(
        entry: Bad, plugin: PluginProcess, declared: dict[str, Declared], world: Raw,
        emulator: EmulatorProcess) -> None:
    calls = Calls(emulator).mark()

    # 1. The program: a plain value fails in the constructor.
    if entry.program:
        with pytest.raises(ValueError) as err:
            run_program(program_for(entry.target, "bad", **{entry.field: entry.value}))
        message = str(err.value)
        assert f"tencentchat:{entry.target} 'bad': {entry.field} " in message
        assert entry.rule in message

    # 2. Check in the real plugin, as the engine sends an Output-valued input.
    if entry.check:
        good = declared[entry.target]
        outcome = plugin.check(good.urn, {}, check_inputs(good, entry.field, entry.on_wire))
        assert [f.property for f in outcome.failures] == [entry.field], outcome.failures
        reason = outcome.failures[0].reason
        assert reason.startswith(f"{entry.field} ")
        assert (entry.check_rule or entry.rule) in reason

    # 3. Nothing reached the API.
    api_calls = calls.since()
    assert api_calls == 0

    # 4. Sent raw, the emulator refuses it on its own and changes nothing.
    code = None
    if entry.raw:
        before = server_state(world)
        command, body = raw_request(entry.target, entry.field, entry.on_wire)
        code = refusal_code(world.post(command, body))
        assert code != 0, f"emulator accepted {command} {body}"
        assert server_state(world) == before
    RESULTS[entry.id] = Outcome(early=True, api_calls=api_calls, raw_code=code)


@pytest.mark.parametrize("entry", UNVERIFIED_ENTRIES, ids=lambda e: e.id)
def test_unverified_entries_are_stored_by_the_emulator_exactly_as_sent(
        entry: Bad, world: Raw) -> None:
    """What their ``note`` says: the emulator neither refuses nor normalises these values
    (unverified.NORMALIZES_TEXT), so only the provider's rules keep them from Tencent."""
    assert not NORMALIZES_TEXT
    command, body = raw_request(entry.target, entry.field, entry.on_wire)
    assert refusal_code(world.post(command, body)) == 0
    state = server_state(world)
    if entry.target == PG:
        stored = {item["PermissionGroupId"]: item for item in state["groups"][G]}
        item = stored[body["PermissionGroupId"]]  # a padded ID is a group of its own
        assert (item["PermissionGroupName"], item["CustomString"]) == (
            body["PermissionGroupName"], body["CustomString"])
    elif entry.target == TOPIC:
        stored = {item["TopicInfo"]["TopicId"]: item["TopicInfo"] for item in state["topics"]}
        item = stored[body["TopicId"]]  # a padded ID is a topic of its own
        assert all(item[key] == body[key] for key in ("TopicName", "Introduction",
                                                      "Notification", "CustomString"))
    else:
        members = {m["Member_Account"] for m in state["members"]}
        assert set(entry.value) <= members


@pytest.mark.parametrize("entry", CONFIG_ENTRIES, ids=lambda e: e.id)
def test_bad_config_fails_at_the_first_call_naming_the_key(
        entry: Bad, config_plugin: ConfigPlugin, declared: dict[str, Declared],
        emulator: EmulatorProcess) -> None:
    config = {**stack_config(emulator.url),
              **{f"tencentchat:{key}": value for key, value in entry.value.items()}}
    config = {key: value for key, value in config.items() if value is not None}
    calls = Calls(emulator).mark()
    proc = config_plugin.proc
    proc.configure(config, secret_keys=[k for k in SECRET_CONFIG_KEYS if k in config])
    good = declared[PG]
    try:
        outcome = proc.check(good.urn, {}, good.inputs)
    except PluginCallError as exc:
        err = exc
    else:
        config_plugin.restart()
        pytest.fail(f"the plugin accepted the config ({outcome.failures})")
    details = err.details
    assert err.method == "Check"
    assert f"tencentchat:{entry.field}" in details
    assert entry.rule in details
    assert "pulumi config set" in details  # says how to fix it
    assert_no_credentials(details)
    api_calls = calls.since()
    assert api_calls == 0
    RESULTS[entry.id] = Outcome(early=True, api_calls=api_calls, raw_code=None)


# -- positive controls ------------------------------------------------------------------------


@dataclass(frozen=True)
class Good:
    """A value at (not over) a limit: accepted by program, Check and the emulator."""

    id: str
    target: str
    field: str
    value: Any
    wire: Any = SAME
    raw: bool = True
    warns: bool = False

    @property
    def on_wire(self) -> Any:
        return self.value if self.wire is SAME else self.wire


CONTROLS: list[Good] = [
    Good("pg-name-150-bytes-latin", PG, "name", "é" * 75),
    Good("pg-name-150-bytes-cjk", PG, "name", "权" * 50),
    Good("pg-name-148-bytes-emoji", PG, "name", "😀" * 37),
    Good("pg-custom-string-3000-bytes-cjk", PG, "custom_string", "权" * 1000),
    Good("pg-pg-id-47-bytes", PG, "permission_group_id", "@PMG#_" + "a" * 41),
    Good("pg-group-id-47-bytes", PG, "group_id", LONG_G),
    Good("pg-permission-all-defined", PG, "permission", 2047),
    Good("pg-permission-zero", PG, "permission", 0),
    Good("pg-permission-2^64-1", PG, "permission", MAX, wire=str(MAX), warns=True),
    Good("pg-permission-undefined-bits", PG, "permission", 123456, warns=True),
    Good("pg-permission-defined-bits-only", PG, "permission", 1234),
    Good("tp-permission-sample-1234", TP, "permission", 1234, warns=True),
    Good("pg-permission-2^53-float", PG, "permission", float(1 << 53), warns=True),
    Good("tp-topic-id-96-bytes", TP, "topic_id", TOPIC_96),
    Good("tp-permission-undefined-bits", TP, "permission", 123456, warns=True),
    Good("tp-permission-2^64-1", TP, "permission", MAX, wire=str(MAX), warns=True),
    Good("tp-server-generated-pg-ref", TP, "permission_group_id", "@PMG#_@PMG#abc", raw=False),
    Good("members-account-32-bytes", MEMBERS, "members", ["bob", "a" * 32]),
    Good("members-account-32-bytes-inner-space", MEMBERS, "members",
         ["bob", "ops team/" + "x" * 19 + "~!#$"]),
    Good("pg-name-cjk-and-emoji", PG, "name", "管理员 🛡️ Moderators"),
    Good("pg-name-emoji-zwj-sequences", PG, "name", "👩\u200d💻 开发者 🏳️\u200d🌈"),
    Good("pg-name-decomposed-accent-kept-as-is", PG, "name", "Mode\u0301rateurs"),
    Good("pg-name-inner-spaces", PG, "name", "Senior  Moderators"),
    Good("pg-custom-string-newline-and-tab", PG, "custom_string", "tier=2\nregion=eu\tx"),
    Good("pg-pg-id-inner-space", PG, "permission_group_id", "@PMG#_senior mods"),
    Good("pg-permission-zero-padded-digit-string", PG, "permission", "0" * 30 + "64"),
    Good("members-1000", MEMBERS, "members", ACCOUNTS_1001[:1000], raw=False),
    Good("tps-1000-topics", TPS, "permissions", dict(list(TOPICS_1001.items())[:1000]),
         raw=False),
    Good("tps-topic-id-96-bytes-and-2^64-1", TPS, "permissions", {TOPIC_96: MAX},
         wire={TOPIC_96: str(MAX)}, raw=False, warns=True),
    Good("members-exclusive", MEMBERS, "exclusive", True, raw=False),
    Good("topic-name-30-bytes-cjk", TOPIC, "topic_name", "话" * 10),
    Good("topic-introduction-240-bytes", TOPIC, "introduction", "i" * 240),
    Good("topic-notification-300-bytes-with-lines", TOPIC, "notification", "n\n" * 150),
    Good("topic-face-url-100-bytes", TOPIC, "face_url", "https://x.example/" + "a" * 82),
    Good("topic-id-96-bytes", TOPIC, "topic_id", TOPIC_96[:-4] + "xyzw"),
    Good("settings-no-default-while-off", SETTINGS, "default_permission", 0, raw=False),
]


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: c.id)
def test_values_at_the_limits_pass_every_layer(
        control: Good, plugin: PluginProcess, declared: dict[str, Declared], world: Raw,
        emulator: EmulatorProcess, caplog: pytest.LogCaptureFixture) -> None:
    calls = Calls(emulator).mark()
    with caplog.at_level(logging.WARNING):
        registered = run_program(program_for(control.target, "ok",
                                             **{control.field: control.value}))
    assert len(registered) == 1
    warnings = [r.getMessage() for r in caplog.records if "does not define" in r.getMessage()]
    assert bool(warnings) == control.warns, warnings

    good = declared[control.target]
    outcome = plugin.check(good.urn, {}, check_inputs(good, control.field, control.on_wire))
    assert outcome.failures == []
    assert calls.since() == 0

    if control.raw:  # the request the client would make: permissions as JSON integers
        value = int(control.value) if control.field == "permission" else control.value
        response = world.post(*raw_request(control.target, control.field, value))
        assert refusal_code(response) == 0, response


def test_text_is_kept_exactly_as_declared_through_every_layer(
        plugin: PluginProcess, declared: dict[str, Declared], world: Raw) -> None:
    # "é" as e + combining acute (NFD): no layer normalises it to U+00E9 (NFC), none trims.
    name, custom = "Mode\u0301rateurs 👩\u200d💻", "tier=2\n\tregion=eu "
    registered = run_program(program_for(PG, "exact", name=name, custom_string=custom))
    assert (registered[0].plain_inputs()["name"],
            registered[0].plain_inputs()["custom_string"]) == (name, custom)
    good = declared[PG]
    outcome = plugin.check(good.urn, {}, {**check_inputs(good, "name", name),
                                          "custom_string": custom})
    assert outcome.failures == []
    assert (outcome.inputs["name"], outcome.inputs["custom_string"]) == (name, custom)
    # The same words in NFC are a different name: a change the diff reports, not hides.
    nfc = {**outcome.inputs, "name": "Modérateurs 👩\u200d💻"}
    assert plugin.diff(good.urn, "id", dict(outcome.inputs), dict(outcome.inputs)).changes == "none"
    assert plugin.diff(good.urn, "id", dict(outcome.inputs), nfc).changes == "some"
    world.ok("create_permission_group", {"GroupId": G, "PermissionGroupId": "@PMG#_exact",
                                         "PermissionGroupName": name, "CustomString": custom})
    item = world.ok("get_permission_group", {"GroupId": G, "PermissionGroupIdList": [
        "@PMG#_exact"]})["PermissionGroupInfoList"][0]
    assert (item["PermissionGroupName"], item["CustomString"]) == (name, custom)


def test_server_reserved_id_passes_when_adopting(
        plugin: PluginProcess, declared: dict[str, Declared], emulator: EmulatorProcess) -> None:
    good = declared[PG]
    calls = Calls(emulator).mark()
    inputs = {**check_inputs(good, "permission_group_id", "@PMG#_@PMG#abc"),
              "adopt_existing": True}
    assert plugin.check(good.urn, {}, inputs).failures == []
    run_program(program_for(PG, "adopt", permission_group_id="@PMG#_@PMG#abc",
                            adopt_existing=True))
    assert calls.since() == 0


def test_good_config_passes_on_the_same_plugin(
        config_plugin: ConfigPlugin, declared: dict[str, Declared],
        emulator: EmulatorProcess) -> None:
    # After every bad config above, the same process accepts a good one: the failures were the
    # config's, not a broken plugin's.
    config = stack_config(emulator.url)
    config_plugin.proc.configure(config, secret_keys=["tencentchat:secretKey"])
    good = declared[PG]
    calls = Calls(emulator).mark()
    assert config_plugin.proc.check(good.urn, {}, good.inputs).failures == []
    assert calls.since() == 0


# -- the tally --------------------------------------------------------------------------------


def test_catalogue_tally(capsys: pytest.CaptureFixture[str]) -> None:
    missing = [e.id for e in CATALOGUE if e.id not in RESULTS]
    if len(missing) == len(CATALOGUE):
        pytest.skip("the catalogue's tests did not run in this session (deselected)")
    rejected = sum(1 for e in CATALOGUE if e.id in RESULTS and RESULTS[e.id].early)
    api_calls = sum(r.api_calls for r in RESULTS.values())
    raw_rejected = sum(1 for r in RESULTS.values() if r.raw_code)
    line = (f"bad-inputs catalogue: {len(CATALOGUE)} entries, {rejected} rejected in "
            f"program/check/configure, {api_calls} API calls, {raw_rejected} rejected raw by "
            "emulator")
    with capsys.disabled():
        print(f"\n{line}")
    assert not missing, f"entries without a passing result: {missing}"
    assert rejected == len(CATALOGUE)
    assert api_calls == 0
    assert raw_rejected == sum(1 for e in CATALOGUE if e.raw)
