"""Topic and CommunityPermissionSettings on the program side: what a program registers.

Runs programs under mocks (``run_program``): auto topic IDs, bit names, and inputs refused
before anything is registered (so before any API call).
"""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from pulumi_tencentchat import CommunityPermissionSettings, GroupPermission, Topic
from pulumi_tencentchat.naming import auto_topic_id

from tests.program.test_resources import inputs, one
from tests.support.program import run_program

GROUP = "@TGS#_prog"


def test_a_topic_without_an_id_gets_its_stable_auto_id_in_the_program() -> None:
    res = one(lambda: Topic("lounge", group_id=GROUP, topic_name="Lounge"),
              project="chat", stack="prod")
    assert res.type == "pulumi-python:dynamic/tencentchat:Topic"
    assert inputs(res)["topic_id"] == auto_topic_id(GROUP, "chat", "prod", "lounge")
    assert inputs(res)["topic_id"].startswith(f"{GROUP}@TOPIC#_lounge-")
    assert one(lambda: Topic("lounge", group_id=GROUP, topic_name="Lounge"),
               project="chat", stack="dev").plain_inputs()["topic_id"] != inputs(res)["topic_id"]


def test_a_topic_keeps_a_given_id_and_follows_a_group_known_later() -> None:
    given = f"{GROUP}@TOPIC#_general"
    assert inputs(one(lambda: Topic("g", group_id=GROUP, topic_name="G",
                                    topic_id=given)))["topic_id"] == given
    later = one(lambda: Topic("g", group_id=pulumi.Output.from_input(GROUP), topic_name="G"))
    assert inputs(later)["topic_id"] == auto_topic_id(GROUP, "proj", "dev", "g")


@pytest.mark.parametrize(("program", "field", "rule"), [
    (lambda: Topic("t", group_id=GROUP, topic_name="x" * 31), "topic_name", "30 bytes"),
    (lambda: Topic("t", group_id=GROUP, topic_name=" "), "topic_name", "blank"),
    (lambda: Topic("t", group_id=GROUP, topic_name="T", topic_id="@TGS#_other@TOPIC#_x"),
     "topic_id", GROUP),
    (lambda: Topic("t", group_id=GROUP, topic_name="T", introduction="i" * 241),
     "introduction", "240 bytes"),
    (lambda: CommunityPermissionSettings("t", group_id=GROUP), "default_permission",
     "required"),
    (lambda: CommunityPermissionSettings("t", group_id=GROUP, default_permission=["Nope"]),
     "default_permission", "Nope"),
    (lambda: CommunityPermissionSettings("t", group_id=GROUP, default_permission=64,
                                         enable_permission_groups=False),
     "default_permission", "enable_permission_groups=True"),
])
def test_bad_inputs_are_refused_in_the_program(program: Any, field: str, rule: str) -> None:
    with pytest.raises(ValueError) as err:
        run_program(program)
    assert "'t'" in str(err.value) and field in str(err.value) and rule in str(err.value)


def test_the_default_permission_takes_flags_or_names() -> None:
    flags = one(lambda: CommunityPermissionSettings(
        "d", group_id=GROUP, default_permission=GroupPermission.SendGroupMessage
        | GroupPermission.GroupAtAll))
    names = one(lambda: CommunityPermissionSettings(
        "d", group_id=GROUP, default_permission=["SendGroupMessage", "GroupAtAll"]))
    assert inputs(flags)["default_permission"] == inputs(names)["default_permission"] == 192
    assert inputs(flags)["enable_permission_groups"] is True
