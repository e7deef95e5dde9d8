"""TopicProvider against the emulator: every path of create, read, update and delete."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.runtime import rpc
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.naming import auto_topic_id, is_auto_topic_id
from pulumi_tencentchat.resources._base import ProviderError
from pulumi_tencentchat.resources.topic import TopicProvider

from tests.resources.conftest import Calls, Community
from tests.resources.helpers import GROUP_ID, checked, failures, next_deployment
from tests.support.emulator import EmulatorProcess

TOPIC = f"{GROUP_ID}@TOPIC#_lounge"


@pytest.fixture
def provider(community: Community) -> TopicProvider:
    return TopicProvider()


def t_news(**over: Any) -> dict[str, Any]:
    news: dict[str, Any] = {"group_id": GROUP_ID, "topic_id": TOPIC, "topic_name": "Lounge",
                            "introduction": "Say hi", "custom_string": "tier=1"}
    news.update(over)
    return {k: val for k, val in news.items() if val is not None}


def server(raw: TencentChatClient, topic: str = TOPIC) -> dict[str, str] | None:
    items = [i for i in raw.get_topics(GROUP_ID, [topic]).items if i.ok]
    if not items:
        return None
    i = items[0]
    return {"topic_name": i.topic_name, "introduction": i.introduction,
            "notification": i.notification, "face_url": i.face_url,
            "custom_string": i.custom_string}


# -- check -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "value", "rule"), [
    ("topic_name", "x" * 31, "at most 30 bytes"),
    ("topic_name", "话题名字超过三十字节的长名字", "at most 30 bytes"),
    ("topic_name", " ", "blank"),
    ("introduction", "i" * 241, "at most 240 bytes"),
    ("notification", "n" * 301, "at most 300 bytes"),
    ("face_url", "https://x/" + "a" * 91, "at most 100 bytes"),
    ("face_url", "https://x/a b", "without spaces"),
    ("custom_string", "c" * 3001, "at most 3000 bytes"),
    ("topic_id", "@TGS#_other@TOPIC#_x", "must be a topic of community"),
    ("topic_name", "\x1b[31mred", "control characters"),
])
def test_check_refuses_with_the_field_and_the_rule(provider: TopicProvider, calls: Calls,
                                                   field: str, value: Any, rule: str) -> None:
    found = failures(provider.check({}, t_news(**{field: value})))
    assert list(found) == [field] and rule in found[field]
    assert calls.since() == 0


def test_check_fills_defaults_and_lets_unknowns_through(provider: TopicProvider) -> None:
    inputs = checked(provider, {"group_id": GROUP_ID, "topic_id": TOPIC, "topic_name": "L"})
    assert inputs == {"group_id": GROUP_ID, "topic_id": TOPIC, "topic_name": "L",
                      "introduction": "", "notification": "", "face_url": "",
                      "custom_string": "", "adopt_existing": False}
    result = provider.check({}, t_news(topic_id=rpc.UNKNOWN))
    assert failures(result) == {}


# -- create ------------------------------------------------------------------------------------

def test_create_is_one_call(provider: TopicProvider, calls: Calls,
                            raw: TencentChatClient) -> None:
    result = provider.create(checked(provider, t_news()))
    assert calls.commands() == {"create_topic": 1}
    assert result.id == TOPIC and result.outs["topic_name"] == "Lounge"
    assert server(raw) == {"topic_name": "Lounge", "introduction": "Say hi",
                           "notification": "", "face_url": "", "custom_string": "tier=1"}


def test_an_existing_custom_id_is_refused_then_adopted(provider: TopicProvider,
                                                       raw: TencentChatClient) -> None:
    raw.create_topic(GROUP_ID, "Theirs", topic_id=TOPIC)
    with pytest.raises(ProviderError) as info:
        provider.create(checked(provider, t_news()))
    assert "another stack or the console may own it" in str(info.value)
    assert "adopt_existing=True" in str(info.value) and "protect" in str(info.value)
    assert server(raw)["topic_name"] == "Theirs"
    result = provider.create(checked(provider, t_news(adopt_existing=True)))
    assert result.outs["adopt_existing"] is True and server(raw)["topic_name"] == "Lounge"


def test_an_auto_named_topic_is_recognised_as_ours(provider: TopicProvider,
                                                   raw: TencentChatClient) -> None:
    topic = auto_topic_id(GROUP_ID, "proj", "dev", "lounge")
    assert is_auto_topic_id(topic) and topic.startswith(f"{GROUP_ID}@TOPIC#_lounge-")
    raw.create_topic(GROUP_ID, "Old", topic_id=topic)  # a create whose answer was lost
    provider.create(checked(provider, t_news(topic_id=topic)))
    assert server(raw, topic)["topic_name"] == "Lounge"


def test_a_create_whose_answers_are_all_lost_finds_what_it_made(
        provider: TopicProvider, raw: TencentChatClient, emulator: EmulatorProcess) -> None:
    emulator.set_faults(commands=["create_topic"], fail_next=1000, drop_response_rate=1.0)
    try:
        result = provider.create(checked(provider, t_news()))
    finally:
        emulator.clear_faults()
    assert result.id == TOPIC and server(raw)["topic_name"] == "Lounge"


def test_create_in_a_missing_community_fails_clearly(provider: TopicProvider) -> None:
    with pytest.raises(ProviderError) as info:
        provider.create(checked(provider, t_news(group_id="@TGS#_nowhere",
                                                 topic_id="@TGS#_nowhere@TOPIC#_x")))
    assert "10010" in str(info.value) and "create failed" in str(info.value)


# -- read, update, delete -----------------------------------------------------------------------

def test_read_shows_console_edits_and_a_destroyed_topic(provider: TopicProvider, calls: Calls,
                                                        raw: TencentChatClient) -> None:
    outs = dict(provider.create(checked(provider, t_news())).outs)
    raw.modify_topic(GROUP_ID, TOPIC, introduction="Edited in the console")
    calls.mark()
    read = provider.read(TOPIC, outs)
    assert calls.commands() == {"get_topic": 1}
    assert read.outs["introduction"] == read.inputs["introduction"] == "Edited in the console"
    assert provider.diff(TOPIC, read.outs, outs).changes is True
    raw.destroy_topics(GROUP_ID, [TOPIC])
    assert provider.read(TOPIC, outs).id == ""


def test_update_sends_only_the_changed_profile_fields(provider: TopicProvider, calls: Calls,
                                                      raw: TencentChatClient) -> None:
    olds = dict(provider.create(checked(provider, t_news())).outs)
    news = checked(provider, t_news(topic_name="Lobby", notification="Be kind"), olds)
    diff = provider.diff(TOPIC, olds, news)
    assert diff.changes is True and diff.replaces == []
    next_deployment()
    calls.mark()
    provider.update(TOPIC, olds, news)
    assert calls.commands() == {"modify_topic": 1}
    assert server(raw)["topic_name"] == "Lobby" and server(raw)["notification"] == "Be kind"
    assert server(raw)["introduction"] == "Say hi"


def test_changing_the_id_or_community_replaces(provider: TopicProvider) -> None:
    olds = checked(provider, t_news())
    diff = provider.diff(TOPIC, olds, t_news(topic_id=f"{GROUP_ID}@TOPIC#_other"))
    assert diff.replaces == ["topic_id"] and diff.delete_before_replace is True


def test_update_brings_back_a_topic_destroyed_in_the_console(
        provider: TopicProvider, raw: TencentChatClient) -> None:
    olds = dict(provider.create(checked(provider, t_news())).outs)
    raw.destroy_topics(GROUP_ID, [TOPIC])
    next_deployment()
    provider.update(TOPIC, olds, checked(provider, t_news(topic_name="Back"), olds))
    assert server(raw)["topic_name"] == "Back"


def test_delete_destroys_and_is_idempotent(provider: TopicProvider, calls: Calls,
                                           raw: TencentChatClient) -> None:
    outs = dict(provider.create(checked(provider, t_news())).outs)
    next_deployment()
    calls.mark()
    provider.delete(TOPIC, outs)
    provider.delete(TOPIC, outs)  # already gone: done
    assert calls.commands() == {"destroy_topic": 2} and server(raw) is None
    raw.destroy_group(GROUP_ID)
    calls.mark()
    provider.delete(TOPIC, outs)  # the community is gone, and its topics with it
    assert calls.commands() == {"destroy_topic": 1}


def test_read_by_id(provider: TopicProvider, raw: TencentChatClient) -> None:
    raw.create_topic(GROUP_ID, "Console", topic_id=TOPIC, introduction="made by hand")
    read = provider.read(TOPIC, {})
    assert read.id == TOPIC and read.outs["topic_name"] == "Console"
    assert read.outs["introduction"] == "made by hand"
    with pytest.raises(ProviderError, match="no Topic with ID"):
        provider.read(f"{GROUP_ID}@TOPIC#_nothing", {})
