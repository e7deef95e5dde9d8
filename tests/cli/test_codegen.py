"""The program ``tencentchat export`` writes, generated from fixed snapshots (no server).

Generated programs are run two ways: under Pulumi's mocks with the real resource classes, and
with recording stand-ins for ``pulumi`` and ``pulumi_tencentchat`` that take any value, so
hostile names (which the resources' own checks refuse) still show that the program carries the
exact value. ``ruff`` checks and formats the generated files as a user's project would.
"""

from __future__ import annotations

import ast
import random
import subprocess
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi_tencentchat.codegen import SEPARATE_TOPICS_MAX, assign_names, render
from pulumi_tencentchat.permissions import GroupPermission, TopicPermissionBit
from pulumi_tencentchat.snapshot import (
    CommunitySnapshot,
    PermissionGroupSnapshot,
    TopicSnapshot,
)

from tests.support.program import run_program

GROUP = "@TGS#_dev"
GENERAL = f"{GROUP}@TOPIC#_general"
NEWS = f"{GROUP}@TOPIC#_news"
RETAIN = "opts=pulumi.ResourceOptions(retain_on_delete=True)"
RUFF = Path(sys.executable).with_name("ruff")
RESOURCE_CLASSES = ("CommunityPermissionSettings", "PermissionGroup", "PermissionGroupMembers",
                    "Topic", "TopicPermission", "TopicPermissions")

SNAP = CommunitySnapshot(
    group_id=GROUP, name="Dev", enable_permission_groups=True, default_permission=64 | 128,
    topics=(TopicSnapshot(NEWS, "News", introduction="From the team"),
            TopicSnapshot(GENERAL, "General")),
    permission_groups=(
        PermissionGroupSnapshot("@PMG#_mods", "Moderators", 64 | 32, "tier=staff",
                                {GENERAL: 8 | 64, NEWS: 8 | 0x80}, ("bob", "alice")),
        PermissionGroupSnapshot("@PMG#_@PMG#x1", "Readers", 256),
    ),
    taken_at="2025-01-02T03:04:05+00:00")


# -- recording stand-ins ---------------------------------------------------------------------

@dataclass
class Recorded:
    resources: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)


@contextmanager
def stand_ins(record: Recorded) -> Iterator[None]:
    """``pulumi`` and ``pulumi_tencentchat`` replaced by recorders for one program run."""
    fake_pulumi = types.ModuleType("pulumi")
    fake_pulumi.ResourceOptions = lambda **options: options  # type: ignore[attr-defined]
    fake_pulumi.export = record.outputs.__setitem__  # type: ignore[attr-defined]
    fake_package = types.ModuleType("pulumi_tencentchat")
    for cls in RESOURCE_CLASSES:
        def init(self: Any, resource_name: str, _cls: str = cls, **kwargs: Any) -> None:
            record.resources.append((_cls, resource_name, kwargs))
            self.__dict__.update(kwargs)

        setattr(fake_package, cls, type(cls, (), {"__init__": init}))
    fake_package.GroupPermission = GroupPermission  # type: ignore[attr-defined]
    fake_package.TopicPermissionBit = TopicPermissionBit  # type: ignore[attr-defined]
    saved = {name: sys.modules.get(name) for name in ("pulumi", "pulumi_tencentchat")}
    sys.modules.update(pulumi=fake_pulumi, pulumi_tencentchat=fake_package)
    try:
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def run_recorded(program: str) -> Recorded:
    record = Recorded()
    with stand_ins(record):
        exec(compile(program, "__main__.py", "exec"), {"__name__": "__main__"})  # noqa: S102
    return record


