"""An exported program applies cleanly against the community it came from (property test).

Random community setups are built in the emulator with raw client calls, exported
(``read_community`` + ``codegen.render``, what ``tencentchat export`` runs), and the generated
text is run as the program of the engine-ordered replay (``tests/support/engine.py``) through
the real plugin:

1. ``up`` makes reads only, and the stack's state is then the server's;
2. a second ``up`` makes no create, update, replace or delete step, and no API call;
3. one bit flipped in one permission of the program makes exactly one write call;
4. ``destroy`` (every resource retain_on_delete) makes no API call and leaves the server as
   it was.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.codegen import render
from pulumi_tencentchat.snapshot import read_community

from tests.support.emulator import DEV_SDKAPPID, DEV_SECRET_KEY, Calls, EmulatorProcess
from tests.support.engine import Stack
from tests.support.program import collect_mock_loops, restore_pickler

from .conftest import CLEAN_ENV, RATE, SECRET_CONFIG_KEYS, stack_config

GROUP = "@TGS#_export"
READS = frozenset({"get_group_info", "get_topic", "get_permission_group",
                   "get_topic_permission_group", "get_permission_group_member_list"})
TYPE = "pulumi-python:dynamic/tencentchat:"
#: Which write one changed permission of each resource makes.
WRITE_OF = {"PermissionGroup": "modify_permission_group",
            "TopicPermission": "set_topic_permission_group",
            "TopicPermissions": "set_topic_permission_group",
            "CommunityPermissionSettings": "modify_group_base_info"}

# Names the provider accepts, with what makes generated code hard: quotes, backslashes,
# accents, CJK, emoji, digits first, shared names.
ALPHABET = "abXY09 _-.'\"\\é管理👩"
TOPIC_NAMES = st.text(ALPHABET, min_size=1, max_size=7).filter(lambda s: s.strip())
NAMES = st.text(ALPHABET, min_size=1, max_size=30).filter(lambda s: s.strip()) | st.sampled_from(
    ["Moderators", "moderators", "class", "管理员"])
FREE_TEXT = st.text(ALPHABET + "\n\t", max_size=40)
PERMISSION = st.integers(0, 2047) | st.integers(0, 2**64 - 1)
ACCOUNTS = st.lists(st.sampled_from(["alice", "bob", "carol", "dave", "e.v-e_1", "x" * 32]),
                    max_size=5, unique=True)


@st.composite
def setups(draw: st.DrawFn) -> dict[str, Any]:
    topics = [{"custom_id": draw(st.booleans()), "name": draw(TOPIC_NAMES),
               "introduction": draw(FREE_TEXT), "custom_string": draw(FREE_TEXT)}
              for _ in range(draw(st.integers(0, 3) | st.just(7)))]
    # Every topic granted, or some: with 7 topics a group may exceed the export's
    # SEPARATE_TOPICS_MAX and become one TopicPermissions.
    every = st.fixed_dictionaries({i: PERMISSION for i in range(len(topics))})
    some = st.dictionaries(st.integers(0, max(len(topics) - 1, 0)), PERMISSION,
                           max_size=len(topics))
    groups = [{"custom_id": draw(st.booleans()), "name": draw(NAMES),
               "permission": draw(PERMISSION), "custom_string": draw(FREE_TEXT),
               "granted": draw(every | some),
               "members": draw(ACCOUNTS)}
              for _ in range(draw(st.integers(0, 4)))]
    return {"switch": draw(st.sampled_from(["on", "off", "off-after-a-default"])),
            "default": draw(PERMISSION), "topics": topics, "groups": groups}


def build(raw: TencentChatClient, setup: dict[str, Any]) -> None:
    """The community, made with raw calls as a console user would have."""
    raw.create_group(name="Export 'live' \"community\"", group_id=GROUP, support_topic=True)
    if setup["switch"] != "off":
        raw.modify_group_base_info(GROUP, enable_permission=True,
                                   default_permission=setup["default"])
    if setup["switch"] == "off-after-a-default":
        raw.modify_group_base_info(GROUP, enable_permission=False)
    topic_ids = [raw.create_topic(GROUP, t["name"],
                                  topic_id=f"{GROUP}@TOPIC#_t{n}" if t["custom_id"] else None,
                                  introduction=t["introduction"] or None,
                                  custom_string=t["custom_string"] or None)
                 for n, t in enumerate(setup["topics"])]
    for n, g in enumerate(setup["groups"]):
        pg = raw.create_permission_group(
            GROUP, g["name"], permission=g["permission"],
            permission_group_id=f"@PMG#_p{n}" if g["custom_id"] else None,
            custom_string=g["custom_string"] or None)
        if topic_ids and g["granted"]:
            raw.add_topic_permissions(GROUP, pg, {topic_ids[i]: p
                                                  for i, p in g["granted"].items()})
        if g["members"]:
            raw.add_permission_group_members(GROUP, pg, g["members"])


def server(raw: TencentChatClient) -> dict[str, Any]:
    info = raw.get_group_info([GROUP]).items[0]
    enabled = info.enable_permission == 1
    groups = list(raw.iter_permission_groups(GROUP))
    return {
        "settings": (enabled, int(info.default_permission or 0) if enabled else 0),
        "topics": {t.topic_id: (t.topic_name, t.introduction, t.notification, t.face_url,
                                t.custom_string) for t in raw.get_topics(GROUP).items},
        "groups": {g.permission_group_id: (g.name, int(g.permission), g.custom_string)
                   for g in groups},
        "granted": {(g.permission_group_id, t.topic_id): int(t.permission or 0)
                    for g in groups
                    for t in raw.get_topic_permissions(GROUP, g.permission_group_id).items},
        "members": {(g.permission_group_id, a) for g in groups
                    for a in raw.iter_permission_group_members(GROUP, g.permission_group_id)},
    }


def state(stack: Stack) -> dict[str, Any]:
    """The same view from the stack's live state."""
    live = [(r.type.removeprefix(TYPE), r.outputs) for r in stack.snapshot.live()]
    settings_ = [(o["enable_permission_groups"], int(o["default_permission"]))
                 for kind, o in live if kind == "CommunityPermissionSettings"]
    return {
        "settings": settings_[0] if len(settings_) == 1 else settings_,
        "topics": {o["topic_id"]: tuple(o[f] for f in ("topic_name", "introduction",
                                                        "notification", "face_url",
                                                        "custom_string"))
                   for kind, o in live if kind == "Topic"},
        "groups": {o["permission_group_id"]: (o["name"], int(o["permission"]),
                                              o["custom_string"])
                   for kind, o in live if kind == "PermissionGroup"},
        "granted": {
            **{(o["permission_group_id"], o["topic_id"]): int(o["permission"])
               for kind, o in live if kind == "TopicPermission"},
            **{(o["permission_group_id"], topic): int(bits) for kind, o in live
               if kind == "TopicPermissions" for topic, bits in o["permissions"].items()}},
        "members": {(o["permission_group_id"], a) for kind, o in live
                    if kind == "PermissionGroupMembers" for a in o["members"]},
    }


