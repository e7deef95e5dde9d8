"""CommunityPermissionSettingsProvider against the emulator: a setting of an existing community,
applied on create, restored on delete."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.permissions import GroupPermission as G
from pulumi_tencentchat.resources._base import ProviderError
from pulumi_tencentchat.resources.community_permission_settings import (
    CommunityPermissionSettingsProvider,
)

from tests.resources.conftest import Calls, Community
from tests.resources.helpers import GROUP_ID, checked, failures, next_deployment

SEND = int(G.SendGroupMessage | G.GetGroupHistoryMessage)


@pytest.fixture
def provider(community: Community) -> CommunityPermissionSettingsProvider:
    return CommunityPermissionSettingsProvider()


def s_news(**over: Any) -> dict[str, Any]:
    news: dict[str, Any] = {"group_id": GROUP_ID, "default_permission": ["SendGroupMessage",
                                                                         "GetGroupHistoryMessage"]}
    news.update(over)
    return {k: val for k, val in news.items() if val is not None}


def server(raw: TencentChatClient) -> tuple[bool, int]:
    info = raw.get_group_info([GROUP_ID]).items[0]
    return info.enable_permission == 1, int(info.default_permission or 0)


def test_check_requires_the_default_and_explains_the_switch(
        provider: CommunityPermissionSettingsProvider, calls: Calls) -> None:
    missing = failures(provider.check({}, {"group_id": GROUP_ID}))
    assert missing == {"default_permission": "default_permission is required"}
    found = failures(provider.check({}, s_news(enable_permission_groups=False)))
    assert "needs enable_permission_groups=True" in found["default_permission"]
    assert failures(provider.check({}, s_news(enable_permission_groups=False,
                                              default_permission=0))) == {}
    assert calls.since() == 0


def test_create_keeps_the_previous_values_and_applies(
        provider: CommunityPermissionSettingsProvider, calls: Calls,
        raw: TencentChatClient) -> None:
    assert server(raw) == (False, 0)  # a new community: switch off, no default
    calls.mark()
    result = provider.create(checked(provider, s_news()))
    assert calls.commands() == {"get_group_info": 1, "modify_group_base_info": 1}
    assert result.id == GROUP_ID
    assert result.outs["previous_enable_permission_groups"] is False
    assert result.outs["previous_default_permission"] == 0
    assert server(raw) == (True, SEND)


def test_delete_restores_what_was_there(provider: CommunityPermissionSettingsProvider,
                                        raw: TencentChatClient, calls: Calls) -> None:
    raw.modify_group_base_info(GROUP_ID, enable_permission=True, default_permission=64)
    outs = dict(provider.create(checked(provider, s_news(default_permission=SEND + 1))).outs)
    assert server(raw) == (True, SEND + 1)
    next_deployment()
    provider.delete(GROUP_ID, outs)
    assert server(raw) == (True, 64)

    # Switched off before: the default goes back first (only possible while on), then off.
    raw.modify_group_base_info(GROUP_ID, default_permission=0)
    raw.modify_group_base_info(GROUP_ID, enable_permission=False)
    outs = dict(provider.create(checked(provider, s_news())).outs)
    next_deployment()
    calls.mark()
    provider.delete(GROUP_ID, outs)
    assert calls.commands() == {"get_group_info": 1, "modify_group_base_info": 2}
    assert server(raw) == (False, 0)


def test_read_shows_console_changes_and_update_puts_them_back(
        provider: CommunityPermissionSettingsProvider, raw: TencentChatClient,
        calls: Calls) -> None:
    outs = dict(provider.create(checked(provider, s_news())).outs)
    raw.modify_group_base_info(GROUP_ID, default_permission=1)
    read = provider.read(GROUP_ID, outs)
    assert read.outs["default_permission"] == 1 and read.inputs["default_permission"] == 1
    assert read.outs["previous_enable_permission_groups"] is False  # kept
    declared = checked(provider, s_news())
    assert provider.diff(GROUP_ID, read.outs, declared).changes is True
    next_deployment()
    calls.mark()
    updated = provider.update(GROUP_ID, read.outs, declared)
    assert calls.commands() == {"modify_group_base_info": 1}
    assert server(raw) == (True, SEND)
    assert updated.outs["previous_default_permission"] == 0


def test_switching_off_keeps_the_default_untouched(
        provider: CommunityPermissionSettingsProvider, raw: TencentChatClient) -> None:
    olds = dict(provider.create(checked(provider, s_news())).outs)
    news = checked(provider, s_news(enable_permission_groups=False, default_permission=0), olds)
    next_deployment()
    provider.update(GROUP_ID, olds, news)
    assert server(raw) == (False, SEND)


def test_a_missing_community_fails_create_and_is_done_on_delete(
        provider: CommunityPermissionSettingsProvider, raw: TencentChatClient) -> None:
    with pytest.raises(ProviderError, match="community @TGS#_nowhere does not exist"):
        provider.create(checked(provider, s_news(group_id="@TGS#_nowhere")))
    outs = dict(provider.create(checked(provider, s_news())).outs)
    raw.destroy_group(GROUP_ID)
    next_deployment()
    provider.delete(GROUP_ID, outs)
    assert provider.read(GROUP_ID, outs).id == ""


def test_while_switched_off_the_default_is_not_managed(
        provider: CommunityPermissionSettingsProvider, raw: TencentChatClient) -> None:
    # Off with default 0 declared: the community's old default stays, and refresh sees no
    # drift in it (it decides nothing while off).
    raw.modify_group_base_info(GROUP_ID, enable_permission=True, default_permission=50)
    raw.modify_group_base_info(GROUP_ID, enable_permission=False)
    declared = checked(provider, s_news(enable_permission_groups=False, default_permission=0))
    outs = dict(provider.create(declared).outs)
    assert server(raw) == (False, 50)
    read = provider.read(GROUP_ID, outs)
    assert read.outs["default_permission"] == 0
    assert provider.diff(GROUP_ID, read.outs, declared).changes is False


def test_delete_restores_a_default_the_stack_left_behind_while_switched_off(
        provider: CommunityPermissionSettingsProvider, raw: TencentChatClient,
        calls: Calls) -> None:
    # Found (off, 0); the stack set a default, then switched off, leaving the default behind.
    olds = dict(provider.create(checked(provider, s_news())).outs)
    news = checked(provider, s_news(enable_permission_groups=False, default_permission=0), olds)
    next_deployment()
    outs = dict(provider.update(GROUP_ID, olds, news).outs)
    assert server(raw) == (False, SEND)
    next_deployment()
    calls.mark()
    provider.delete(GROUP_ID, outs)
    assert calls.commands() == {"get_group_info": 1, "modify_group_base_info": 2}
    assert server(raw) == (False, 0)  # on to write the default back, then off again

    # Nothing to put back: the delete only reads.
    outs = dict(provider.create(checked(provider, s_news(enable_permission_groups=False,
                                                         default_permission=0))).outs)
    next_deployment()
    calls.mark()
    provider.delete(GROUP_ID, outs)
    assert calls.commands() == {"get_group_info": 1}
