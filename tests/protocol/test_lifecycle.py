"""Engine flows replayed against the real dynamic-provider plugin and the emulator.

Every call is ordered as the engine orders it: Check -> Create for a new resource; Check ->
Diff -> Update (or, for a replacement, Delete old and Create new) for a changed one; Read,
then Diff with the refreshed outputs as olds, on refresh; Delete on destroy. State between
steps is what the plugin returned (numbers come back as floats), never what the test thinks
it should be.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pulumi.runtime import mocks
from pulumi_tencentchat import (
    GroupPermission,
    PermissionGroup,
    PermissionGroupMembers,
    TopicPermission,
    TopicPermissionBit,
)
from pulumi_tencentchat.client import TencentChatClient

from tests.support.plugin import PROVIDER_KEY, UNKNOWN, PluginCallError, PluginProcess

from .conftest import (
    GROUP_ID,
    MEMBERS_TYPE,
    PG_TYPE,
    TOPIC_GENERAL,
    TOPIC_NEWS,
    TP_TYPE,
    Calls,
    Declared,
    State,
    declare,
    declare_one,
    up_create,
)

G = GroupPermission
T = TopicPermissionBit
SEND = int(G.SendGroupMessage | G.GetGroupHistoryMessage)  # 320


def pg(resource_name: str, pg_id: str | None = None, **kwargs: Any) -> Declared:
    kwargs.setdefault("name", resource_name.title())
    return declare_one(lambda: PermissionGroup(resource_name, group_id=GROUP_ID,
                                               permission_group_id=pg_id, **kwargs))


def tp(resource_name: str, pg_id: str, topic_id: str, permission: Any) -> Declared:
    return declare_one(lambda: TopicPermission(resource_name, group_id=GROUP_ID,
                                               permission_group_id=pg_id, topic_id=topic_id,
                                               permission=permission))


def server_pg(raw: TencentChatClient, pg_id: str) -> Any:
    items = [i for i in raw.get_permission_groups(GROUP_ID, [pg_id]).items if i.ok]
    return items[0] if items else None


def server_topic_permissions(raw: TencentChatClient, pg_id: str) -> dict[str, int]:
    result = raw.get_topic_permissions(GROUP_ID, pg_id)
    return {i.topic_id: int(i.permission or 0) for i in result.items if i.ok}


def up_update(plugin: PluginProcess, state: State, declared: Declared) -> tuple[State, Any]:
    """`pulumi up` of an existing resource: Check(olds=old inputs) -> Diff -> Update if needed."""
    checked = plugin.check(state.urn, state.inputs, declared.inputs)
    assert checked.failures == []
    diff = plugin.diff(state.urn, state.id, state.outs, checked.inputs, old_inputs=state.inputs)
    if diff.changes != "some" or diff.replaces:
        return state, diff
    outs = plugin.update(state.urn, state.id, state.outs, checked.inputs,
                         old_inputs=state.inputs)
    return State(state.urn, state.id, checked.inputs, outs), diff


# -- preview -----------------------------------------------------------------------------------


def unknown_in_preview(args: mocks.MockResourceArgs) -> tuple[str, dict[str, Any]] | None:
    """Preview mocks: a new permission group's outputs are unknown until it exists."""
    return ("", {}) if args.typ == PG_TYPE else None


def preview_program() -> None:
    new = PermissionGroup("prev-new", group_id=GROUP_ID, name="New",
                          permission=["SendGroupMessage"])
    TopicPermission("prev-new-tp", group_id=GROUP_ID, permission_group_id=new.permission_group_id,
                    topic_id=TOPIC_NEWS, permission=T.SendTopicMessage)