def as_program(source: str) -> Callable[[], None]:
    return lambda: exec(compile(source, "__main__.py", "exec"),  # noqa: S102
                        {"__name__": "__main__"})


def flip_one_bit(source: str, index: int, bit: int,
                 only: str | None = None) -> tuple[str, str, str] | None:
    """The program with bit ``bit`` of the ``index``-th permission (of class ``only``, if
    given) flipped: (source, class, resource name); None when the program declares no
    permission that may change."""
    tree = ast.parse(source)
    candidates = [c for c in permissions_in(tree) if only in (None, c[0])]
    if not candidates:
        return None
    cls, name, kw = candidates[index % len(candidates)]
    kw.value = ast.BinOp(kw.value, ast.BitXor(), ast.Constant(1 << bit))
    return ast.unparse(tree), cls, name


class _Entry:
    """A value of a mapping literal, with ``value`` like an ``ast.keyword``'s."""

    def __init__(self, mapping: ast.Dict, index: int) -> None:
        self.mapping, self.index = mapping, index

    @property
    def value(self) -> ast.expr:
        return self.mapping.values[self.index]

    @value.setter
    def value(self, node: ast.expr) -> None:
        self.mapping.values[self.index] = node


def permissions_in(tree: ast.Module) -> list[tuple[str, str, Any]]:
    """(class, resource name, keyword or mapping entry) of every permission the program
    declares that may change (a community's default only while its permission groups are
    switched on; each topic of a ``TopicPermissions``)."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in WRITE_OF):
            continue
        switched_off = any(kw.arg == "enable_permission_groups" and isinstance(
            kw.value, ast.Constant) and kw.value.value is False for kw in node.keywords)
        for kw in node.keywords:
            name = node.args[0].value  # type: ignore[attr-defined]
            if kw.arg in ("permission", "default_permission") and not switched_off:
                found.append((node.func.id, name, kw))
            elif kw.arg == "permissions" and isinstance(kw.value, ast.Dict):
                found += [(node.func.id, name, _Entry(kw.value, i))
                          for i in range(len(kw.value.values))]
    return found


@pytest.fixture(autouse=True, scope="module")
def unwrapped_pickler() -> Iterator[None]:
    yield
    restore_pickler()


@pytest.fixture(scope="module")
def raw(emulator_process: EmulatorProcess) -> Iterator[TencentChatClient]:
    client = TencentChatClient(DEV_SDKAPPID, secret_key=DEV_SECRET_KEY,
                               endpoint=emulator_process.url, requests_per_second=float(RATE))
    yield client
    client.close()


@pytest.mark.timeout(1200)
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(setup=setups(), index=st.integers(0, 50), bit=st.integers(0, 63))
def test_an_exported_community_applies_without_a_write_and_destroys_without_a_call(
        emulator_process: EmulatorProcess, raw: TencentChatClient, setup: dict[str, Any],
        index: int, bit: int) -> None:
    source, flipped = round_trip(emulator_process, raw, setup, index, bit)
    event(f"flipped a bit of a {flipped or 'nothing'}")
    event(f"TopicPermissions exported: {'TopicPermissions(' in source}")


def test_a_group_with_many_topics_is_exported_and_adopted_as_one_topic_permissions(
        emulator_process: EmulatorProcess, raw: TencentChatClient) -> None:
    topics = [{"custom_id": n % 2 == 0, "name": f"t{n}", "introduction": "",
               "custom_string": ""} for n in range(7)]
    setup = {"switch": "on", "default": 64, "topics": topics, "groups": [
        {"custom_id": True, "name": "Many", "permission": 0, "custom_string": "",
         "granted": {n: 8 | (1 << n) for n in range(7)}, "members": []},
        {"custom_id": False, "name": "Few", "permission": 1, "custom_string": "",
         "granted": {0: 8, 1: 72}, "members": ["alice"]}]}
    source, flipped = round_trip(emulator_process, raw, setup, index=3, bit=2,
                                 only="TopicPermissions")
    assert source.count("TopicPermissions(") == 1 and source.count("TopicPermission(") == 2
    assert flipped == "TopicPermissions"  # one topic's bit: one set call, one update


def round_trip(emulator_process: EmulatorProcess, raw: TencentChatClient,
               setup: dict[str, Any], index: int, bit: int,
               only: str | None = None) -> tuple[str, str | None]:
    """Build, export, adopt, re-apply, flip one bit, destroy (the module's four claims);
    returns the generated program and the class whose permission was flipped."""
    restore_pickler()
    collect_mock_loops()
    emulator_process.reset()
    build(raw, setup)
    before = server(raw)
    source = render([read_community(raw, GROUP)])
    stack = Stack(stack_config(emulator_process.url), secret_keys=SECRET_CONFIG_KEYS,
                  plugin_env=CLEAN_ENV)
    calls = Calls(emulator_process).mark()

    outcome = stack.up(as_program(source))
    assert set(calls.commands()) <= READS, calls.commands()  # adopting writes nothing
    assert not outcome.ops("update") and not outcome.ops("delete")
    assert state(stack) == server(raw) == before

    calls.mark()
    outcome = stack.up(as_program(source))  # what a following preview would show: nothing
    assert {method for method, _urn in outcome.calls} <= {"check", "diff"}
    assert calls.since() == 0

    flipped = flip_one_bit(source, index, bit, only)
    if flipped is not None:
        changed, cls, name = flipped
        calls.mark()
        outcome = stack.up(as_program(changed))
        assert calls.commands().keys() - READS == {WRITE_OF[cls]}
        assert calls.commands()[WRITE_OF[cls]] == 1  # exactly one write
        assert outcome.ops("update") == [name]
        assert state(stack) == server(raw) != before

    after = server(raw)
    calls.mark()
    stack.destroy()
    assert calls.since() == 0 and server(raw) == after  # retain_on_delete: left alone
    assert stack.last.deleted == [] and stack.snapshot.resources == []
    return source, flipped[1] if flipped else None
