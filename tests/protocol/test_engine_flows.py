"""Engine flows that decide what happens to a user's objects, replayed in the engine's order.

Each test drives whole deployments through ``tests/support/engine.py`` (a new plugin process
per command, the engine's step order, pending deletes at the end of the next deployment,
``--replace`` without Diff) and then compares the stack's state with the emulator's objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pulumi
import pytest
from pulumi_tencentchat import PermissionGroup, PermissionGroupMembers, TopicPermission
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.naming import auto_name

from tests.support.emulator import EmulatorProcess
from tests.support.engine import (
    PENDING_CREATES_WARNING,
    DeploymentFailed,
    Interrupted,
    Stack,
)
from tests.support.plugin import DEFAULT_PROJECT, DEFAULT_STACK

from .conftest import (
    CLEAN_ENV,
    GROUP_ID,
    SECRET_CONFIG_KEYS,
    TOPIC_GENERAL,
    TOPIC_NEWS,
    stack_config,
)

MISSING_TOPIC = f"{GROUP_ID}@TOPIC#_missing"


@pytest.fixture
def stack(emulator: EmulatorProcess, community: str) -> Iterator[Stack]:
    yield Stack(stack_config(emulator.url), secret_keys=SECRET_CONFIG_KEYS, plugin_env=CLEAN_ENV)
    emulator.clear_faults()


def team(pg_id: str | None = "@PMG#_mods", *, topic: str = TOPIC_GENERAL, tp_permission: int = 8,
         extra: Callable[[PermissionGroup], Any] | None = None,
         opts: pulumi.ResourceOptions | None = None) -> Callable[[], None]:
    """A permission group with one topic permission and one member list."""

    def program() -> None:
        mods = PermissionGroup("mods", group_id=GROUP_ID, permission_group_id=pg_id,
                               name="Mods", permission=64, opts=opts)
        TopicPermission("mods-topic", group_id=GROUP_ID,
                        permission_group_id=mods.permission_group_id, topic_id=topic,
                        permission=tp_permission)
        PermissionGroupMembers("mods-members", group_id=GROUP_ID,
                               permission_group_id=mods.permission_group_id,
                               members=["alice", "bob"])
        if extra is not None:
            extra(mods)

    return program


def resolved(pg_id: str | None) -> str:
    return pg_id or auto_name(DEFAULT_PROJECT, DEFAULT_STACK, "mods")


def server(raw: TencentChatClient) -> dict[str, Any]:
    """Every object of the community: groups, topic permissions and members."""
    groups = {g.permission_group_id: (g.name, g.permission)
              for g in raw.iter_permission_groups(GROUP_ID) if g.ok}
    return {
        "groups": groups,
        "topics": {(pg, t.topic_id): t.permission for pg in groups
                   for t in raw.get_topic_permissions(GROUP_ID, pg).items if t.ok},
        "members": {(pg, a) for pg in groups
                    for a in raw.iter_permission_group_members(GROUP_ID, pg)},
    }


def state_of(stack: Stack) -> dict[str, Any]:
    """The same view from the stack's live state."""
    live = {r.name: r.outputs for r in stack.snapshot.live()}
    groups = {o["permission_group_id"]: (o["name"], int(o["permission"]))
              for o in live.values() if "name" in o}
    return {
        "groups": groups,
        "topics": {(o["permission_group_id"], o["topic_id"]): int(o["permission"])
                   for o in live.values() if "topic_id" in o},
        "members": {(o["permission_group_id"], a) for o in live.values()
                    for a in o.get("members") or []},
    }


def assert_state_is_the_server(stack: Stack, raw: TencentChatClient) -> None:
    assert not [r.name for r in stack.snapshot.resources if r.delete or r.pending_replacement]
    assert state_of(stack) == server(raw)


def failing_resource(mods: PermissionGroup) -> None:
    """Registered after ``mods``: its create fails (the topic does not exist)."""
    TopicPermission("doomed", group_id=GROUP_ID, permission_group_id=mods.permission_group_id,
                    topic_id=MISSING_TOPIC, permission=1)


# -- forced replacement --------------------------------------------------------------------------


@pytest.mark.parametrize("pg_id", ["@PMG#_mods", None], ids=["custom-id", "auto-named"])
@pytest.mark.parametrize("target", ["mods", "mods-topic", "mods-members"])
def test_forced_replacement_keeps_the_object_and_what_hangs_on_it(
        stack: Stack, raw: TencentChatClient, pg_id: str | None, target: str) -> None:
    stack.up(team(pg_id))
    before = server(raw)

    outcome = stack.up(team(pg_id), replace=[target])
    # `--replace`: no Diff, the new resource is created first and the old one deleted at the
    # end (step_generator.go:2890-2893, 2159-2165); both name the same server object.
    assert target not in outcome.ops("diff")
    calls = [m for m, urn in outcome.calls if urn.endswith(f"::{target}")]
    assert calls[-2:] == ["create", "delete"], calls
    assert server(raw) == before
    assert_state_is_the_server(stack, raw)