def test_preview_check_lets_unknown_inputs_through(
        plugin: PluginProcess, raw: TencentChatClient, calls: Calls) -> None:
    # Regression: the host hands Check pulumi.output.Unknown objects, not the wire string.
    declared = declare(preview_program, preview=True, state_fn=unknown_in_preview)
    new_pg, new_tp = declared["prev-new"], declared["prev-new-tp"]
    assert new_tp.inputs["permission_group_id"] == UNKNOWN

    # New resources: Check only (the engine never previews a dynamic provider's Create).
    checked_pg = plugin.check(new_pg.urn, {}, new_pg.inputs)
    assert checked_pg.failures == []
    assert checked_pg.inputs["permission"] == float(G.SendGroupMessage)
    checked_tp = plugin.check(new_tp.urn, {}, new_tp.inputs)
    assert checked_tp.failures == []
    assert checked_tp.inputs["permission_group_id"] == UNKNOWN
    assert checked_tp.inputs["topic_id"] == TOPIC_NEWS
    assert checked_tp.inputs["permission"] == float(T.SendTopicMessage)
    # Known values are still validated next to an unknown one.
    bad = {**new_tp.inputs, "topic_id": "@TGS#_elsewhere@TOPIC#_x"}
    failures = plugin.check(new_tp.urn, {}, bad).failures
    assert [f.property for f in failures] == ["topic_id"]
    assert calls.since() == 0
    assert server_pg(raw, new_pg.inputs["permission_group_id"]) is None


def test_preview_diffs_unknowns_as_changes_without_rest_calls(
        plugin: PluginProcess, raw: TencentChatClient, calls: Calls) -> None:
    existing_pg = up_create(plugin, pg("prev-old", "@PMG#_prev_old", permission=SEND))
    existing_tp = up_create(plugin, tp("prev-old-tp", "@PMG#_prev_old", TOPIC_GENERAL, 8))
    calls.mark()

    # The new permission group of the preview program is fully known: Check passes.
    new_pg = declare(preview_program, preview=True, state_fn=unknown_in_preview)["prev-new"]
    checked = plugin.check(new_pg.urn, {}, new_pg.inputs)
    assert checked.failures == []
    assert checked.inputs["permission"] == float(G.SendGroupMessage)

    # An existing topic permission whose permission group becomes unknown: a replacement.
    news = {**existing_tp.inputs, "permission_group_id": UNKNOWN}
    diff = plugin.diff(existing_tp.urn, existing_tp.id, existing_tp.outs, news,
                       old_inputs=existing_tp.inputs)
    assert (diff.changes, diff.replaces) == ("some", ["permission_group_id"])
    # ... whose permission becomes unknown: an in-place update.
    news = {**existing_tp.inputs, "permission": UNKNOWN}
    diff = plugin.diff(existing_tp.urn, existing_tp.id, existing_tp.outs, news,
                       old_inputs=existing_tp.inputs)
    assert (diff.changes, diff.replaces) == ("some", [])

    # An existing permission group whose name becomes unknown: an in-place update.
    news = {**existing_pg.inputs, "name": UNKNOWN}
    diff = plugin.diff(existing_pg.urn, existing_pg.id, existing_pg.outs, news,
                       old_inputs=existing_pg.inputs)
    assert (diff.changes, diff.replaces) == ("some", [])
    # Known and unchanged: nothing to do.
    diff = plugin.diff(existing_pg.urn, existing_pg.id, existing_pg.outs, existing_pg.inputs)
    assert diff.changes == "none"

    assert calls.since() == 0
    assert server_pg(raw, new_pg.inputs["permission_group_id"]) is None


# -- create ------------------------------------------------------------------------------------


