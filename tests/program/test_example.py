"""The example program (examples/community) under mocks, with the dev stack's config.

Pulumi.yaml at the repository root names the project, whose program (the root __main__.py)
runs the example; Pulumi.dev.yaml holds its stack config (loaded as the CLI would hand it
over: values as strings, structured values as JSON text).
"""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import pytest
from pulumi_tencentchat import GroupPermission as G
from pulumi_tencentchat import TopicPermissionBit as T
from pulumi_tencentchat.naming import auto_name, auto_topic_id, is_auto_named, is_auto_topic_id

from tests.support.launch import Project
from tests.support.program import PROVIDER_KEY, RegisteredResources, run_program

REPO_ROOT = Path(__file__).resolve().parents[2]
PG_TYPE = "pulumi-python:dynamic/tencentchat:PermissionGroup"
TP_TYPE = "pulumi-python:dynamic/tencentchat:TopicPermission"
MEMBERS_TYPE = "pulumi-python:dynamic/tencentchat:PermissionGroupMembers"
TOPIC_TYPE = "pulumi-python:dynamic/tencentchat:Topic"
SETTINGS_TYPE = "pulumi-python:dynamic/tencentchat:CommunityPermissionSettings"


PROJECT = Project.load(REPO_ROOT)


def project() -> tuple[str, Path]:
    return PROJECT.name, PROJECT.pwd / "__main__.py"


def stack_config(stack: str) -> dict[str, str]:
    """``config:`` of Pulumi.<stack>.yaml as the engine passes it to the program."""
    return PROJECT.stack_config(stack)


def run_main(main: Path) -> None:
    """Execute the program file as the Python language host does (returning nothing)."""
    runpy.run_path(str(main), run_name="__main__")


@pytest.fixture(scope="module")
def dev() -> RegisteredResources:
    name, main = project()
    return run_program(lambda: run_main(main), project=name, stack="dev",
                       config=stack_config("dev"))


def inputs(resources: RegisteredResources, name: str) -> dict[str, Any]:
    return {k: v for k, v in resources.by_name(name).plain_inputs().items() if k != PROVIDER_KEY}


def test_dev_config_has_no_secret() -> None:
    config = stack_config("dev")
    assert "tencentchat:secretKey" not in config and "tencentchat:userSig" not in config
    assert config["tencentchat:endpoint"].startswith("http://127.0.0.1")


def test_example_registers_the_expected_resources(dev: RegisteredResources) -> None:
    assert len(dev.of_type(PG_TYPE)) == 3
    assert len(dev.of_type(TP_TYPE)) == 5
    assert len(dev.of_type(MEMBERS_TYPE)) == 1
    assert len(dev.of_type(TOPIC_TYPE)) == 2
    assert len(dev.of_type(SETTINGS_TYPE)) == 1
    assert len(dev) == 12
    assert sorted(r.name for r in dev) == sorted([
        "community-defaults", "general", "announcements",
        "moderators", "members", "read-only",
        "moderators-announcements", "members-announcements",
        "moderators-general", "members-general", "read-only-general",
        "moderator-accounts"])


def test_example_community_settings_and_topics(dev: RegisteredResources) -> None:
    name, _main = project()
    community = stack_config("dev")[f"{name}:groupId"]
    assert inputs(dev, "community-defaults") == {
        "group_id": community, "default_permission": int(G.GetGroupHistoryMessage),
        "enable_permission_groups": True}
    general = inputs(dev, "general")
    assert general["topic_name"] == "general" and general["group_id"] == community
    assert general["topic_id"] == auto_topic_id(community, name, "dev", "general")
    assert is_auto_topic_id(inputs(dev, "announcements")["topic_id"])


def test_example_permission_groups(dev: RegisteredResources) -> None:
    name, _main = project()
    community = stack_config("dev")[f"{name}:groupId"]
    mods = inputs(dev, "moderators")
    assert mods == {
        "group_id": community, "name": "Moderators", "custom_string": "tier=staff",
        "permission": int(G.SendGroupMessage | G.GroupAtAll | G.GetGroupHistoryMessage
                          | G.GroupMuteMember | G.RevokeOtherMemberGroupMessage
                          | G.BanMemberGroupMessage | G.ManageGroupMember),
        "permission_group_id": auto_name(name, "dev", "moderators"),
        "adopt_existing": False}
    assert inputs(dev, "members")["permission"] == 320
    assert inputs(dev, "read-only")["permission"] == 256
    ids = {inputs(dev, n)["permission_group_id"] for n in ("moderators", "members", "read-only")}
    assert len(ids) == 3 and all(is_auto_named(i) for i in ids)


def test_example_topic_permissions_and_members(dev: RegisteredResources) -> None:
    name, _main = project()
    config = stack_config("dev")
    general = inputs(dev, "general")["topic_id"]
    news = inputs(dev, "announcements")["topic_id"]
    pg_ids = {n: inputs(dev, n)["permission_group_id"]
              for n in ("moderators", "members", "read-only")}
    expected = {
        "moderators-announcements": ("moderators", news, T.SendTopicMessage | T.TopicAtAll
                                     | T.GetTopicHistoryMessage | T.ManageTopicInfo),
        "members-announcements": ("members", news, T.GetTopicHistoryMessage),
        "moderators-general": ("moderators", general, T.SendTopicMessage
                               | T.GetTopicHistoryMessage | T.TopicMuteMember
                               | T.RevokeOtherMemberTopicMessage),
        "members-general": ("members", general, T.SendTopicMessage | T.GetTopicHistoryMessage),
        "read-only-general": ("read-only", general, T.GetTopicHistoryMessage),
    }
    for resource, (group, topic, permission) in expected.items():
        assert inputs(dev, resource) == {
            "group_id": config[f"{name}:groupId"], "permission_group_id": pg_ids[group],
            "topic_id": topic, "permission": int(permission), "adopt_existing": False}, resource
    assert inputs(dev, "moderator-accounts") == {
        "group_id": config[f"{name}:groupId"], "permission_group_id": pg_ids["moderators"],
        "members": json.loads(config[f"{name}:moderators"]),
            "exclusive": False, "adopt_existing": False}


def test_example_fails_clearly_without_its_config() -> None:
    name, main = project()
    with pytest.raises(Exception, match="groupId"):
        run_program(lambda: run_main(main), project=name, stack="dev", config={})