def test_forced_replacement_cut_short_leaves_a_pending_delete_the_next_up_skips(
        stack: Stack, raw: TencentChatClient) -> None:
    stack.up(team())
    before = server(raw)

    with pytest.raises(DeploymentFailed):
        stack.up(team(extra=failing_resource), replace=["mods"])
    # The replacement was created and the deployment failed before the deletes: the old side
    # is a pending delete of the very object the new side holds (snapshot.go:449-474).
    pending = stack.snapshot.pending_deletes()
    assert [r.name for r in pending] == ["mods"]
    assert pending[0].id == stack.snapshot.get("mods").id

    outcome = stack.up(team())
    # Pending deletes run at the end of the next deployment (step_generator.go:2390-2423) ...
    assert outcome.ops("delete") == ["mods"]
    assert outcome.calls.index(("delete", pending[0].urn)) == len(outcome.calls) - 1
    # ... and the object they name belongs to the live resource: it stays.
    assert server(raw) == before
    assert_state_is_the_server(stack, raw)


# -- failed replacement, then the change reverted ------------------------------------------------


@pytest.mark.parametrize("pg_id", ["@PMG#_mods", None], ids=["custom-id", "auto-named"])
def test_failed_replacement_then_revert_brings_the_object_back(
        stack: Stack, raw: TencentChatClient, emulator: EmulatorProcess,
        pg_id: str | None) -> None:
    stack.up(team(pg_id))
    emulator.set_faults(fail_next=1, error_code=10007, commands=["create_permission_group"])
    with pytest.raises(DeploymentFailed):
        stack.up(team("@PMG#_renamed"))
    emulator.clear_faults()
    # Diff asked to delete first: the old object is gone, its state kept as pending
    # replacement (step.go:761-785); nothing is a pending delete.
    old = stack.snapshot.get("mods")
    assert old.pending_replacement and not stack.snapshot.pending_deletes()
    assert resolved(pg_id) not in server(raw)["groups"]

    outcome = stack.up(team(pg_id))  # the user reverts the change
    # A pending replacement is replaced without a second delete (step_generator.go:2142).
    assert "mods" not in outcome.ops("delete")
    assert set(server(raw)["groups"]) == {resolved(pg_id)}
    assert_state_is_the_server(stack, raw)


def test_failed_topic_move_then_revert(stack: Stack, raw: TencentChatClient,
                                       emulator: EmulatorProcess) -> None:
    stack.up(team())
    emulator.set_faults(fail_next=1, error_code=10007, commands=["add_topic_permission_group"])
    with pytest.raises(DeploymentFailed):
        stack.up(team(topic=TOPIC_NEWS))
    emulator.clear_faults()
    assert server(raw)["topics"] == {}

    stack.up(team(topic=TOPIC_GENERAL))
    assert server(raw)["topics"] == {("@PMG#_mods", TOPIC_GENERAL): 8}
    assert_state_is_the_server(stack, raw)


def test_create_before_delete_by_option_then_revert_keeps_the_reused_object(
        stack: Stack, raw: TencentChatClient) -> None:
    # The user overrides the provider and asks for create-before-delete (2040-2046); the
    # deployment fails after the new object was created: the old one is a pending delete.
    cbd = pulumi.ResourceOptions(delete_before_replace=False)
    stack.up(team(None, opts=cbd))
    with pytest.raises(DeploymentFailed):
        stack.up(team("@PMG#_renamed", opts=cbd, extra=failing_resource))
    assert [r.id for r in stack.snapshot.pending_deletes()] == [
        f"{GROUP_ID}/{resolved(None)}"]

    # Reverting reuses the pending delete's identity: the new resource takes the object over
    # and the pending delete at the end must not remove it.
    stack.up(team(None, opts=cbd))
    assert set(server(raw)["groups"]) == {resolved(None)}
    assert_state_is_the_server(stack, raw)


# -- a freed slot reused -------------------------------------------------------------------------