def view_of_program(record: Recorded) -> dict[str, Any]:
    """What the recorded declarations say about the server, in the snapshot's terms."""
    out: dict[str, Any] = {"settings": {}, "topics": {}, "groups": {}, "granted": {},
                           "members": {}}
    for cls, _name, kw in record.resources:
        assert kw.pop("opts") == {"retain_on_delete": True}, (cls, _name)
        if cls != "CommunityPermissionSettings":
            assert kw.pop("adopt_existing") is True, (cls, _name)
        if cls == "CommunityPermissionSettings":
            out["settings"][kw["group_id"]] = (kw["enable_permission_groups"],
                                               int(kw["default_permission"]))
        elif cls == "Topic":
            out["topics"][(kw["group_id"], kw["topic_id"])] = tuple(kw.get(f, "") for f in (
                "topic_name", "introduction", "notification", "face_url", "custom_string"))
        elif cls == "PermissionGroup":
            out["groups"][(kw["group_id"], kw["permission_group_id"])] = (
                kw["name"], int(kw["permission"]), kw.get("custom_string", ""))
        elif cls == "TopicPermission":
            key = (kw["group_id"], kw["permission_group_id"], kw["topic_id"])
            assert key not in out["granted"]  # one declaration per topic permission
            out["granted"][key] = int(kw["permission"])
        elif cls == "TopicPermissions":
            assert 1 <= len(kw["permissions"]) <= 1000
            for topic, bits in kw["permissions"].items():
                key = (kw["group_id"], kw["permission_group_id"], topic)
                assert key not in out["granted"]
                out["granted"][key] = int(bits)
        else:
            key = (kw["group_id"], kw["permission_group_id"])
            assert 1 <= len(kw["members"]) <= 1000
            assert not set(kw["members"]) & set(out["members"].get(key, ()))
            out["members"][key] = sorted([*out["members"].get(key, ()), *kw["members"]])
    return out


def view_of_server(communities: list[CommunitySnapshot]) -> dict[str, Any]:
    out: dict[str, Any] = {"settings": {}, "topics": {}, "groups": {}, "granted": {},
                           "members": {}}
    for c in communities:
        out["settings"][c.group_id] = (c.enable_permission_groups,
                                       c.default_permission if c.enable_permission_groups else 0)
        for t in c.topics:
            out["topics"][(c.group_id, t.topic_id)] = (t.topic_name, t.introduction,
                                                       t.notification, t.face_url,
                                                       t.custom_string)
        for g in c.permission_groups:
            out["groups"][(c.group_id, g.permission_group_id)] = (g.name, g.permission,
                                                                  g.custom_string)
            for topic_id, permission in g.topics.items():
                out["granted"][(c.group_id, g.permission_group_id, topic_id)] = permission
            if g.members:
                out["members"][(c.group_id, g.permission_group_id)] = sorted(g.members)
    return out