def test_create_makes_one_call_each_and_objects_exist(
        plugin: PluginProcess, raw: TencentChatClient, calls: Calls) -> None:
    declared = pg("creators", permission=["SendGroupMessage", "GetGroupHistoryMessage"],
                  custom_string="tier=1")
    pg_id = declared.inputs["permission_group_id"]
    assert pg_id.startswith("@PMG#_creators-")  # auto-named by the program

    state = up_create(plugin, declared)
    assert calls.commands() == {"create_permission_group": 1}
    assert state.id == f"{GROUP_ID}/{pg_id}"
    assert state.outs["member_count"] == 0.0
    assert state.outs["name"] == "Creators"
    assert state.outs["permission"] == float(SEND)
    assert state.outs["custom_string"] == "tier=1"
    assert state.outs[PROVIDER_KEY] == declared.inputs[PROVIDER_KEY]
    item = server_pg(raw, pg_id)
    assert (item.name, item.permission, item.custom_string) == ("Creators", SEND, "tier=1")

    calls.mark()
    topic = up_create(plugin, tp("creators-general", pg_id, TOPIC_GENERAL,
                                 T.SendTopicMessage | T.GetTopicHistoryMessage))
    assert calls.commands() == {"add_topic_permission_group": 1}
    assert topic.id == f"{pg_id}/{TOPIC_GENERAL}"
    assert topic.outs["permission"] == 24.0
    assert server_topic_permissions(raw, pg_id) == {TOPIC_GENERAL: 24}


def test_create_members_adds_the_listed_accounts(
        plugin: PluginProcess, new_plugin: Callable[[], PluginProcess], raw: TencentChatClient,
        calls: Calls) -> None:
    up_create(plugin, pg("team", "@PMG#_team"))
    state = up_create(plugin, declare_one(lambda: PermissionGroupMembers(
        "team-members", group_id=GROUP_ID, permission_group_id="@PMG#_team",
        members=["alice", "bob"])))
    assert state.id == f"{GROUP_ID}/@PMG#_team/members"
    assert sorted(raw.iter_permission_group_members(GROUP_ID, "@PMG#_team")) == ["alice", "bob"]

    # Update: drop bob, add carol; only the difference changes.
    later = declare_one(lambda: PermissionGroupMembers(
        "team-members", group_id=GROUP_ID, permission_group_id="@PMG#_team",
        members=["carol", "alice"]))
    assert later.urn.endswith(f"{MEMBERS_TYPE}::team-members")
    plugin = new_plugin()  # the next `pulumi up`
    state, diff = up_update(plugin, state, later)
    assert (diff.changes, diff.replaces) == ("some", [])
    assert sorted(raw.iter_permission_group_members(GROUP_ID, "@PMG#_team")) == ["alice", "carol"]

    # Reordering the list is no change.
    reordered = declare_one(lambda: PermissionGroupMembers(
        "team-members", group_id=GROUP_ID, permission_group_id="@PMG#_team",
        members=["alice", "carol"]))
    _same, diff = up_update(new_plugin(), state, reordered)
    assert diff.changes == "none"

    new_plugin().delete(state.urn, state.id, state.outs, old_inputs=state.inputs)
    assert list(raw.iter_permission_group_members(GROUP_ID, "@PMG#_team")) == []


def test_permission_above_2_pow_53_survives_the_wire(
        plugin: PluginProcess, raw: TencentChatClient, calls: Calls) -> None:
    big = (1 << 60) | int(G.SendGroupMessage) | 1
    declared = pg("big", "@PMG#_big", permission=big)
    assert declared.inputs["permission"] == str(big)
    state = up_create(plugin, declared)
    assert state.outs["permission"] == str(big)
    assert server_pg(raw, "@PMG#_big").permission == big

    same = pg("big", "@PMG#_big", permission=big)
    _state, diff = up_update(plugin, state, same)
    assert diff.changes == "none"


# -- no-op -------------------------------------------------------------------------------------


def test_unchanged_program_diffs_to_none_without_rest_calls(
        plugin: PluginProcess, calls: Calls) -> None:
    group = up_create(plugin, pg("steady", permission=G.SendGroupMessage | G.GroupAtAll))
    pg_id = group.inputs["permission_group_id"]
    topic = up_create(plugin, tp("steady-general", pg_id, TOPIC_GENERAL, ["TopicAtAll"]))
    assert isinstance(group.outs["permission"], float)  # state numbers are floats
    calls.mark()

    _g, diff = up_update(plugin, group, pg("steady", permission=["SendGroupMessage",
                                                                 "GroupAtAll"]))
    assert (diff.changes, diff.replaces) == ("none", [])
    _t, diff = up_update(plugin, topic, tp("steady-general", pg_id, TOPIC_GENERAL, 64))
    assert (diff.changes, diff.replaces) == ("none", [])
    assert calls.since() == 0