def moved_with_newcomer(depends: bool) -> Callable[[], None]:
    """``mods-topic`` moves to the news topic; ``newcomer`` takes its general slot."""

    def program() -> None:
        mods = PermissionGroup("mods", group_id=GROUP_ID, permission_group_id="@PMG#_mods",
                               name="Mods", permission=64)
        mover = TopicPermission("mods-topic", group_id=GROUP_ID,
                                permission_group_id=mods.permission_group_id,
                                topic_id=TOPIC_NEWS, permission=8)
        PermissionGroupMembers("mods-members", group_id=GROUP_ID,
                               permission_group_id=mods.permission_group_id,
                               members=["alice", "bob"])
        TopicPermission("newcomer", group_id=GROUP_ID, permission_group_id="@PMG#_mods",
                        topic_id=TOPIC_GENERAL, permission=127,
                        opts=pulumi.ResourceOptions(depends_on=[mover] if depends else None))

    return program


def test_topic_slot_freed_and_taken_in_one_deployment(stack: Stack,
                                                      raw: TencentChatClient) -> None:
    stack.up(team())
    outcome = stack.up(moved_with_newcomer(depends=True))
    # The mover's object is deleted first (delete-before-replace), then the newcomer, which
    # waits for it, creates its own.
    assert {"mods-topic", "newcomer"} <= set(outcome.ops("create"))
    assert server(raw)["topics"] == {("@PMG#_mods", TOPIC_NEWS): 8,
                                     ("@PMG#_mods", TOPIC_GENERAL): 127}
    assert_state_is_the_server(stack, raw)


def test_a_slot_still_held_is_refused_not_taken(stack: Stack, raw: TencentChatClient) -> None:
    # Without the dependency the newcomer may come first and find the slot still held. Under
    # a custom-ID permission group nothing proves the object is this stack's, so it is
    # refused (another stack's object is never taken), with advice; it never flips the value.
    stack.up(team())

    def newcomer_first() -> None:
        # "May come first", made certain: registrations are concurrent, and a gate of one
        # does not order them (the mover's Check, which names the slot as this stack's, could
        # still come first). So the group, and the mover behind it, wait for the newcomer.
        newcomer = TopicPermission("newcomer", group_id=GROUP_ID,
                                   permission_group_id="@PMG#_mods", topic_id=TOPIC_GENERAL,
                                   permission=127)
        team(topic=TOPIC_NEWS, opts=pulumi.ResourceOptions(depends_on=[newcomer]))()

    with pytest.raises(DeploymentFailed) as failed:
        stack.up(newcomer_first)
    assert "depends_on" in str(failed.value)
    assert server(raw)["topics"][("@PMG#_mods", TOPIC_GENERAL)] == 8


def test_members_moved_to_another_resource_in_one_deployment(stack: Stack,
                                                             raw: TencentChatClient) -> None:
    stack.up(team())

    def moved() -> None:
        mods = PermissionGroup("mods", group_id=GROUP_ID, permission_group_id="@PMG#_mods",
                               name="Mods", permission=64)
        TopicPermission("mods-topic", group_id=GROUP_ID,
                        permission_group_id=mods.permission_group_id, topic_id=TOPIC_GENERAL,
                        permission=8)
        PermissionGroupMembers("mods-members", group_id=GROUP_ID,
                               permission_group_id=mods.permission_group_id, members=["alice"])
        PermissionGroupMembers("more-members", group_id=GROUP_ID,
                               permission_group_id=mods.permission_group_id,
                               members=["bob", "carol"])

    stack.up(moved)
    assert server(raw)["members"] == {("@PMG#_mods", a) for a in ("alice", "bob", "carol")}
    assert_state_is_the_server(stack, raw)


# -- pending creates -----------------------------------------------------------------------------


def test_interrupted_create_is_warned_created_again_and_cleared_by_refresh(
        stack: Stack, raw: TencentChatClient) -> None:
    with pytest.raises(Interrupted):
        stack.up(team(None), interrupt=lambda urn: urn.endswith("::mods"))
    # The object was made, but the CLI died before recording it.
    assert [r.name for r in stack.snapshot.pending_creates] == ["mods"]
    assert stack.snapshot.resources == []
    assert set(server(raw)["groups"]) == {resolved(None)}

    outcome = stack.up(team(None))
    assert outcome.warnings == [PENDING_CREATES_WARNING.format(n=1)]
    assert set(server(raw)["groups"]) == {resolved(None)}  # taken over, not made twice
    assert_state_is_the_server(stack, raw)
    assert len(stack.snapshot.pending_creates) == 1  # carried forward until a refresh

    stack.refresh(clear_pending_creates=True)
    assert stack.snapshot.pending_creates == []
    assert stack.up(team(None)).warnings == []


# -- reads by ID ---------------------------------------------------------------------------------


