"""The input rules themselves (``validation``, ``permissions``): what each refuses and accepts.

The bad-input catalogue (tests/reliability) proves every rule fires in the program and in
Check with no API call; these tests pin the rules' edges and their messages' size.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from pulumi_tencentchat import GroupPermission, TopicPermissionBit
from pulumi_tencentchat import validation as v
from pulumi_tencentchat.permissions import MAX_PERMISSION, normalize_permission

from tests.support.program import run_program

GROUP = "@TGS#_rules"


# -- shortening lists and values in messages -------------------------------------------------


def test_listed_shows_the_first_few_then_counts_the_rest() -> None:
    values = [f"user{i:04d}" for i in range(600)]
    text = v.listed(values)
    assert text == ", ".join(values[:v.LISTED_MAX]) + f" and {600 - v.LISTED_MAX} more"
    assert v.listed(values[:3]) == "user0000, user0001, user0002"
    assert v.listed(values[:v.LISTED_MAX]) == ", ".join(values[:v.LISTED_MAX])  # no "0 more"
    assert v.listed(values, limit=2) == "user0000, user0001 and 598 more"
    assert v.listed([]) == ""


def test_listed_and_shown_cut_one_long_value() -> None:
    long = "x" * 5000
    assert len(v.shown(long)) < v.SHOWN_MAX_CHARS + 40
    assert v.shown(long).endswith("... (5002 characters)")
    assert v.shown("bob ") == "'bob '"
    assert len(v.listed(["a", long])) < v.SHOWN_MAX_CHARS + 60
    # quoted when the bare value would be ambiguous: padding, controls
    assert v.listed(["bob", "bob ", "a\nb"]) == "bob, 'bob ', 'a\\nb'"


def test_duplicate_members_message_stays_short() -> None:
    accounts = [f"user{i:04d}" for i in range(400)] * 2 + [f"user{i:04d}" for i in range(200)]
    with pytest.raises(ValueError) as err:
        v.members(accounts)
    message = str(err.value)
    assert message.startswith("must not list an account twice (duplicates: user0000, user0001,")
    assert message.endswith("user0009 and 390 more)")
    assert len(message) < 200  # it was 2,341 characters before the list was shortened


@pytest.mark.parametrize(("rule", "value"), [
    (v.group_id, "@TGS#_" + "g" * 5000),
    (v.permission_group_id, "mods" * 2000),
    (v.topic_id, "t" * 8000),
    (v.member_account, "a" * 8000),
    (lambda x: normalize_permission(x, GroupPermission), "NoSuchBit" * 1000),
])
def test_a_huge_value_is_not_echoed_in_full(rule: Any, value: str) -> None:
    with pytest.raises(ValueError) as err:
        rule(value)
    assert len(str(err.value)) < 400, str(err.value)[:200]


# -- names and custom strings -----------------------------------------------------------------


@pytest.mark.parametrize(("text", "found"), [
    ("Mods\x00", "U+0000"), ("\x01Mods", "U+0001"), ("Mo\x1fds", "U+001F"),
    ("Mods\x7f", "U+007F"), ("\x80Mods", "U+0080"), ("Mods\x9f", "U+009F"),
    ("\x1b[1mMods", "U+001B"), ("Mods\nAdmins", "U+000A"), ("Mods\tAdmins", "U+0009"),
    ("Mods\rAdmins", "U+000D"),
])
def test_name_refuses_control_characters(text: str, found: str) -> None:
    rule = f"must not contain control characters.*found {re.escape(found)}"
    with pytest.raises(ValueError, match=rule):
        v.permission_group_name(text)


@pytest.mark.parametrize("char", sorted(v.BIDI_CONTROLS))
def test_name_and_custom_string_refuse_every_bidi_control(char: str) -> None:
    for rule in (v.permission_group_name, v.custom_string):
        with pytest.raises(ValueError, match=f"bidirectional-text controls.*U\\+{ord(char):04X}"):
            rule(f"Mods{char}x")


@pytest.mark.parametrize("char", sorted(v.ZERO_WIDTH_CHARACTERS))
def test_name_and_custom_string_refuse_every_zero_width_character(char: str) -> None:
    for rule in (v.permission_group_name, v.custom_string):
        with pytest.raises(ValueError, match=f"zero-width characters.*U\\+{ord(char):04X}"):
            rule(f"Mo{char}ds")


def test_the_character_sets_are_the_documented_ranges() -> None:
    assert v.CONTROL_CHARACTERS == {chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]}
    assert v.BIDI_CONTROLS == {chr(c) for c in [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F),
                                                *range(0x2066, 0x206A)]}
    assert v.ZERO_WIDTH_CHARACTERS == {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}


@pytest.mark.parametrize("text", [
    "\u200d\U0001F4BB",          # nothing before the joiner
    "\U0001F469\u200d",          # nothing after it
    "\U0001F469\u200dx",         # a letter after it
    "a\u200d\U0001F4BB",         # a letter before it
    "\U0001F469\u200d\u200d\U0001F4BB",  # two in a row
])
def test_zero_width_joiner_only_between_emoji(text: str) -> None:
    with pytest.raises(ValueError, match="U\\+200D"):
        v.permission_group_name(text)


@pytest.mark.parametrize("text", [
    "管理员", "Modérateurs", "Mode\u0301rateurs", "😀" * 37, "Senior  Mods", " Mods",
    "\U0001F469\u200d\U0001F4BB",                       # woman technologist
    "\U0001F469\U0001F3FD\u200d\U0001F4BB",             # ... with a skin tone
    "\U0001F3F3\ufe0f\u200d\U0001F308",                 # rainbow flag (VS16 before the joiner)
    "\U0001F3C3\u200d\u2642\ufe0f",                     # man running
    "שלום Mods", "مرحبا",                               # right-to-left scripts need no controls
])
def test_name_accepts_ordinary_text(text: str) -> None:
    assert v.permission_group_name(text) == text  # returned exactly: no normalisation, no trimming


@pytest.mark.parametrize("text", [" ", "   ", "\t", "\u3000", "\u00a0 \u2003"])
def test_name_refuses_blank(text: str) -> None:
    with pytest.raises(ValueError, match="must not be blank"):
        v.permission_group_name(text)


def test_name_is_compared_exactly_not_normalised() -> None:
    nfd, nfc = "Mode\u0301rateurs", "Mod\u00e9rateurs"
    assert v.permission_group_name(nfd) == nfd and v.permission_group_name(nfc) == nfc
    assert nfd != nfc


def test_custom_string_allows_newline_and_tab_only() -> None:
    text = '{\n\t"tier": 2,\n\t"region": "eu"\n}\n'
    assert v.custom_string(text) == text
    for bad in ("a\r\nb", "a\x0bb", "a\x0cb", "a\x00b", "a\x1b[2Jb", "a\x85b"):
        with pytest.raises(ValueError, match="control characters other than newline and tab"):
            v.custom_string(bad)


def test_lone_surrogate_is_refused_with_the_rule() -> None:
    with pytest.raises(ValueError, match="must be valid Unicode text"):
        v.permission_group_name("Mods\udc80")
    with pytest.raises(ValueError, match="must be valid Unicode text"):
        v.custom_string("\ud800")


def test_over_size_text_states_the_size_rule_before_any_character_rule() -> None:
    with pytest.raises(ValueError, match="at most 3000 bytes"):
        v.custom_string("\x00" * 10_000_000)


# -- identifiers --------------------------------------------------------------------------------


@pytest.mark.parametrize(("rule", "value"), [
    (v.group_id, "@TGS#_c1 "), (v.group_id, " @TGS#_c1"),
    (v.permission_group_id, "@PMG#_mods "), (v.permission_group_id, " @PMG#_mods"),
    (v.permission_group_ref, "@PMG#_@PMG#abc "),
    (v.topic_id, "@TGS#_c1@TOPIC#_news "), (v.topic_id, " @TGS#_c1@TOPIC#_news"),
    (v.member_account, "bob "), (v.member_account, " bob"), (v.member_account, " "),
])
def test_ids_refuse_surrounding_whitespace_instead_of_stripping(rule: Any, value: str) -> None:
    with pytest.raises(ValueError, match="must not begin or end with whitespace"):
        rule(value)


@pytest.mark.parametrize(("rule", "value"), [
    (v.group_id, "@TGS#_my community"), (v.permission_group_id, "@PMG#_senior mods"),
    (v.topic_id, "@TGS#_c1@TOPIC#_the news"), (v.member_account, "ops team"),
    (v.member_account, "~!#$%&'()*+,-./:;<=>?@[]^_`{|}\\\""),
    (v.member_account, "a" * 32),
])
def test_ids_accept_inner_spaces_and_printable_ascii(rule: Any, value: str) -> None:
    assert rule(value) == value


def test_identifier_is_the_one_rule_of_every_id() -> None:
    assert v.identifier("@PMG#_x") == "@PMG#_x"
    for bad, rule in (("a\tb", "printable ASCII"), ("é", "printable ASCII"),
                      ("x ", "whitespace"), (7, "must be a string")):
        with pytest.raises(ValueError, match=rule):
            v.identifier(bad)


# -- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "got"), [
    (10 ** 4999, "got a number of about 5000 digits"),
    (-(10 ** 4999), "got a negative number of about 5000 digits"),
    ([64, 10 ** 5000], "got a number of about 5001 digits"),
    ({64, 10 ** 5000}, "got a number of about 5001 digits"),
    ("9" * 5000, "got a decimal string of 5000 digits"),
    ("1" + "0" * 20, "got a decimal string of 21 digits"),
    (str(1 << 64), "got 18446744073709551616"),
    (1e300, "got the floating-point number 1e+300"),
    (float("inf"), "got the floating-point number inf"),
    (float("-inf"), "got the floating-point number -inf"),
    (-1.0, "got the floating-point number -1.0"),
    (-1, "got -1"),
], ids=lambda p: p if isinstance(p, str) and len(p) < 40 else type(p).__name__)
def test_out_of_range_permissions_state_the_range(value: Any, got: str) -> None:
    for flags in (GroupPermission, TopicPermissionBit):
        with pytest.raises(ValueError) as err:
            normalize_permission(value, flags)
        assert str(err.value).startswith("must be between 0 and 2^64-1"), str(err.value)[:200]
        assert got in str(err.value)


@pytest.mark.parametrize(("value", "expected"), [
    (str(MAX_PERMISSION), MAX_PERMISSION),
    ("0" * 5000 + "64", 64),   # leading zeros do not count towards the 20 digits
    ("0" * 30, 0),
    (float(1 << 53), 1 << 53),
])
def test_permissions_at_the_edges_pass(value: Any, expected: int) -> None:
    assert normalize_permission(value, GroupPermission) == expected


def test_huge_permission_fails_in_the_program_with_the_range_rule() -> None:
    from pulumi_tencentchat import PermissionGroup

    with pytest.raises(ValueError) as err:
        run_program(lambda: PermissionGroup("huge", group_id=GROUP, name="N",
                                            permission=10 ** 4999))
    message = str(err.value)
    assert "'huge': permission must be between 0 and 2^64-1" in message
    assert "4300" not in message  # not Python's int-conversion message


def test_control_character_name_fails_in_the_program_naming_the_field() -> None:
    from pulumi_tencentchat import PermissionGroup

    with pytest.raises(ValueError, match="'ansi': name must not contain control characters"):
        run_program(lambda: PermissionGroup("ansi", group_id=GROUP, name="\x1b[31mMods"))


@pytest.mark.parametrize("identifier", ["admin ", " admin", "", "a" * 33, "管理员", "ad\tmin"])
def test_admin_identifier_follows_the_account_rule(identifier: str) -> None:
    from pulumi_tencentchat.config import ClientSettings
    from pulumi_tencentchat.errors import ConfigError

    with pytest.raises(ConfigError, match="tencentchat:identifier must be an App admin UserID"):
        ClientSettings(sdkappid=1400000000, identifier=identifier, secret_key="k",
                       endpoint="https://im.example.com")
    assert ClientSettings(sdkappid=1400000000, identifier="a" * 32, secret_key="k",
                          endpoint="https://im.example.com").identifier == "a" * 32