# -- in-place update ---------------------------------------------------------------------------


def test_rename_updates_in_place_and_sends_only_the_name(
        plugin: PluginProcess, raw: TencentChatClient, calls: Calls) -> None:
    state = up_create(plugin, pg("renamed", "@PMG#_renamed", name="Before", permission=SEND))
    # Someone changed the permission since; the rename must not write it back.
    raw.modify_permission_group(GROUP_ID, "@PMG#_renamed", permission=1)
    calls.mark()

    new_state, diff = up_update(plugin, state, pg("renamed", "@PMG#_renamed", name="After",
                                                  permission=SEND))
    assert (diff.changes, diff.replaces) == ("some", [])
    assert calls.commands() == {"modify_permission_group": 1}
    assert new_state.id == state.id
    assert new_state.outs["name"] == "After"
    assert new_state.outs["member_count"] == 0.0
    item = server_pg(raw, "@PMG#_renamed")
    assert item.name == "After"
    assert item.permission == 1  # untouched: only the changed field was sent


def test_permission_change_updates_in_place(
        plugin: PluginProcess, raw: TencentChatClient, calls: Calls) -> None:
    group = up_create(plugin, pg("perm", "@PMG#_perm", permission=SEND, custom_string="keep"))
    topic = up_create(plugin, tp("perm-general", "@PMG#_perm", TOPIC_GENERAL, 8))

    group, diff = up_update(plugin, group, pg("perm", "@PMG#_perm", permission=G.GroupAtAll,
                                              custom_string="keep"))
    assert (diff.changes, diff.replaces) == ("some", [])
    assert group.outs["permission"] == float(G.GroupAtAll)
    item = server_pg(raw, "@PMG#_perm")
    assert (item.name, item.permission, item.custom_string) == ("Perm", 128, "keep")

    topic, diff = up_update(plugin, topic, tp("perm-general", "@PMG#_perm", TOPIC_GENERAL,
                                              ["SendTopicMessage", "TopicAtAll"]))
    assert (diff.changes, diff.replaces) == ("some", [])
    assert topic.outs["permission"] == 72.0
    assert server_topic_permissions(raw, "@PMG#_perm") == {TOPIC_GENERAL: 72}


# -- replace -----------------------------------------------------------------------------------


def replace(plugin: PluginProcess, state: State, declared: Declared) -> tuple[State, list[str]]:
    """The engine's replacement when Diff asks to delete first (step_generator.go:2047-2157):
    Check, Diff, a fresh Check with no olds (2007), Delete the old object, Create the new."""
    checked = plugin.check(state.urn, state.inputs, declared.inputs)
    assert checked.failures == []
    diff = plugin.diff(state.urn, state.id, state.outs, checked.inputs, old_inputs=state.inputs)
    assert diff.changes == "some" and diff.delete_before_replace is True
    fresh = plugin.check(state.urn, {}, declared.inputs)
    plugin.delete(state.urn, state.id, state.outs, old_inputs=state.inputs)
    rid, outs = plugin.create(state.urn, fresh.inputs)
    return State(state.urn, rid, fresh.inputs, outs), diff.replaces


def test_topic_change_replaces_delete_before_create(
        plugin: PluginProcess, new_plugin: Callable[[], PluginProcess], raw: TencentChatClient,
        calls: Calls) -> None:
    up_create(plugin, pg("mover", "@PMG#_mover"))
    old = up_create(plugin, tp("mover-topic", "@PMG#_mover", TOPIC_GENERAL, 24))

    new, replaces = replace(new_plugin(), old, tp("mover-topic", "@PMG#_mover", TOPIC_NEWS, 24))
    assert replaces == ["topic_id"]
    assert new.id == f"@PMG#_mover/{TOPIC_NEWS}" != old.id
    assert server_topic_permissions(raw, "@PMG#_mover") == {TOPIC_NEWS: 24}