def ruff(directory: Path) -> None:
    """``ruff check`` (the repository's rule set) and ``ruff format --check`` at the defaults
    a user's project has, ignoring this repository's configuration."""
    for command in (["check", "--isolated", "--select", "E,W,F,I,B,UP", "."],
                    ["format", "--isolated", "--check", "."]):
        done = subprocess.run([str(RUFF), *command], cwd=directory, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr


# -- the program -----------------------------------------------------------------------------

def test_the_program_adopts_every_object_by_reference_and_bit_name() -> None:
    program = render([SNAP])
    assert '''moderators = PermissionGroup(
    "moderators",
    group_id=DEV,
    permission_group_id="@PMG#_mods",
    name="Moderators",
    permission=G.GroupMuteMember | G.SendGroupMessage,
    custom_string="tier=staff",
    adopt_existing=True,
    opts=pulumi.ResourceOptions(retain_on_delete=True),
)''' in program
    assert '''TopicPermission(
    "moderators-general",
    group_id=DEV,
    permission_group_id=moderators.permission_group_id,
    topic_id=general.topic_id,
    permission=T.SendTopicMessage | T.TopicAtAll,
    adopt_existing=True,
    opts=pulumi.ResourceOptions(retain_on_delete=True),
)''' in program
    # Bit 7 is not a topic right Tencent defines: kept as a remainder, with a comment.
    assert '''    permission_group_id=moderators.permission_group_id,
    topic_id=news.topic_id,
    # 0x80: bits Tencent does not define for topics, kept as the server holds them
    permission=T.SendTopicMessage | 0x80,''' in program
    assert '''PermissionGroupMembers(
    "moderators-members",
    group_id=DEV,
    permission_group_id=moderators.permission_group_id,
    members=[
        "alice",
        "bob",
    ],
    adopt_existing=True,''' in program
    assert '''CommunityPermissionSettings(
    "dev-settings",
    group_id=DEV,
    default_permission=G.SendGroupMessage | G.GroupAtAll,
    enable_permission_groups=True,''' in program
    assert '''general = Topic(
    "general",
    group_id=DEV,
    topic_id="@TGS#_dev@TOPIC#_general",
    topic_name="General",
    adopt_existing=True,''' in program
    assert 'DEV = "@TGS#_dev"' in program
    assert '''    permission_group_id="@PMG#_@PMG#x1",
    name="Readers",
    permission=G.GetGroupHistoryMessage,''' in program
    # Stack outputs: every permission group's and topic's ID, by variable.
    assert '''pulumi.export(
    "permission_group_ids",
    {
        "moderators": moderators.permission_group_id,
        "readers": readers.permission_group_id,
    },
)''' in program
    assert '"general": general.topic_id,' in program and '"news": news.topic_id,' in program
    # Every resource keeps its object on delete; the header says how to drop that.
    assert program.count(f"\n    {RETAIN},\n)") == 8
    assert "Once the team trusts this code, delete" in program.split("import pulumi")[0]
    # Imports from pulumi_tencentchat (and pulumi) only; no credential, no config read.
    imports = [n for n in ast.walk(ast.parse(program))
               if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert {getattr(n, "module", None) or n.names[0].name for n in imports} == {
        "pulumi", "pulumi_tencentchat"}
    assert "Config" not in program and "secret" not in program.lower()


def test_the_program_runs_with_the_real_resources_and_declares_the_server_state() -> None:
    program = render([SNAP])
    registered = run_program(lambda: exec(compile(program, "__main__.py", "exec"),  # noqa: S102
                                          {"__name__": "__main__"}))
    by_name = {r.name: r.plain_inputs() for r in registered}
    assert set(by_name) == {"dev-settings", "general", "news", "moderators", "readers",
                            "moderators-general", "moderators-news", "moderators-members"}
    assert by_name["moderators-news"] | {"__provider": None} == {
        "__provider": None, "group_id": GROUP, "permission_group_id": "@PMG#_mods",
        "topic_id": NEWS, "permission": 8 | 0x80, "adopt_existing": True}
    assert by_name["readers"]["permission_group_id"] == "@PMG#_@PMG#x1"
    assert by_name["readers"]["adopt_existing"] is True
    assert by_name["moderators-members"]["members"] == ["alice", "bob"]
    assert by_name["dev-settings"]["default_permission"] == 192
    assert view_of_program(run_recorded(program)) == view_of_server([SNAP])


def test_switched_off_permission_groups_declare_no_default() -> None:
    off = replace(SNAP, enable_permission_groups=False, default_permission=64,
                  permission_groups=(), topics=())
    program = render([off])
    assert '''    # Permission groups are switched off: the default permission (64) decides nothing
    # and is left as it is.
    default_permission=0,
    enable_permission_groups=False,''' in program
    assert "GroupPermission" not in program and "import (\n    CommunityPermissionSettings,\n)" \
        in program
    assert view_of_program(run_recorded(program))["settings"] == {GROUP: (False, 0)}


def test_member_lists_beyond_a_resources_limit_are_split() -> None:
    members = tuple(f"user{n:04}" for n in range(2345))
    big = replace(SNAP, permission_groups=(PermissionGroupSnapshot(
        "@PMG#_crowd", "Crowd", 0, members=members),))
    record = run_recorded(render([big]))
    lists = {name: kw["members"] for cls, name, kw in record.resources
             if cls == "PermissionGroupMembers"}
    assert {name: len(m) for name, m in lists.items()} == {
        "crowd-members": 1000, "crowd-members-2": 1000, "crowd-members-3": 345}
    assert sorted(a for m in lists.values() for a in m) == list(members)


def many_topics(count: int, unlisted: int = 0) -> CommunitySnapshot:
    topics = tuple(TopicSnapshot(f"{GROUP}@TOPIC#_t{n:04}", f"T{n}") for n in range(count))
    granted = {t.topic_id: 8 | 1 << (n % 64) for n, t in enumerate(topics)}
    granted |= {f"{GROUP}@TOPIC#_gone{n}": 8 for n in range(unlisted)}
    return replace(SNAP, topics=topics, permission_groups=(PermissionGroupSnapshot(
        "@PMG#_crowd", "Crowd", 0, topics=granted),))


@pytest.mark.parametrize(("count", "unlisted", "separate", "mappings"), [
    (SEPARATE_TOPICS_MAX, 0, SEPARATE_TOPICS_MAX, {}),
    (SEPARATE_TOPICS_MAX, 1, 0, {"crowd-topics": SEPARATE_TOPICS_MAX + 1}),
    (2345, 0, 0, {"crowd-topics": 1000, "crowd-topics-2": 1000, "crowd-topics-3": 345}),
], ids=["a-handful-separate", "more-one-mapping", "beyond-the-limit-split"])
def test_a_group_with_many_topics_becomes_one_topic_permissions(
        count: int, unlisted: int, separate: int, mappings: dict[str, int]) -> None:
    snapshot = many_topics(count, unlisted)
    program = render([snapshot])
    record = run_recorded(program)
    assert sum(cls == "TopicPermission" for cls, _n, _kw in record.resources) == separate
    assert {name: len(kw["permissions"]) for cls, name, kw in record.resources
            if cls == "TopicPermissions"} == mappings
    assert view_of_program(record) == view_of_server([snapshot])
    if unlisted:  # a topic the list does not show: its literal ID, with a note
        assert "# A topic the community's topic list does not show." in program
        assert f'"{GROUP}@TOPIC#_gone0": T.SendTopicMessage,' in program


def test_topic_permissions_run_with_the_real_resources() -> None:
    program = render([many_topics(SEPARATE_TOPICS_MAX + 1)])
    registered = run_program(lambda: exec(compile(program, "__main__.py", "exec"),  # noqa: S102
                                          {"__name__": "__main__"}))
    mapping = [r.plain_inputs() for r in registered if r.name == "crowd-topics"][0]
    assert mapping["adopt_existing"] is True and mapping["exclusive"] is False
    assert mapping["permissions"] == {f"{GROUP}@TOPIC#_t{n:04}": 8 | 1 << n for n in range(6)}


HOSTILE = [
    'say "hi"', "it's", "both ' and \"", "back\\slash\\", "two\nlines", "cr\rhere", "tab\there",
    "nul\x00byte", "\x1b[31mred\x1b[0m", "\u202eevil\u202c", "zero\u200bwidth", "bom\ufeff",
    "lone \ud800 surrogate", "管理员", "👩\u200d💻 team", "e\u0301 combining", '"""', "'''",
    "\\N{BULLET}", "{braces}", "# not a comment", '"); import os; os.system("x', "\u2028sep",
    "x" * 150, "长" * 50, ("word " * 600).strip(), "\\" * 7 + '"' * 5 + "'" * 3,
]


def hostile_snapshot(texts: list[str], seed: int = 0) -> CommunitySnapshot:
    rng = random.Random(seed)

    def text(n: int) -> str:
        return texts[(n + seed) % len(texts)]

    gid = f"@TGS#_h{seed}"
    topics = tuple(TopicSnapshot(f"{gid}@TOPIC#_t{n}", text(n), text(n + 1), text(n + 2),
                                 "https://x.example/a.png" if n % 2 else "", text(n + 3))
                   for n in range(6))
    groups = tuple(PermissionGroupSnapshot(
        f"@PMG#_g{n}", text(n + 4), rng.getrandbits(64), text(n + 5),
        {t.topic_id: rng.getrandbits(64) for t in topics[: n % 8]},
        tuple(f"acc'\"\\{n}_{m}" for m in range(n % 3))) for n in range(len(texts)))
    return CommunitySnapshot(gid, text(7), True, rng.getrandbits(64), topics,
                             groups)


def test_hostile_names_parse_and_carry_the_exact_value(tmp_path: Path) -> None:
    communities = [hostile_snapshot(HOSTILE, seed) for seed in range(3)]
    program = render(communities)
    ast.parse(program)
    assert view_of_program(run_recorded(program)) == view_of_server(communities)
    # Nothing invisible or layout-changing reaches the source: every such character is an
    # escape, so the file shows what the values hold.
    assert all(ch == "\n" or (ch.isprintable() and ch not in "\u200b\u202e\ufeff")
               for ch in program)
    (tmp_path / "__main__.py").write_text(program, encoding="utf-8")
    ruff(tmp_path)


def test_generated_programs_are_ruff_clean_and_formatted(tmp_path: Path) -> None:
    """Many layouts at once (one ruff run): long texts split into parts, long permissions
    one bit a line, wide characters, every quote mix."""
    rng = random.Random(7)
    alphabet = list("ab yz'\"\\\n\t长👩é\u0301\x1b\u202e_-.")
    for n in range(40):
        texts = ["".join(rng.choice(alphabet) for _ in range(rng.choice([1, 20, 70, 75, 80,
                                                                         84, 90, 300])))
                 for _ in range(12)]
        texts = [t if t.strip() else "x" for t in texts]
        (tmp_path / f"p{n}.py").write_text(render([hostile_snapshot(texts, n)]),
                                           encoding="utf-8")
    ruff(tmp_path)


# -- names -----------------------------------------------------------------------------------

def test_names_derive_from_object_names_and_are_unique_valid_identifiers() -> None:
    key = ("group", GROUP)
    names = assign_names([
        ((*key, "@PMG#_a"), "group", "Moderators"),
        ((*key, "@PMG#_cn"), "group", "管理员"),  # nothing transliterates: the ID's hash
        ((*key, "@PMG#_m1"), "group", "Mods"),  # shared: both get their ID's hash
        ((*key, "@PMG#_m2"), "group", "mods!"),
        ((*key, "@PMG#_kw"), "group", "class"),  # a keyword
        ((*key, "@PMG#_bi"), "group", "list"),  # a builtin
        ((*key, "@PMG#_d"), "group", "1st line"),
        ((*key, "@PMG#_e"), "group", "Café Crème"),
        ((*key, "@PMG#_l"), "group", "The very long name of a group"),
    ])
    assert list(names.values()) == [
        "moderators", "group_9b15e6", "mods_a7dd64", "mods_c15f5f", "class_2e666e",
        "list_b5cb2b", "group_1st_line", "cafe_creme", "the_very_long_name"]
    assert assign_names([(("community", "@TGS#_g"), "community", "g")], upper=True) == {
        ("community", "@TGS#_g"): "G_8697EB"}  # G is GroupPermission in the program


def test_the_same_server_state_gives_the_same_program() -> None:
    rng = random.Random(3)
    shuffled = replace(
        hostile_snapshot(HOSTILE),
        topics=tuple(rng.sample(hostile_snapshot(HOSTILE).topics, 6)),
        permission_groups=tuple(replace(g, members=tuple(reversed(g.members)), topics=dict(
            reversed(list(g.topics.items())))) for g in reversed(
                hostile_snapshot(HOSTILE).permission_groups)),
        taken_at="2030-01-01T00:00:00+00:00")
    assert render([shuffled]) == render([hostile_snapshot(HOSTILE)])
    assert render([SNAP, hostile_snapshot(HOSTILE)]) == render([hostile_snapshot(HOSTILE), SNAP])


# -- property: any snapshot ------------------------------------------------------------------

TEXT = st.text(st.characters(codec=None, exclude_categories=()), min_size=1, max_size=60)
IDS = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=20)


@st.composite
def snapshots(draw: st.DrawFn) -> list[CommunitySnapshot]:
    communities = []
    for group in draw(st.lists(IDS, min_size=1, max_size=2, unique=True)):
        gid = f"@TGS#_{group}"
        topic_ids = draw(st.lists(IDS, max_size=7, unique=True))
        topics = tuple(TopicSnapshot(f"{gid}@TOPIC#_{t}", draw(TEXT), draw(TEXT | st.just("")),
                                     "", "", draw(TEXT | st.just(""))) for t in topic_ids)
        known = [t.topic_id for t in topics] + [f"{gid}@TOPIC#_unlisted"]
        groups = tuple(PermissionGroupSnapshot(
            f"@PMG#_{pg}", draw(TEXT), draw(st.integers(0, 2**64 - 1)), draw(TEXT | st.just("")),
            draw(st.dictionaries(st.sampled_from(known), st.integers(0, 2**64 - 1),
                                 max_size=8)),
            tuple(draw(st.lists(IDS, max_size=3, unique=True))))
            for pg in draw(st.lists(IDS, max_size=4, unique=True)))
        communities.append(CommunitySnapshot(gid, draw(TEXT), draw(st.booleans()),
                                             draw(st.integers(0, 2**64 - 1)), topics, groups))
    return communities


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(snapshots())
def test_any_snapshot_gives_a_program_carrying_exactly_its_values(
        communities: list[CommunitySnapshot]) -> None:
    program = render(communities)
    tree = ast.parse(program)
    record = run_recorded(program)
    assert view_of_program(record) == view_of_server(communities)
    targets = [t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets
               if isinstance(t, ast.Name)]
    assert len(targets) == len(set(targets)) and all(t.isascii() for t in targets)
    for cls in RESOURCE_CLASSES:
        names = [name for c, name, _kw in record.resources if c == cls]
        assert len(names) == len(set(names)), cls
    assert sorted(record.outputs.get("permission_group_ids", {}).values()) == sorted(
        g.permission_group_id for c in communities for g in c.permission_groups)
    assert sorted(record.outputs.get("topic_ids", {}).values()) == sorted(
        t.topic_id for c in communities for t in c.topics)


def test_nothing_to_export_is_refused() -> None:
    with pytest.raises(ValueError, match="no community"):
        render([])
