"""Topic and CommunityPermissionSettings through the real plugin, in the engine's order.

Each flow is a whole deployment (``tests/support/engine.py``): preview with unknowns, create,
an unchanged program, an update, a replacement, refresh with drift, destroy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pulumi
import pytest
from pulumi_tencentchat import CommunityPermissionSettings, PermissionGroup, Topic, TopicPermission
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.naming import auto_topic_id

from tests.support.emulator import EmulatorProcess
from tests.support.engine import Stack
from tests.support.plugin import DEFAULT_PROJECT, DEFAULT_STACK

from .conftest import CLEAN_ENV, GROUP_ID, SECRET_CONFIG_KEYS, stack_config

LOUNGE = auto_topic_id(GROUP_ID, DEFAULT_PROJECT, DEFAULT_STACK, "lounge")


@pytest.fixture
def stack(emulator: EmulatorProcess, community: str) -> Iterator[Stack]:
    yield Stack(stack_config(emulator.url), secret_keys=SECRET_CONFIG_KEYS, plugin_env=CLEAN_ENV)


def model(default: Any = 64, enable: bool = True, intro: str = "hi",
          topic_id: str | None = None) -> Callable[[], None]:
    def program() -> None:
        CommunityPermissionSettings("defaults", group_id=GROUP_ID, default_permission=default,
                                    enable_permission_groups=enable)
        lounge = Topic("lounge", group_id=GROUP_ID, topic_name="Lounge", introduction=intro,
                       topic_id=topic_id)
        mods = PermissionGroup("mods", group_id=GROUP_ID, name="Mods", permission=64)
        TopicPermission("mods-lounge", group_id=GROUP_ID,
                        permission_group_id=mods.permission_group_id, topic_id=lounge.topic_id,
                        permission=8)
    return program


def settings(raw: TencentChatClient) -> tuple[int, int]:
    info = raw.get_group_info([GROUP_ID]).items[0]
    return info.enable_permission, info.default_permission


def topics(raw: TencentChatClient) -> dict[str, tuple[str, str]]:
    return {t.topic_id: (t.topic_name, t.introduction) for t in raw.get_topics(GROUP_ID).items
            if "@TOPIC#_lounge" in t.topic_id}


def test_the_community_model_lifecycle(stack: Stack, raw: TencentChatClient) -> None:
    before = settings(raw)

    outcome = stack.preview(model())  # nothing exists: no write, no read
    assert {m for m, _ in outcome.calls} <= {"check", "diff"}

    outcome = stack.up(model())
    assert {"defaults", "lounge", "mods-lounge"} <= set(outcome.ops("create"))
    assert settings(raw) == (1, 64)
    assert topics(raw) == {LOUNGE: ("Lounge", "hi")}
    assert stack.snapshot.get("mods-lounge").outputs["topic_id"] == LOUNGE  # a reference

    outcome = stack.up(model())  # unchanged: only checks and diffs
    assert {m for m, _ in outcome.calls} == {"check", "diff"}

    outcome = stack.up(model(default=["SendGroupMessage", "GroupAtAll"], intro="hello"))
    assert sorted(outcome.ops("update")) == ["defaults", "lounge"]
    assert settings(raw) == (1, 192) and topics(raw) == {LOUNGE: ("Lounge", "hello")}

    raw.modify_group_base_info(GROUP_ID, default_permission=1)
    raw.modify_topic(GROUP_ID, LOUNGE, introduction="console")
    outcome = stack.refresh()
    assert sorted(outcome.drift) == ["defaults", "lounge"]
    outcome = stack.up(model(default=["SendGroupMessage", "GroupAtAll"], intro="hello"))
    assert sorted(outcome.ops("update")) == ["defaults", "lounge"]
    assert settings(raw) == (1, 192) and topics(raw) == {LOUNGE: ("Lounge", "hello")}

    # A new topic ID replaces: the old topic is deleted first, its topic permission with it,
    # and both are made again under the new ID.
    other = f"{GROUP_ID}@TOPIC#_lounge2"
    outcome = stack.up(model(default=["SendGroupMessage", "GroupAtAll"], intro="hello",
                             topic_id=other))
    assert outcome.ops("delete")[:2] == ["mods-lounge", "lounge"]
    assert topics(raw) == {other: ("Lounge", "hello")}
    assert stack.snapshot.get("mods-lounge").outputs["topic_id"] == other

    stack.destroy()
    assert settings(raw) == before and topics(raw) == {}


def test_preview_of_a_topic_permission_on_a_new_topic(stack: Stack) -> None:
    outcome = stack.preview(model())
    assert "create" not in {m for m, _ in outcome.calls}
    assert stack.snapshot.resources == []


def test_switching_permission_groups_off(stack: Stack, raw: TencentChatClient) -> None:
    stack.up(model())
    stack.up(model(default=0, enable=False))
    assert settings(raw) == (0, 64)  # the default is kept, not applied while off


def test_topics_can_be_protected(stack: Stack, raw: TencentChatClient) -> None:
    def protected() -> None:
        Topic("lounge", group_id=GROUP_ID, topic_name="Lounge",
              opts=pulumi.ResourceOptions(protect=True))

    stack.up(protected)
    with pytest.raises(Exception, match="protected"):
        stack.destroy()
    assert LOUNGE in topics(raw)
