"""What the engine shows users when something is wrong: check failures, API errors, config.

Errors cross the protocol as gRPC details (the host's traceback text), which the CLI prints:
they must carry Tencent's code and its meaning, and never a credential.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from pulumi.runtime import mocks
from pulumi_tencentchat import PermissionGroup, TopicPermission
from pulumi_tencentchat.client import TencentChatClient

from tests.support.emulator import DEV_SECRET_KEY, EmulatorProcess
from tests.support.plugin import PluginCallError, PluginProcess

from .conftest import (
    GROUP_ID,
    MISSING_GROUP_ID,
    TOPIC_GENERAL,
    Calls,
    declare_one,
    stack_config,
    start_plugin,
    up_create,
)

# A credential that must never show up anywhere: unique, so a substring search is conclusive.
WRONG_SECRET_KEY = "wrong-key-3f9a1c7e5b2d4860a1b2c3d4e5f60718"


def assert_no_credentials(text: str, *secrets: str) -> None:
    for value in (DEV_SECRET_KEY, *secrets):
        assert value not in text
    lowered = text.lower()
    assert "usersig=" not in lowered  # the signed query parameter
    assert "eJw" not in text  # every TLSSigAPIv2 UserSig starts with zlib's base64 header


def no_outputs(args: mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
    """A mocked engine answer whose permission is the integer a provider returns.

    The default mock echoes inputs as outputs, and a list does not fit ``Output[int]``.
    """
    return f"{args.name}-id", {"permission": 0}


# -- Check failures ----------------------------------------------------------------------------


def test_check_reports_invalid_values_by_property_without_rest_calls(
        plugin: PluginProcess, calls: Calls) -> None:
    # Values that are Outputs skip the program-side checks, so the provider's Check sees them.
    long_name = "é" * 75 + "x"  # 76 characters, 151 bytes of UTF-8
    declared = declare_one(lambda: PermissionGroup(
        "too-long", group_id=GROUP_ID, permission_group_id="@PMG#_too_long",
        name=pulumi.Output.from_input(long_name),
        permission=pulumi.Output.from_input(["SendGroupMessage", "SendMessages"])),
        state_fn=no_outputs)
    outcome = plugin.check(declared.urn, {}, declared.inputs)
    reasons = {f.property: f.reason for f in outcome.failures}
    assert set(reasons) == {"name", "permission"}
    assert "150 bytes" in reasons["name"] and "151 bytes" in reasons["name"]
    assert "SendMessages" in reasons["permission"]
    assert "SendGroupMessage" in reasons["permission"]  # lists the valid names

    declared = declare_one(lambda: TopicPermission(
        "out-of-range", group_id=GROUP_ID, permission_group_id="@PMG#_x",
        topic_id=pulumi.Output.from_input("@TGS#_other@TOPIC#_general"),
        permission=pulumi.Output.from_input(2**64)), state_fn=no_outputs)
    outcome = plugin.check(declared.urn, {}, declared.inputs)
    reasons = {f.property: f.reason for f in outcome.failures}
    assert set(reasons) == {"permission", "topic_id"}
    assert "2^64-1" in reasons["permission"]
    assert GROUP_ID in reasons["topic_id"]

    # Exactly 150 bytes is fine.
    ok = declare_one(lambda: PermissionGroup(
        "at-limit", group_id=GROUP_ID, permission_group_id="@PMG#_at_limit",
        name=pulumi.Output.from_input("é" * 75)))
    assert plugin.check(ok.urn, {}, ok.inputs).failures == []
    assert calls.since() == 0


# -- API errors --------------------------------------------------------------------------------


def test_api_error_carries_code_and_meaning_but_no_credential(
        plugin: PluginProcess, calls: Calls) -> None:
    declared = declare_one(lambda: PermissionGroup(
        "homeless", group_id=MISSING_GROUP_ID, permission_group_id="@PMG#_homeless",
        name="Homeless"))
    checked = plugin.check(declared.urn, {}, declared.inputs)
    assert checked.failures == []
    with pytest.raises(PluginCallError) as err:
        plugin.create(declared.urn, checked.inputs)
    details = err.value.details
    assert "10010" in details
    assert "group does not exist" in details
    assert "@PMG#_homeless" in details and MISSING_GROUP_ID in details
    assert_no_credentials(details)

    declared = declare_one(lambda: TopicPermission(
        "homeless-topic", group_id=GROUP_ID, permission_group_id="@PMG#_no_such_group",
        topic_id=TOPIC_GENERAL, permission=8))
    with pytest.raises(PluginCallError) as err:
        up_create(plugin, declared)
    assert "110006" in err.value.details
    assert_no_credentials(err.value.details)

    assert_no_credentials(plugin.stdout_text() + plugin.stderr_text())


# -- configuration -----------------------------------------------------------------------------


def test_missing_sdkappid_names_the_key_and_the_fix(emulator: EmulatorProcess) -> None:
    proc = start_plugin(stack_config(emulator.url, sdkAppId=None))
    try:
        declared = declare_one(lambda: PermissionGroup(
            "unconfigured", group_id=GROUP_ID, permission_group_id="@PMG#_unconfigured",
            name="Unconfigured"))
        with pytest.raises(PluginCallError) as err:
            up_create(proc, declared)
        details = err.value.details
        assert err.value.method == "Check"
        assert "tencentchat:sdkAppId" in details
        assert "pulumi config set tencentchat:sdkAppId" in details
        assert "TENCENTCHAT_SDKAPPID" in details
        # Still failing on the next call, not half-configured.
        with pytest.raises(PluginCallError) as again:
            proc.create(declared.urn, declared.inputs)
        assert "tencentchat:sdkAppId" in again.value.details
        assert_no_credentials(details + proc.stdout_text() + proc.stderr_text())
    finally:
        proc.stop()
    assert emulator.total_calls() == 0


def test_wrong_secret_key_fails_with_the_code_and_without_the_key(
        emulator: EmulatorProcess, raw: TencentChatClient, community: str) -> None:
    proc = start_plugin(stack_config(emulator.url, secretKey=WRONG_SECRET_KEY))
    try:
        declared = declare_one(lambda: PermissionGroup(
            "badkey", group_id=GROUP_ID, permission_group_id="@PMG#_badkey", name="Bad key"))
        with pytest.raises(PluginCallError) as err:
            up_create(proc, declared)
        details = err.value.details
        assert "70009" in details and "tencentchat:secretKey" in details
        assert_no_credentials(details + proc.stdout_text() + proc.stderr_text(),
                              WRONG_SECRET_KEY)
    finally:
        proc.stop()


def test_environment_overrides_stack_config(
        emulator: EmulatorProcess, raw: TencentChatClient, community: str) -> None:
    # refresh/destroy reuse the config stored in state: a rotated key comes in by environment.
    proc = start_plugin(stack_config(emulator.url, secretKey=WRONG_SECRET_KEY),
                        env={"TENCENTCHAT_SECRET_KEY": DEV_SECRET_KEY})
    try:
        state = up_create(proc, declare_one(lambda: PermissionGroup(
            "rotated", group_id=GROUP_ID, permission_group_id="@PMG#_rotated", name="Rotated")))
        assert state.id == f"{GROUP_ID}/@PMG#_rotated"
        assert_no_credentials(proc.stdout_text() + proc.stderr_text(), WRONG_SECRET_KEY)
    finally:
        proc.stop()
    # `pulumi destroy` with the stored (wrong) key and the rotated one in the environment.
    proc = start_plugin(stack_config(emulator.url, secretKey=WRONG_SECRET_KEY),
                        env={"TENCENTCHAT_SECRET_KEY": DEV_SECRET_KEY})
    try:
        proc.delete(state.urn, state.id, state.outs, old_inputs=state.inputs)
        assert_no_credentials(proc.stdout_text() + proc.stderr_text(), WRONG_SECRET_KEY)
    finally:
        proc.stop()
    assert not [i for i in raw.get_permission_groups(GROUP_ID, ["@PMG#_rotated"]).items if i.ok]


def test_sdkappid_from_environment_when_absent_from_config(
        emulator: EmulatorProcess, raw: TencentChatClient, community: str) -> None:
    proc = start_plugin(stack_config(emulator.url, sdkAppId=None),
                        env={"TENCENTCHAT_SDKAPPID": "1400000000"})
    try:
        state = up_create(proc, declare_one(lambda: PermissionGroup(
            "envapp", group_id=GROUP_ID, permission_group_id="@PMG#_envapp", name="Env")))
        assert state.outs["name"] == "Env"
    finally:
        proc.stop()