def test_permission_group_id_change_replaces(
        plugin: PluginProcess, new_plugin: Callable[[], PluginProcess], raw: TencentChatClient,
        calls: Calls) -> None:
    old = up_create(plugin, pg("swap", "@PMG#_swap_a", permission=SEND))
    new, replaces = replace(new_plugin(), old, pg("swap", "@PMG#_swap_b", permission=SEND))
    assert replaces == ["permission_group_id"]
    assert new.id == f"{GROUP_ID}/@PMG#_swap_b"
    assert server_pg(raw, "@PMG#_swap_a") is None
    assert server_pg(raw, "@PMG#_swap_b").permission == SEND


# -- refresh -----------------------------------------------------------------------------------


def test_refresh_reports_drift_and_update_restores(
        plugin: PluginProcess, raw: TencentChatClient, calls: Calls) -> None:
    declared = pg("drift", "@PMG#_drift", name="Declared", permission=SEND,
                  custom_string="declared")
    group = up_create(plugin, declared)
    raw.modify_permission_group(GROUP_ID, "@PMG#_drift", name="Console", permission=1,
                                custom_string="console")
    raw.add_permission_group_members(GROUP_ID, "@PMG#_drift", ["dora"])

    # pulumi refresh: Read with the old outputs and inputs ...
    read = plugin.read(group.urn, group.id, group.outs, inputs=group.inputs)
    assert read.id == group.id
    assert (read.outs["name"], read.outs["permission"], read.outs["custom_string"]) == (
        "Console", 1.0, "console")
    assert read.outs["member_count"] == 1.0
    assert read.inputs is not None and read.inputs["name"] == "Console"
    assert "member_count" not in read.inputs
    # ... then Diff in the refresh direction: refreshed outputs against the old inputs.
    refresh_diff = plugin.diff(group.urn, read.id, read.outs, group.inputs,
                               old_inputs=read.inputs)
    assert (refresh_diff.changes, refresh_diff.replaces) == ("some", [])

    # The next pulumi up starts from the refreshed state and puts the declared values back.
    refreshed = State(group.urn, read.id, read.inputs, read.outs)
    restored, diff = up_update(plugin, refreshed, declared)
    assert (diff.changes, diff.replaces) == ("some", [])
    item = server_pg(raw, "@PMG#_drift")
    assert (item.name, item.permission, item.custom_string) == ("Declared", SEND, "declared")
    assert restored.outs["member_count"] == 1.0


def test_refresh_of_topic_permission_drift(
        plugin: PluginProcess, raw: TencentChatClient, calls: Calls) -> None:
    up_create(plugin, pg("tdrift", "@PMG#_tdrift"))
    declared = tp("tdrift-general", "@PMG#_tdrift", TOPIC_GENERAL, 24)
    topic = up_create(plugin, declared)
    raw.set_topic_permissions(GROUP_ID, "@PMG#_tdrift", {TOPIC_GENERAL: 127})

    read = plugin.read(topic.urn, topic.id, topic.outs, inputs=topic.inputs)
    assert read.id == topic.id and read.outs["permission"] == 127.0
    assert read.inputs is not None and read.inputs["permission"] == 127.0
    diff = plugin.diff(topic.urn, read.id, read.outs, topic.inputs, old_inputs=read.inputs)
    assert (diff.changes, diff.replaces) == ("some", [])

    _restored, diff = up_update(plugin, State(topic.urn, read.id, read.inputs, read.outs),
                                declared)
    assert diff.changes == "some"
    assert server_topic_permissions(raw, "@PMG#_tdrift") == {TOPIC_GENERAL: 24}


def test_refresh_without_drift_is_no_change(plugin: PluginProcess, calls: Calls) -> None:
    group = up_create(plugin, pg("calm", "@PMG#_calm", permission=SEND))
    read = plugin.read(group.urn, group.id, group.outs, inputs=group.inputs)
    assert read.outs == group.outs
    diff = plugin.diff(group.urn, read.id, read.outs, group.inputs, old_inputs=read.inputs)
    assert diff.changes == "none"


