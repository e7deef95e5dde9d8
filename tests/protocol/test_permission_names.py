"""Bit names in previews, through the real plugin in the engine's order.

The CLI displays a change of a dynamic resource as the difference between its old outputs and
its new checked inputs; both carry ``permission_names`` (``default_permission_names``), so a
preview names the bits that change. State written before the names existed has none: it must
preview, update and refresh without a change of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pulumi_tencentchat import CommunityPermissionSettings, PermissionGroup, TopicPermission
from pulumi_tencentchat.client import TencentChatClient

from tests.support.emulator import Calls, EmulatorProcess
from tests.support.engine import Stack

from .conftest import CLEAN_ENV, GROUP_ID, SECRET_CONFIG_KEYS, TOPIC_GENERAL, stack_config

NAMES = ("permission_names", "default_permission_names")


@pytest.fixture
def stack(emulator: EmulatorProcess, community: str) -> Iterator[Stack]:
    yield Stack(stack_config(emulator.url), secret_keys=SECRET_CONFIG_KEYS, plugin_env=CLEAN_ENV)


def program(group: int = 98, topic: int = 8, default: int = 256) -> Callable[[], None]:
    def run() -> None:
        CommunityPermissionSettings("defaults", group_id=GROUP_ID, default_permission=default)
        mods = PermissionGroup("mods", group_id=GROUP_ID, permission_group_id="@PMG#_mods",
                               name="Mods", permission=group)
        TopicPermission("mods-general", group_id=GROUP_ID,
                        permission_group_id=mods.permission_group_id, topic_id=TOPIC_GENERAL,
                        permission=topic)
    return run


def strip_names(stack: Stack) -> None:
    """Make the stack's state look as an earlier release wrote it."""
    for r in stack.snapshot.resources:
        r.inputs = {k: v for k, v in r.inputs.items() if k not in NAMES}
        r.outputs = {k: v for k, v in r.outputs.items() if k not in NAMES}


def test_a_preview_names_the_bits_that_change(stack: Stack, raw: TencentChatClient) -> None:
    stack.up(program())
    assert stack.snapshot.get("mods").outputs["permission_names"] == [
        "ManageGroupMember", "GroupMuteMember", "SendGroupMessage"]
    assert stack.snapshot.get("mods").inputs["permission_names"] == [
        "ManageGroupMember", "GroupMuteMember", "SendGroupMessage"]
    assert stack.snapshot.get("defaults").outputs["default_permission_names"] == [
        "GetGroupHistoryMessage"]

    outcome = stack.preview(program(group=98 | 128, topic=8 | 64, default=256 | 64))
    assert sorted(outcome.shown) == ["defaults", "mods", "mods-general"]
    old, new = outcome.shown["mods"]
    assert (old["permission"], new["permission"]) == (98, 226)
    assert old["permission_names"] == ["ManageGroupMember", "GroupMuteMember",
                                       "SendGroupMessage"]
    assert new["permission_names"] == ["ManageGroupMember", "GroupMuteMember",
                                       "SendGroupMessage", "GroupAtAll"]
    old, new = outcome.shown["mods-general"]
    assert (old["permission_names"], new["permission_names"]) == (
        ["SendTopicMessage"], ["SendTopicMessage", "TopicAtAll"])
    old, new = outcome.shown["defaults"]
    assert (old["default_permission_names"], new["default_permission_names"]) == (
        ["GetGroupHistoryMessage"], ["SendGroupMessage", "GetGroupHistoryMessage"])
    # A preview changes nothing.
    assert {g.permission_group_id: g.permission for g in raw.iter_permission_groups(GROUP_ID)
            } == {"@PMG#_mods": 98}


def test_a_preview_of_a_new_resource_shows_its_names(stack: Stack) -> None:
    outcome = stack.preview(program(group=(1 << 40) | 1))
    old, new = outcome.shown["mods"]
    assert old == {} and new["permission_names"] == ["ManageGroupInfo", "bit40"]


def test_state_without_names_previews_updates_and_refreshes_clean(
        stack: Stack, raw: TencentChatClient, emulator: EmulatorProcess) -> None:
    stack.up(program())
    strip_names(stack)
    calls = Calls(emulator).mark()

    preview = stack.preview(program())
    assert preview.shown == {} and sorted(preview.ops("diff")) == [
        "defaults", "mods", "mods-general"]  # registration order may vary
    up = stack.up(program())
    assert up.ops("update") == [] and up.ops("create") == [] and up.ops("delete") == []
    assert calls.writes() == {}
    # An unchanged resource keeps its old outputs (a same step); refresh brings the names.
    assert "permission_names" not in stack.snapshot.get("mods").outputs
    refresh = stack.refresh()
    assert refresh.drift == []
    assert stack.snapshot.get("mods").outputs["permission_names"] == [
        "ManageGroupMember", "GroupMuteMember", "SendGroupMessage"]
    assert stack.snapshot.get("defaults").outputs["default_permission_names"] == [
        "GetGroupHistoryMessage"]

    # And a real change to such state is an update in place, never a replacement.
    strip_names(stack)
    changed = stack.up(program(group=226))
    assert changed.ops("update") == ["mods"] and changed.ops("delete") == []
    assert stack.snapshot.get("mods").outputs["permission_names"][-1] == "GroupAtAll"
    assert {g.permission_group_id: g.permission for g in raw.iter_permission_groups(GROUP_ID)
            } == {"@PMG#_mods": 226}
