"""PermissionGroupMembersProvider called directly, as the dynamic-provider host calls it."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.resources._base import ProviderError
from pulumi_tencentchat.resources.permission_group_members import (
    PermissionGroupMembersProvider,
)

from tests.resources.conftest import Calls, Community
from tests.resources.helpers import GROUP_ID, checked, failures, next_deployment
from tests.support.emulator import EmulatorProcess

PG = "@PMG#_crew"
ID = f"{GROUP_ID}/{PG}/members"


@pytest.fixture
def provider(community: Community, raw: TencentChatClient) -> PermissionGroupMembersProvider:
    """A provider against the emulator, whose community holds permission group ``PG``."""
    raw.create_permission_group(GROUP_ID, "Crew", permission_group_id=PG)
    return PermissionGroupMembersProvider()


def m_news(members: Any = ("alice", "bob"), **over: Any) -> dict[str, Any]:
    news: dict[str, Any] = {"group_id": GROUP_ID, "permission_group_id": PG,
                            "members": list(members) if isinstance(members, tuple) else members}
    news.update(over)
    return {k: v for k, v in news.items() if v is not None}


def on_server(raw: TencentChatClient, pg: str = PG) -> set[str]:
    return set(raw.iter_permission_group_members(GROUP_ID, pg))


def created(provider: PermissionGroupMembersProvider, members: Any = ("alice", "bob"),
            ) -> dict[str, Any]:
    return dict(provider.create(checked(provider, m_news(members))).outs)


# -- check ----------------------------------------------------------------------------------

def test_check_accepts_and_makes_no_call(provider: PermissionGroupMembersProvider,
                                         calls: Calls) -> None:
    calls.mark()
    inputs = checked(provider, m_news(["alice", "b" * 32]))
    assert inputs == {"group_id": GROUP_ID, "permission_group_id": PG,
                      "members": ["alice", "b" * 32], "exclusive": False, "adopt_existing": False}
    assert calls.since() == 0


@pytest.mark.parametrize(("members", "needle"), [
    ([], "must list at least one account"),
    (["alice", "bob", "alice"], "must not list an account twice (duplicates: alice)"),
    (["a" * 33], "account IDs must be at most 32 bytes"),
    ([""], "must not contain empty account IDs"),
    (["élise"], "printable ASCII"),
    ("alice", "must be a list of account IDs"),
    ([f"u{i}" for i in range(1001)], "at most 1000 accounts (got 1001)"),
    (None, "members is required"),
])
def test_check_rejects(provider: PermissionGroupMembersProvider, members: Any,
                       needle: str) -> None:
    reason = failures(provider.check({}, m_news(members)))["members"]
    assert reason.startswith("members ") and needle in reason


def test_check_33_byte_account_names_size(provider: PermissionGroupMembersProvider) -> None:
    reason = failures(provider.check({}, m_news(["ok", "x" * 33])))["members"]
    assert f"'{'x' * 33}' has 33" in reason


def test_check_rejects_malformed_ids(provider: PermissionGroupMembersProvider) -> None:
    result = provider.check({}, m_news(group_id="@TGS#_", permission_group_id="@PMG#_"))
    assert set(failures(result)) == {"group_id", "permission_group_id"}


def test_check_lets_unknowns_through(provider: PermissionGroupMembersProvider,
                                     calls: Calls) -> None:
    calls.mark()
    news = {"group_id": rpc.UNKNOWN, "permission_group_id": rpc.UNKNOWN,
            "members": rpc.UNKNOWN}
    result = provider.check({}, news)
    assert failures(result) == {} and dict(result.inputs) == {**news,
        "exclusive": False, "adopt_existing": False}
    assert calls.since() == 0


@pytest.mark.parametrize("unknown", [rpc.UNKNOWN, Unknown()])
def test_check_members_list_with_unknown_item(provider: PermissionGroupMembersProvider,
                                              unknown: Any) -> None:
    result = provider.check({}, m_news(["alice", unknown]))
    assert failures(result) == {}
    assert result.inputs["members"] == ["alice", unknown]


@pytest.mark.parametrize("unknown", [rpc.UNKNOWN, Unknown()])
def test_check_partly_unknown_list_validates_known_items(
        provider: PermissionGroupMembersProvider, unknown: Any) -> None:
    reason = failures(provider.check({}, m_news(["x" * 33, unknown])))["members"]
    assert reason.startswith("members ") and "at most 32 bytes" in reason
    reason = failures(provider.check({}, m_news(["bob", unknown, "bob"])))["members"]
    assert "duplicates: bob" in reason


def test_check_partly_unknown_list_keeps_its_messages_short(
        provider: PermissionGroupMembersProvider, calls: Calls) -> None:
    # 1000 known accounts, all padded, 600 of them repeats, plus one unknown: a bounded report.
    padded = [f"user{i:04d} " for i in range(400)]
    calls.mark()
    result = provider.check({}, m_news([*padded * 2, *padded[:200], rpc.UNKNOWN]))
    reasons = [f.reason for f in result.failures]
    assert all(f.property == "members" for f in result.failures)
    assert len(reasons) == 10 + 1 + 1 + 1  # ten accounts, "and more", duplicates, the cap
    assert all("must not begin or end with whitespace" in r for r in reasons[:10])
    assert reasons[10] == "members has 990 more invalid account IDs"
    assert reasons[11] == ("members must not list an account twice (duplicates: "
                           + ", ".join(f"'user{i:04d} '" for i in range(10)) + " and 390 more)")
    assert reasons[12] == "members must list at most 1000 accounts (got 1001)"
    assert sum(len(r) for r in reasons) < 2500
    assert calls.since() == 0


def test_check_rejects_padded_account_in_a_partly_unknown_list(
        provider: PermissionGroupMembersProvider) -> None:
    reason = failures(provider.check({}, m_news(["bob ", rpc.UNKNOWN])))["members"]
    assert reason == ("members must not begin or end with whitespace (got 'bob '): IDs are "
                      "compared exactly, so the padded value would name a different object")


def test_diff_partly_unknown_members_is_a_change(
        provider: PermissionGroupMembersProvider) -> None:
    result = provider.diff(ID, m_news(), m_news(["alice", Unknown()]))
    assert result.changes is True and result.replaces == []


# -- create ---------------------------------------------------------------------------------

def test_create_is_one_call_and_visible(provider: PermissionGroupMembersProvider,
                                        calls: Calls, raw: TencentChatClient) -> None:
    inputs = checked(provider, m_news())
    calls.mark()
    result = provider.create(inputs)
    assert calls.commands() == {"add_permission_group_member": 1}
    assert result.id == ID
    assert result.outs == {"group_id": GROUP_ID, "permission_group_id": PG,
                           "members": ["alice", "bob"],
                               "exclusive": False, "adopt_existing": False}
    assert on_server(raw) == {"alice", "bob"}


def test_create_with_existing_member_succeeds(provider: PermissionGroupMembersProvider,
                                              raw: TencentChatClient) -> None:
    raw.add_permission_group_members(GROUP_ID, PG, ["alice"])
    created(provider)
    assert on_server(raw) == {"alice", "bob"}


def test_create_batches_by_100(provider: PermissionGroupMembersProvider, calls: Calls,
                               raw: TencentChatClient) -> None:
    accounts = [f"user{i:03d}" for i in range(250)]
    inputs = checked(provider, m_news(accounts))
    calls.mark()
    provider.create(inputs)
    assert calls.commands() == {"add_permission_group_member": 3}
    assert on_server(raw) == set(accounts)


def test_create_in_missing_permission_group_fails(provider: PermissionGroupMembersProvider,
                                                  ) -> None:
    with pytest.raises(ProviderError) as info:
        provider.create(checked(provider, m_news(permission_group_id="@PMG#_nope")))
    text = str(info.value)
    assert text.startswith("tencentchat:PermissionGroupMembers members of permission group "
                           f"@PMG#_nope in community {GROUP_ID}: create failed")
    assert "110006" in text


# -- read -----------------------------------------------------------------------------------

def test_read_reports_removed_member(provider: PermissionGroupMembersProvider, calls: Calls,
                                     raw: TencentChatClient) -> None:
    outs = created(provider, ("alice", "bob", "carol"))
    raw.delete_permission_group_members(GROUP_ID, PG, ["bob"])
    raw.add_permission_group_members(GROUP_ID, PG, ["mallory"])  # not ours: not reported
    calls.mark()
    result = provider.read(ID, outs)
    assert calls.since() == 1
    assert result.id == ID
    assert result.outs == {"group_id": GROUP_ID, "permission_group_id": PG,
                           "members": ["alice", "carol"],
                               "exclusive": False, "adopt_existing": False}
    assert result.inputs == result.outs
    # refresh direction: refreshed outputs vs old inputs -> an in-place update (re-add bob)
    diff = provider.diff(ID, result.outs, m_news(["alice", "bob", "carol"]))
    assert diff.changes is True and diff.replaces == []


def test_read_pages_through_many_members(provider: PermissionGroupMembersProvider,
                                         raw: TencentChatClient) -> None:
    accounts = [f"user{i:03d}" for i in range(120)]
    outs = created(provider, accounts)
    result = provider.read(ID, outs)
    assert result.outs["members"] == accounts


def test_read_gone(provider: PermissionGroupMembersProvider, raw: TencentChatClient) -> None:
    outs = created(provider)
    raw.delete_permission_group_members(GROUP_ID, PG, ["alice", "bob"])
    result = provider.read(ID, outs)
    assert result.id == "" and result.outs == {}


def test_read_gone_with_permission_group(provider: PermissionGroupMembersProvider,
                                         raw: TencentChatClient) -> None:
    outs = created(provider)
    raw.destroy_permission_groups(GROUP_ID, [PG])
    result = provider.read(ID, outs)
    assert result.id == "" and result.outs == {}


def test_read_gone_with_community(provider: PermissionGroupMembersProvider,
                                  raw: TencentChatClient) -> None:
    outs = created(provider)
    raw.destroy_group(GROUP_ID)
    result = provider.read(ID, outs)
    assert result.id == "" and result.outs == {}


# -- diff -----------------------------------------------------------------------------------

def test_diff_reorder_is_no_change(provider: PermissionGroupMembersProvider) -> None:
    olds = {**m_news(["alice", "bob", "carol"]), "__provider": "a"}
    news = {**m_news(["carol", "alice", "bob"]), "__provider": "b"}
    result = provider.diff(ID, olds, news)
    assert result.changes is False and result.replaces == []


def test_diff_membership_change_is_update(provider: PermissionGroupMembersProvider) -> None:
    for members in (["alice"], ["alice", "bob", "dave"], ["dave", "erin"]):
        result = provider.diff(ID, m_news(), m_news(members))
        assert result.changes is True and result.replaces == []


@pytest.mark.parametrize(("field", "value"), [
    ("group_id", "@TGS#_other"), ("permission_group_id", "@PMG#_other"),
    ("permission_group_id", rpc.UNKNOWN),
])
def test_diff_replace(provider: PermissionGroupMembersProvider, field: str,
                      value: Any) -> None:
    result = provider.diff(ID, m_news(), m_news(**{field: value}))
    assert result.changes is True and result.replaces == [field]


def test_diff_unknown_members_is_a_change(provider: PermissionGroupMembersProvider) -> None:
    result = provider.diff(ID, m_news(), m_news(members=rpc.UNKNOWN))
    assert result.changes is True and result.replaces == []


# -- update ---------------------------------------------------------------------------------

def test_update_adds_and_removes_only_the_difference(
        provider: PermissionGroupMembersProvider, calls: Calls,
        raw: TencentChatClient) -> None:
    olds = created(provider, ("alice", "bob"))
    raw.add_permission_group_members(GROUP_ID, PG, ["outsider"])
    news = checked(provider, m_news(["bob", "carol"]))
    calls.mark()
    next_deployment()
    result = provider.update(ID, olds, news)
    assert calls.commands() == {"add_permission_group_member": 1,
                                "delete_permission_group_member": 1}
    assert result.outs["members"] == ["bob", "carol"]
    assert on_server(raw) == {"bob", "carol", "outsider"}


def test_update_reorder_makes_no_call(provider: PermissionGroupMembersProvider,
                                      calls: Calls) -> None:
    olds = created(provider, ("alice", "bob"))
    calls.mark()
    provider.update(ID, olds, checked(provider, m_news(["bob", "alice"])))
    assert calls.since() == 0


def test_update_batches_large_additions(provider: PermissionGroupMembersProvider,
                                        calls: Calls, raw: TencentChatClient) -> None:
    olds = created(provider, ("alice",))
    accounts = ["alice", *[f"user{i:03d}" for i in range(250)]]
    calls.mark()
    provider.update(ID, olds, checked(provider, m_news(accounts)))
    assert calls.commands() == {"add_permission_group_member": 3}
    assert on_server(raw) == set(accounts)


def test_update_batches_large_removals(provider: PermissionGroupMembersProvider,
                                       calls: Calls, raw: TencentChatClient) -> None:
    accounts = [f"user{i:03d}" for i in range(250)]
    olds = created(provider, ["keep", *accounts])
    calls.mark()
    next_deployment()
    provider.update(ID, olds, checked(provider, m_news(["keep"])))
    assert calls.commands() == {"delete_permission_group_member": 3}
    assert on_server(raw) == {"keep"}


# -- delete ---------------------------------------------------------------------------------

def test_delete_removes_only_listed(provider: PermissionGroupMembersProvider, calls: Calls,
                                    raw: TencentChatClient) -> None:
    outs = created(provider, ("alice", "bob"))
    raw.add_permission_group_members(GROUP_ID, PG, ["outsider"])
    calls.mark()
    next_deployment()
    provider.delete(ID, outs)
    assert calls.commands() == {"delete_permission_group_member": 1}
    assert on_server(raw) == {"outsider"}
    next_deployment()
    provider.delete(ID, outs)  # idempotent
    assert on_server(raw) == {"outsider"}


def test_delete_after_permission_group_or_community_gone(
        provider: PermissionGroupMembersProvider, raw: TencentChatClient, calls: Calls) -> None:
    outs = created(provider)
    raw.destroy_permission_groups(GROUP_ID, [PG])
    next_deployment()
    calls.mark()
    provider.delete(ID, outs)  # gone with its permission group: done, after asking
    assert calls.commands() == {"delete_permission_group_member": 1}
    raw.destroy_group(GROUP_ID)
    calls.mark()
    provider.delete(ID, outs)  # and with its community
    assert calls.commands() == {"delete_permission_group_member": 1}


# -- failing part-way -------------------------------------------------------------------------


def test_create_failing_part_way_undoes_the_batches_it_applied(
        provider: PermissionGroupMembersProvider, raw: TencentChatClient,
        emulator: EmulatorProcess) -> None:
    # 250 accounts are 3 calls of 100; the second is refused (a non-retried code): the first
    # batch's 100 accounts must not stay on the server, where no state would record them.
    accounts = [f"user{i:03d}" for i in range(250)]
    raw.add_permission_group_members(GROUP_ID, PG, ["user005"])  # someone else's: stays
    original = TencentChatClient.add_permission_group_members
    state = {"calls": 0}

    def refuse_second(self: TencentChatClient, *args: Any) -> Any:
        state["calls"] += 1
        if state["calls"] == 2:
            emulator.set_faults(commands=["add_permission_group_member"], fail_next=1,
                                error_code=70001)
        return original(self, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TencentChatClient, "add_permission_group_members", refuse_second)
        with pytest.raises(ProviderError) as info:
            provider.create(checked(provider, m_news(accounts)))
    text = str(info.value)
    assert "70001" in text and "were undone" in text
    assert on_server(raw) == {"user005"}


def test_an_undo_that_fails_says_what_is_left(provider: PermissionGroupMembersProvider,
                                              raw: TencentChatClient,
                                              emulator: EmulatorProcess) -> None:
    accounts = [f"user{i:03d}" for i in range(150)]
    original = TencentChatClient.add_permission_group_members
    state = {"calls": 0}

    def refuse_second(self: TencentChatClient, *args: Any) -> Any:
        state["calls"] += 1
        if state["calls"] == 2:  # the second batch and every removal fail
            emulator.set_faults(commands=["add_permission_group_member",
                                          "delete_permission_group_member"],
                                fail_next=1000, error_code=10007)
        return original(self, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TencentChatClient, "add_permission_group_members", refuse_second)
        with pytest.raises(ProviderError) as info:
            provider.create(checked(provider, m_news(accounts)))
    emulator.clear_faults()
    text = str(info.value)
    assert "Not undone: 100 account(s) added and still there: user000" in text
    assert "and 90 more" in text and "pulumi refresh" in text
    assert len(text) < 1500
    assert on_server(raw) == set(accounts[:100])


# -- exclusive --------------------------------------------------------------------------------

def test_state_without_exclusive_diffs_clean_and_keeps_others(
        provider: PermissionGroupMembersProvider, raw: TencentChatClient, calls: Calls) -> None:
    # State written before the option existed has no "exclusive": no diff, and an update
    # still leaves accounts it does not list.
    olds = {k: v for k, v in created(provider, ("alice", "bob")).items() if k != "exclusive"}
    assert provider.diff(ID, olds, checked(provider, m_news(), olds)).changes is False
    raw.add_permission_group_members(GROUP_ID, PG, ["outsider"])
    next_deployment()
    provider.update(ID, olds, checked(provider, m_news(["alice"]), olds))
    assert on_server(raw) == {"alice", "outsider"}
    assert provider.read(ID, olds).outs["members"] == ["alice"]


def test_exclusive_create_and_update_remove_unlisted_members(
        provider: PermissionGroupMembersProvider, raw: TencentChatClient, calls: Calls) -> None:
    raw.add_permission_group_members(GROUP_ID, PG, ["outsider", "alice"])
    calls.mark()
    outs = dict(provider.create(checked(provider, m_news(exclusive=True))).outs)
    assert calls.commands() == {"get_permission_group_member_list": 1,
                                "delete_permission_group_member": 1,
                                "add_permission_group_member": 1}
    assert on_server(raw) == {"alice", "bob"} and outs["exclusive"] is True
    # Outside Pulumi: one extra member, one listed member removed. The next update (here a
    # change of the list) puts the list back exactly.
    raw.add_permission_group_members(GROUP_ID, PG, ["mallory"])
    raw.delete_permission_group_members(GROUP_ID, PG, ["bob"])
    next_deployment()
    provider.update(ID, outs, checked(provider, m_news(["alice", "bob", "carol"],
                                                       exclusive=True), outs))
    assert on_server(raw) == {"alice", "bob", "carol"}


def test_exclusive_refresh_shows_extra_members_as_drift(
        provider: PermissionGroupMembersProvider, raw: TencentChatClient) -> None:
    outs = dict(provider.create(checked(provider, m_news(exclusive=True))).outs)
    raw.add_permission_group_members(GROUP_ID, PG, ["mallory"])
    result = provider.read(ID, outs)
    assert result.outs["members"] == ["alice", "bob", "mallory"]
    assert result.inputs["exclusive"] is True
    diff = provider.diff(ID, result.outs, checked(provider, m_news(exclusive=True)))
    assert diff.changes is True and diff.replaces == []
    next_deployment()  # the next up removes the extra member
    provider.update(ID, dict(result.outs), checked(provider, m_news(exclusive=True)))
    assert on_server(raw) == {"alice", "bob"}


def test_exclusive_is_an_update_in_place(provider: PermissionGroupMembersProvider) -> None:
    result = provider.diff(ID, m_news(), m_news(exclusive=True))
    assert result.changes is True and result.replaces == []