def test_refresh_after_out_of_band_delete_drops_the_resource(
        plugin: PluginProcess, raw: TencentChatClient, calls: Calls) -> None:
    group = up_create(plugin, pg("gone", "@PMG#_gone"))
    topic = up_create(plugin, tp("gone-general", "@PMG#_gone", TOPIC_GENERAL, 8))
    other = up_create(plugin, pg("gone-too", "@PMG#_gone_too"))

    raw.delete_topic_permissions(GROUP_ID, "@PMG#_gone", [TOPIC_GENERAL])
    assert plugin.read(topic.urn, topic.id, topic.outs, inputs=topic.inputs).id == ""
    raw.destroy_permission_groups(GROUP_ID, ["@PMG#_gone_too"])
    assert plugin.read(other.urn, other.id, other.outs, inputs=other.inputs).id == ""
    # The group itself is still there.
    assert plugin.read(group.urn, group.id, group.outs, inputs=group.inputs).id == group.id


# -- delete ------------------------------------------------------------------------------------


def test_delete_removes_and_is_idempotent(
        plugin: PluginProcess, new_plugin: Callable[[], PluginProcess], raw: TencentChatClient,
        calls: Calls) -> None:
    group = up_create(plugin, pg("doomed", "@PMG#_doomed"))
    topic = up_create(plugin, tp("doomed-general", "@PMG#_doomed", TOPIC_GENERAL, 8))
    plugin = new_plugin()  # `pulumi destroy`

    # The engine deletes dependents first.
    plugin.delete(topic.urn, topic.id, topic.outs, old_inputs=topic.inputs)
    assert server_topic_permissions(raw, "@PMG#_doomed") == {}
    plugin.delete(topic.urn, topic.id, topic.outs, old_inputs=topic.inputs)

    plugin.delete(group.urn, group.id, group.outs, old_inputs=group.inputs)
    assert server_pg(raw, "@PMG#_doomed") is None
    plugin.delete(group.urn, group.id, group.outs, old_inputs=group.inputs)
    # A topic permission whose group is already gone also deletes cleanly.
    plugin.delete(topic.urn, topic.id, topic.outs, old_inputs=topic.inputs)


# -- adoption ----------------------------------------------------------------------------------


def test_existing_group_needs_adopt_existing(
        plugin: PluginProcess, raw: TencentChatClient, calls: Calls) -> None:
    raw.create_permission_group(GROUP_ID, "Legacy", permission=1,
                                permission_group_id="@PMG#_legacy", custom_string="old")

    refused = pg("legacy", "@PMG#_legacy", name="Managed", permission=SEND)
    checked = plugin.check(refused.urn, {}, refused.inputs)
    assert checked.failures == []
    with pytest.raises(PluginCallError) as err:
        plugin.create(refused.urn, checked.inputs)
    details = err.value.details
    assert "adopt_existing" in details and "@PMG#_legacy" in details
    item = server_pg(raw, "@PMG#_legacy")
    assert (item.name, item.permission, item.custom_string) == ("Legacy", 1, "old")

    adopted = up_create(plugin, pg("legacy", "@PMG#_legacy", name="Managed", permission=SEND,
                                   adopt_existing=True))
    assert adopted.id == f"{GROUP_ID}/@PMG#_legacy"
    assert adopted.outs["adopt_existing"] is True
    item = server_pg(raw, "@PMG#_legacy")
    assert (item.name, item.permission, item.custom_string) == ("Managed", SEND, "")


def test_declared_inputs_are_exactly_the_properties_and_the_blob() -> None:
    # Guard for the helpers above: inputs hold only the declared properties and the blob.
    declared = pg("shape", "@PMG#_shape")
    assert declared.type == PG_TYPE
    assert set(declared.inputs) == {"group_id", "permission_group_id", "name", "permission",
                                    "adopt_existing", PROVIDER_KEY}
    assert tp("shape-tp", "@PMG#_shape", TOPIC_GENERAL, 1).type == TP_TYPE
