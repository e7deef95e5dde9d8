"""The effective-permission model and its renderers, from fixed data (no server)."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from pulumi_tencentchat.cli._matrix_html import render_html
from pulumi_tencentchat.cli._matrix_table import Style, labels, render_member, render_table
from pulumi_tencentchat.matrix import Grant, as_json, build
from pulumi_tencentchat.snapshot import PermissionGroupSnapshot

from tests.cli.matrix_data import EXPECTED_JSON, GENERAL, GONE, GROUP, NEWS, SNAPSHOT

ANSI = re.compile(r"\x1b\[[0-9;]*m")


# -- the model -----------------------------------------------------------------------------------

def test_the_json_is_exactly_the_documented_schema() -> None:
    produced = as_json(build(SNAPSHOT))
    assert produced == EXPECTED_JSON
    assert json.loads(json.dumps(produced)) == EXPECTED_JSON  # plain JSON types only


def test_community_bits_are_never_folded_into_topics() -> None:
    matrix = build(SNAPSHOT)
    carol = matrix.rights("carol")
    # SendGroupMessage comes from the default community-wide...
    assert Grant("SendGroupMessage", ("default",)) in carol.community
    # ...and still nothing in a topic where none of her groups has a bit.
    assert carol.topics[NEWS] == ()


def test_each_right_names_every_source_that_grants_it() -> None:
    bob = build(SNAPSHOT).rights("bob")
    assert bob.permission_groups == ("@PMG#_mods", "@PMG#_readers")
    assert dict((g.right, g.sources) for g in bob.community) == {
        "GroupMuteMember": ("@PMG#_mods",),
        "SendGroupMessage": ("default", "@PMG#_mods"),
        "GroupAtAll": ("@PMG#_mods",),
        "GetGroupHistoryMessage": ("default", "@PMG#_readers"),
        "bit40": ("@PMG#_mods",)}
    assert [(g.right, g.sources) for g in bob.topics[GENERAL]] == [
        ("TopicMuteMember", ("@PMG#_mods",)), ("SendTopicMessage", ("@PMG#_mods",)),
        ("GetTopicHistoryMessage", ("@PMG#_readers",))]


def test_an_account_in_no_group_has_the_default_alone() -> None:
    nobody = build(SNAPSHOT).rights("zed")
    assert nobody.permission_groups == ()
    assert [(g.right, g.sources) for g in nobody.community] == [
        ("SendGroupMessage", ("default",)), ("GetGroupHistoryMessage", ("default",))]
    assert all(grants == () for grants in nobody.topics.values())


def test_a_member_listed_twice_in_one_group_counts_once() -> None:
    twice = dataclasses.replace(SNAPSHOT, permission_groups=(PermissionGroupSnapshot(
        "@PMG#_x", "X", permission=1, members=("dana", "dana")),))
    assert build(twice).rights("dana").permission_groups == ("@PMG#_x",)


# -- the terminal table ------------------------------------------------------------------------

def test_the_table_fits_80_columns_and_marks_each_cell() -> None:
    text = render_table(build(SNAPSHOT), Style(colour=False, unicode=True))
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert not ANSI.search(text)
    assert lines[0] == f'Who may do what in community {GROUP} "Fixture"'
    assert "read 2025-03-04T05:06:07+00:00" in lines
    # Columns: all (default), A Moderators, B Readers, C Empty.
    assert "  SendGroupMessage               ✓   ✓  ·  ·" in lines
    assert "  GetGroupHistoryMessage         ✓   ·  ✓  ·" in lines
    assert "  bit40                          ·   ✓  ·  ·" in lines
    # Topic rows: the default does not apply, never folded from community bits.
    general = lines.index("Topic general                   all  A  B  C")
    assert lines[general + 1] == f"  {GENERAL}"
    assert "  SendTopicMessage               -   ✓  ·  ·" in lines[general:]
    assert "Topic (not listed)              all  A  B  C" in lines
    assert "A  Moderators (2 members)  @PMG#_mods" in lines
    assert "C  Empty (0 members)  @PMG#_empty" in lines
    assert "not folded into any topic." in text


def test_many_groups_continue_in_blocks_within_80_columns() -> None:
    groups = tuple(PermissionGroupSnapshot(f"@PMG#_g{i:02d}", f"Group {i}",
                                           permission=1 << i % 11) for i in range(40))
    text = render_table(build(dataclasses.replace(SNAPSHOT, permission_groups=groups)))
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert labels(40)[-3:] == ["AL", "AM", "AN"]
    headers = [line for line in lines if line.startswith("Community-wide   ")]
    assert len(headers) == 3  # 40 groups: 15 + 15 + 10 columns
    assert headers[0].split()[1:] == ["all", *labels(15)]
    assert headers[2].split()[-1] == "AN"
    assert "AN Group 39 (0 members)  @PMG#_g39" in lines


def test_colour_only_when_asked_and_ascii_marks_for_other_encodings() -> None:
    matrix = build(SNAPSHOT)
    coloured = render_table(matrix, Style(colour=True))
    assert "\x1b[32;1m✓\x1b[0m" in coloured
    assert ANSI.sub("", coloured) == render_table(matrix, Style(colour=False))
    plain = render_table(matrix, Style(unicode=False))
    assert plain.isascii() and "  SendGroupMessage               x   x  .  ." in plain


def test_a_long_group_name_is_cut_and_its_id_kept_whole() -> None:
    long = dataclasses.replace(SNAPSHOT, permission_groups=(PermissionGroupSnapshot(
        "@PMG#_" + "i" * 40, "N" * 150, permission=1),))
    lines = render_table(build(long)).splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "   @PMG#_" + "i" * 40 in lines
    assert any(line.startswith("A  NNN") and line.endswith("… (0 members)") for line in lines)


def test_the_member_view_lists_rights_with_their_sources() -> None:
    text = render_member(build(SNAPSHOT), "bob")
    lines = text.splitlines()
    assert lines[0] == f'Rights of bob in community {GROUP} "Fixture"'
    assert "Permission groups: Moderators (@PMG#_mods), Readers (@PMG#_readers)" in lines
    assert "  ✓ SendGroupMessage               from default, Moderators" in lines
    assert "  ✓ GetGroupHistoryMessage         from default, Readers" in lines
    news = lines.index(f"Topic news  {NEWS}")
    assert lines[news + 1:news + 3] == ["  ✓ SendTopicMessage               from Moderators",
                                        "  ✓ TopicAtAll                     from Moderators"]
    assert f"Topic (not listed)  {GONE}" in lines
    assert max(len(line) for line in lines) <= 80
    nobody = render_member(build(SNAPSHOT), "zed")
    assert "Permission groups: none." in nobody and "(no rights)" in nobody


def test_twin_group_names_are_told_apart_by_id() -> None:
    twins = dataclasses.replace(SNAPSHOT, permission_groups=(
        PermissionGroupSnapshot("@PMG#_a", "Mods", permission=64, members=("eve",)),
        PermissionGroupSnapshot("@PMG#_b", "Mods", permission=64, members=("eve",))))
    text = render_member(build(twins), "eve")
    assert "from default, Mods (@PMG#_a), Mods (@PMG#_b)" in text


def test_a_switched_off_community_says_the_rights_do_not_decide() -> None:
    off = dataclasses.replace(SNAPSHOT, enable_permission_groups=False)
    for text in (render_table(build(off)), render_member(build(off), "bob"),
                 render_html(build(off))):
        assert "switched off" in text


# -- the page --------------------------------------------------------------------------------------

def test_the_page_is_self_contained() -> None:
    page = render_html(build(SNAPSHOT))
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"(?i)\b(src|href)\s*=|<link|@import|url\(", page)
    assert "default-src 'none'" in page  # and the browser may not load anything anyway
    assert "2025-03-04T05:06:07+00:00" in page and GROUP in page
    # Every right of every scope is a row, every group a column.
    assert page.count('data-right="SendGroupMessage"') == 1
    assert page.count('data-right="SendTopicMessage"') == 3
    assert page.count('<th scope="col" data-pg=') == 3


def test_the_page_escapes_what_the_server_says() -> None:
    hostile = dataclasses.replace(SNAPSHOT, name="<b>x</b>", permission_groups=(
        PermissionGroupSnapshot("@PMG#_h", "</script><script>alert(1)</script>",
                                permission=1, members=("m&m",)),))
    page = render_html(build(hostile), member="m&m")
    assert "<script>alert(1)" not in page and "<b>x</b>" not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in page
    data = page.split('<script type="application/json" id="members">')[1].split("</script>")[0]
    assert "</" not in data
    assert json.loads(data)["m&m"]["names"] == ["</script><script>alert(1)</script>"]
    assert '<option value="m&amp;m" selected>' in page


def test_the_page_preselects_a_member_in_no_group() -> None:
    page = render_html(build(SNAPSHOT), member="zed")
    assert '<option value="zed" selected>zed</option>' in page
    data = json.loads(page.split('id="members">')[1].split("</script>")[0])
    assert data["zed"] == {"groups": [], "names": [], "rights": {
        "": {"SendGroupMessage": ["default"], "GetGroupHistoryMessage": ["default"]},
        GENERAL: {}, NEWS: {}, GONE: {}}}


@pytest.mark.parametrize("account", ["alice", "bob", "carol"])
def test_the_page_embeds_each_member_rights_as_the_model_says(account: str) -> None:
    matrix = build(SNAPSHOT)
    data = json.loads(render_html(matrix).split('id="members">')[1].split("</script>")[0])
    assert sorted(data) == ["alice", "bob", "carol"]
    expected = EXPECTED_JSON["members"][account]
    assert data[account]["groups"] == expected["permission_groups"]
    assert list(data[account]["rights"][""]) == expected["community"]
    for topic, names in expected["topics"].items():
        assert list(data[account]["rights"][topic]) == names