def test_get_reads_current_values_by_id(stack: Stack, raw: TencentChatClient) -> None:
    stack.up(team())
    raw.modify_permission_group(GROUP_ID, "@PMG#_mods", name="Renamed in the console")
    seen: dict[str, Any] = {}

    def reader() -> None:
        team()()
        group = PermissionGroup.get("seen-group", f"{GROUP_ID}/@PMG#_mods")
        topic = TopicPermission.get("seen-topic", f"@PMG#_mods/{TOPIC_GENERAL}")
        members = PermissionGroupMembers.get("seen-members", f"{GROUP_ID}/@PMG#_mods/members")
        pulumi.Output.all(group.name, group.member_count, topic.permission, members.members) \
            .apply(lambda values: seen.update(values=values))

    outcome = stack.up(reader)
    assert seen["values"] == ["Renamed in the console", 2, 8, ["alice", "bob"]]
    assert sorted(outcome.ops("read")) == ["seen-group", "seen-members", "seen-topic"]
    # Reads by ID are not managed: destroy deletes only the stack's own resources.
    outcome = stack.destroy()
    assert not {"seen-group", "seen-topic", "seen-members"} & set(outcome.ops("delete"))
    assert server(raw)["groups"] == {}


@pytest.mark.parametrize(("make", "rid", "expected"), [
    (PermissionGroup.get, f"{GROUP_ID}/@PMG#_nobody", "no PermissionGroup with ID"),
    (TopicPermission.get, f"@PMG#_nobody/{TOPIC_GENERAL}", "no TopicPermission with ID"),
    (PermissionGroupMembers.get, f"{GROUP_ID}/@PMG#_nobody/members",
     "no PermissionGroupMembers with ID"),
    (PermissionGroup.get, "not-an-id", "a PermissionGroup ID looks like"),
])
def test_get_of_a_missing_object_fails_naming_the_id(
        stack: Stack, make: Callable[..., Any], rid: str, expected: str) -> None:
    with pytest.raises(DeploymentFailed) as failed:
        stack.up(lambda: make("missing", rid))
    assert expected in str(failed.value) and rid in str(failed.value)


# -- protect, retain_on_delete, replace_on_changes ------------------------------------------------


def test_protect_blocks_destroy_and_retain_on_delete_keeps_the_object(
        stack: Stack, raw: TencentChatClient) -> None:
    stack.up(team(opts=pulumi.ResourceOptions(protect=True)))
    with pytest.raises(DeploymentFailed, match="protected"):
        stack.destroy()
    assert "@PMG#_mods" in server(raw)["groups"]

    stack.up(team(opts=pulumi.ResourceOptions(retain_on_delete=True)))
    stack.destroy()
    assert stack.snapshot.resources == []
    assert set(server(raw)["groups"]) == {"@PMG#_mods"}  # retained
    assert server(raw)["topics"] == {}  # its dependents were not retained


def test_replace_on_changes_does_not_replace_through_this_host(
        stack: Stack, raw: TencentChatClient) -> None:
    # The Python host reports no changed keys, so the engine cannot match replace_on_changes
    # (step_generator.go:3170-3261): the change is an update in place.
    opts = pulumi.ResourceOptions(replace_on_changes=["name"])
    stack.up(team(opts=opts))

    def renamed() -> None:
        PermissionGroup("mods", group_id=GROUP_ID, permission_group_id="@PMG#_mods",
                        name="Moderators", permission=64, opts=opts)

    outcome = stack.up(renamed)
    assert outcome.ops("update") == ["mods"] and "mods" not in outcome.ops("create")


def test_preview_calls_no_write(stack: Stack, raw: TencentChatClient,
                                emulator: EmulatorProcess) -> None:
    outcome = stack.preview(team(None))
    assert {m for m, _ in outcome.calls} <= {"check", "diff", "read"}
    assert server(raw)["groups"] == {} and stack.snapshot.resources == []


def test_dependent_deleted_by_a_replacement_and_dropped_from_the_program(
        stack: Stack, raw: TencentChatClient) -> None:
    # The group's ID changes (delete-before-replace) while its topic permission leaves the
    # program: the chain deletes the topic permission first (3268-3415), and the deployment
    # drops its state without a second delete (RemovePendingReplaceStep, 2424-2433).
    stack.up(team())

    def only_the_group() -> None:
        PermissionGroup("mods", group_id=GROUP_ID, permission_group_id="@PMG#_renamed",
                        name="Mods", permission=64)

    outcome = stack.up(only_the_group)
    assert outcome.ops("delete").count("mods-topic") == 1
    assert [r.name for r in stack.snapshot.resources] == ["mods"]
    assert_state_is_the_server(stack, raw)
