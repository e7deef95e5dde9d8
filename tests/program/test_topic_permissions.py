"""TopicPermissions in a program: the mapping as registered (plain, with Output topic IDs,
unknown during preview), early validation, and the warnings about topics two resources
declare; an exclusive member list that is not its group's only one."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pulumi
import pytest
from pulumi.output import Unknown
from pulumi.runtime import mocks
from pulumi_tencentchat import (
    PermissionGroup,
    PermissionGroupMembers,
    Topic,
    TopicPermission,
    TopicPermissionBit,
    TopicPermissions,
    TopicPermissionsArgs,
)

from tests.support.program import PROVIDER_KEY, RegisteredResource, run_program

GROUP = "@TGS#_prog"
GENERAL = f"{GROUP}@TOPIC#_general"
NEWS = f"{GROUP}@TOPIC#_news"
TPS_TYPE = "pulumi-python:dynamic/tencentchat:TopicPermissions"


def inputs(resource: RegisteredResource) -> dict[str, Any]:
    return {k: v for k, v in resource.plain_inputs().items() if k != PROVIDER_KEY}


def squad(**kw: Any) -> Callable[[], None]:
    def program() -> None:
        TopicPermissions("squad", **{"group_id": GROUP, "permission_group_id": "@PMG#_squad",
                                     **kw})
    return program


def warnings_of(caplog: pytest.LogCaptureFixture, program: Callable[[], Any]) -> list[str]:
    with caplog.at_level(logging.WARNING):
        run_program(program)
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


# -- the mapping as registered ----------------------------------------------------------------

def test_plain_mapping_is_registered_normalised() -> None:
    registered = run_program(squad(permissions={
        GENERAL: ["SendTopicMessage", "TopicAtAll"],
        NEWS: TopicPermissionBit.GetTopicHistoryMessage | TopicPermissionBit.TopicAtAll,
        f"{GROUP}@TOPIC#_big": (1 << 64) - 1}))
    [tps] = registered.of_type(TPS_TYPE)
    assert inputs(tps) == {"group_id": GROUP, "permission_group_id": "@PMG#_squad",
                           "permissions": {GENERAL: 72, NEWS: 80,
                                           f"{GROUP}@TOPIC#_big": str((1 << 64) - 1)},
                           "exclusive": False, "adopt_existing": False}


def test_args_object_matches_keywords() -> None:
    def program() -> None:
        TopicPermissions("squad", TopicPermissionsArgs(
            group_id=GROUP, permission_group_id="@PMG#_squad", permissions={GENERAL: 8},
            exclusive=True))

    [tps] = run_program(program)
    assert inputs(tps)["permissions"] == {GENERAL: 8} and inputs(tps)["exclusive"] is True


def test_output_topic_ids_are_resolved_into_the_mapping() -> None:
    def program() -> None:
        lounge = Topic("lounge", group_id=GROUP, topic_name="Lounge",
                       topic_id=f"{GROUP}@TOPIC#_lounge")
        TopicPermissions("squad", group_id=GROUP, permission_group_id="@PMG#_squad",
                         permissions={lounge.topic_id: ["SendTopicMessage"],
                                      GENERAL: pulumi.Output.from_input(24)})

    registered = run_program(program)
    [tps] = registered.of_type(TPS_TYPE)
    assert inputs(tps)["permissions"] == {f"{GROUP}@TOPIC#_lounge": 8, GENERAL: 24}


def test_output_topic_id_unknown_in_preview_leaves_the_mapping_unknown() -> None:
    def unknown_topics(args: mocks.MockResourceArgs) -> tuple[str, dict[str, Any]] | None:
        return ("", {}) if args.typ.endswith(":Topic") else None

    def program() -> None:
        lounge = Topic("lounge", group_id=GROUP, topic_name="Lounge")
        TopicPermissions("squad", group_id=GROUP, permission_group_id="@PMG#_squad",
                         permissions={lounge.topic_id: 8, GENERAL: 8})

    registered = run_program(program, preview=True, state_fn=unknown_topics)
    [tps] = registered.of_type(TPS_TYPE)
    # The engine receives the whole mapping as unknown; Check lets it through (see resources).
    assert isinstance(inputs(tps)["permissions"], Unknown)


@pytest.mark.parametrize(("permissions", "message"), [
    ({}, "permissions must list at least one topic"),
    ([GENERAL], "permissions must be a mapping of topic ID to permission (got list)"),
    ({"general": 8}, "permissions entry 'general': must be a topic ID"),
    ({GENERAL: ["SendGroupMessage"]}, "unknown TopicPermissionBit bit name 'SendGroupMessage'"),
    ({"@TGS#_other@TOPIC#_x": 8}, "must be a topic of community '@TGS#_prog'"),
    # A plain key is checked at once even when another key is an Output.
    ({"bad": 8, pulumi.Output.from_input(GENERAL): 8}, "permissions entry 'bad'"),
])
def test_plain_values_are_checked_in_the_constructor(permissions: Any, message: str) -> None:
    with pytest.raises(ValueError) as info:
        run_program(squad(permissions=permissions))
    assert str(info.value).startswith("tencentchat:TopicPermissions 'squad': ")
    assert message in str(info.value)


def test_two_output_keys_naming_one_topic_fail_before_registration() -> None:
    def program() -> None:
        TopicPermissions("squad", group_id=GROUP, permission_group_id="@PMG#_squad",
                         permissions={pulumi.Output.from_input(GENERAL): 8, GENERAL: 24})

    with pytest.raises(Exception) as info:
        run_program(program)
    assert ("tencentchat:TopicPermissions 'squad': permissions must not list a topic twice "
            f"(duplicates: {GENERAL})") in str(info.value)


# -- two declarations of one topic ------------------------------------------------------------

@pytest.mark.parametrize("output_key", [False, True], ids=["plain-topic", "output-topic"])
def test_a_topic_in_both_forms_is_warned_about_naming_both(
        caplog: pytest.LogCaptureFixture, output_key: bool) -> None:
    def program() -> None:
        mods = PermissionGroup("mods", group_id=GROUP, name="Mods",
                               permission_group_id="@PMG#_mods")
        key = pulumi.Output.from_input(NEWS) if output_key else NEWS
        TopicPermissions("mods-topics", group_id=GROUP,
                         permission_group_id=mods.permission_group_id,
                         permissions={GENERAL: 8, key: 8})
        TopicPermission("mods-news", group_id=GROUP, permission_group_id=mods.permission_group_id,
                        topic_id=NEWS, permission=24)

    found = [w for w in warnings_of(caplog, program) if "both declare" in w]
    assert len(found) == 1, found
    assert "TopicPermissions 'mods-topics'" in found[0]
    assert "TopicPermission 'mods-news'" in found[0]
    assert f"topic {NEWS}" in found[0]


def test_other_groups_and_other_topics_are_not_warned_about(
        caplog: pytest.LogCaptureFixture) -> None:
    def program() -> None:
        TopicPermissions("a", group_id=GROUP, permission_group_id="@PMG#_a",
                         permissions={GENERAL: 8})
        TopicPermissions("b", group_id=GROUP, permission_group_id="@PMG#_b",
                         permissions={GENERAL: 8})
        TopicPermission("a-news", group_id=GROUP, permission_group_id="@PMG#_a",
                        topic_id=NEWS, permission=8)

    assert warnings_of(caplog, program) == []


def test_an_exclusive_mapping_warns_about_topics_it_would_remove(
        caplog: pytest.LogCaptureFixture) -> None:
    def program() -> None:
        TopicPermission("a-news", group_id=GROUP, permission_group_id="@PMG#_a",
                        topic_id=NEWS, permission=8)
        TopicPermissions("a", group_id=GROUP, permission_group_id="@PMG#_a",
                         permissions={GENERAL: 8}, exclusive=True)

    [warning] = warnings_of(caplog, program)
    assert "TopicPermissions 'a' is exclusive" in warning
    assert f"TopicPermission 'a-news' declares topic {NEWS}" in warning


# -- exclusive member lists -------------------------------------------------------------------

@pytest.mark.parametrize("exclusive_first", [True, False])
def test_an_exclusive_member_list_must_be_its_groups_only_one(exclusive_first: bool) -> None:
    def program() -> None:
        PermissionGroupMembers("crew", group_id=GROUP, permission_group_id="@PMG#_mods",
                               members=["alice"], exclusive=exclusive_first)
        PermissionGroupMembers("more-crew", group_id=GROUP, permission_group_id="@PMG#_mods",
                               members=["bob"], exclusive=not exclusive_first)

    with pytest.raises(ValueError) as info:
        run_program(program)
    text = str(info.value)
    assert "'crew'" in text and "'more-crew'" in text and "is exclusive" in text


def test_an_exclusive_member_list_alone_in_its_group_is_fine() -> None:
    def program() -> None:
        PermissionGroupMembers("crew", group_id=GROUP, permission_group_id="@PMG#_mods",
                               members=["alice"], exclusive=True)
        PermissionGroupMembers("others", group_id=GROUP, permission_group_id="@PMG#_other",
                               members=["alice"])

    registered = run_program(program)
    # Registrations arrive concurrently: their order is not the program's.
    assert {r.name: inputs(r)["exclusive"] for r in registered} == {"crew": True, "others": False}
