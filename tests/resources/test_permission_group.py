"""PermissionGroupProvider called directly, as the dynamic-provider host calls it."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.dynamic import ReadResult
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.naming import auto_name
from pulumi_tencentchat.permissions import GroupPermission, TopicPermissionBit
from pulumi_tencentchat.resources._base import ProviderError
from pulumi_tencentchat.resources.permission_group import PermissionGroupProvider

from tests.resources.conftest import Calls, Community
from tests.resources.helpers import (
    GROUP_ID,
    MAX,
    checked,
    failures,
    next_deployment,
    pg_news,
)

PG = "@PMG#_admins"


@pytest.fixture
def provider(community: Community) -> PermissionGroupProvider:
    """A provider whose runtime points at the emulator, which holds the community."""
    return PermissionGroupProvider()


def server(raw: TencentChatClient, pg_id: str = PG) -> Any:
    """The server's record of a permission group (None when absent)."""
    items = raw.get_permission_groups(GROUP_ID, [pg_id]).items
    found = [i for i in items if i.ok and i.permission_group_id == pg_id]
    return found[0] if found else None


def created(provider: PermissionGroupProvider, **over: Any) -> dict[str, Any]:
    """Check + create; return the outputs (state) as the engine would store them."""
    result = provider.create(checked(provider, pg_news(**over)))
    return dict(result.outs)


# -- check ----------------------------------------------------------------------------------

def test_check_fills_defaults_and_coerces_floats(provider: PermissionGroupProvider,
                                                 calls: Calls) -> None:
    inputs = checked(provider, {"group_id": GROUP_ID, "permission_group_id": PG,
                                "name": "Admins"})
    assert inputs == {"group_id": GROUP_ID, "permission_group_id": PG, "name": "Admins",
                      "permission": 0, "custom_string": "", "adopt_existing": False,
                      "permission_names": []}
    inputs = checked(provider, pg_news(permission=39.0))
    assert inputs["permission"] == 39 and type(inputs["permission"]) is int
    assert calls.since() == 0


@pytest.mark.parametrize("value", [
    ["SendGroupMessage", "GroupAtAll"],
    ("SendGroupMessage", "GroupAtAll"),
    GroupPermission.SendGroupMessage | GroupPermission.GroupAtAll,
    192, 192.0, "192", ["SendGroupMessage", 128.0],
])
def test_check_permission_forms(provider: PermissionGroupProvider, value: Any) -> None:
    inputs = checked(provider, pg_news(permission=value))
    assert inputs["permission"] == 192 and type(inputs["permission"]) is int


def test_check_permission_limits(provider: PermissionGroupProvider, calls: Calls) -> None:
    assert checked(provider, pg_news(permission=MAX))["permission"] == str(MAX)
    # What the program sends for 2**64-1: the decimal string, accepted unchanged.
    assert checked(provider, pg_news(permission=str(MAX)))["permission"] == str(MAX)
    assert checked(provider, pg_news(permission=2**53))["permission"] == 2**53
    assert checked(provider, pg_news(permission=2**53 + 1))["permission"] == str(2**53 + 1)
    for bad in (-1, -1.0, 2**64, str(2**64), float(2**64)):
        reason = failures(provider.check({}, pg_news(permission=bad)))["permission"]
        assert reason.startswith("permission ")
        assert "2^64-1" in reason
    assert calls.since() == 0


@pytest.mark.parametrize(("value", "needle"), [
    (["SendGroupMessage", "NoSuchBit"], "'NoSuchBit'"),
    (0.5, "whole number"),
    (True, "boolean"),
    (TopicPermissionBit.SendTopicMessage, "expected GroupPermission"),
    ({"a": 1}, "must be an integer"),
])
def test_check_permission_rejects(provider: PermissionGroupProvider, value: Any,
                                  needle: str) -> None:
    reason = failures(provider.check({}, pg_news(permission=value)))["permission"]
    assert reason.startswith("permission ") and needle in reason


def test_unknown_bit_name_lists_the_valid_names(provider: PermissionGroupProvider) -> None:
    reason = failures(provider.check({}, pg_news(permission=["Bogus"])))["permission"]
    assert "unknown GroupPermission bit name 'Bogus'" in reason
    assert "SendGroupMessage" in reason and "BanMemberGroupMessage" in reason


def test_check_name_limit_counts_utf8_bytes(provider: PermissionGroupProvider,
                                            calls: Calls) -> None:
    assert checked(provider, pg_news(name="a" * 150))["name"] == "a" * 150
    cjk = "权" * 50  # 3 bytes each: 150 bytes
    assert checked(provider, pg_news(name=cjk))["name"] == cjk
    for bad, size in (("a" * 151, 151), (cjk + "a", 151), ("权" * 51, 153)):
        reason = failures(provider.check({}, pg_news(name=bad)))["name"]
        assert reason == f"name must be at most 150 bytes of UTF-8 (got {size} bytes)"
    assert failures(provider.check({}, pg_news(name="")))["name"] == "name must not be empty"
    assert failures(provider.check({}, pg_news(name=None)))["name"] == "name is required"
    assert calls.since() == 0


def test_check_custom_string_limit(provider: PermissionGroupProvider) -> None:
    assert checked(provider, pg_news(custom_string="x" * 3000))["custom_string"] == "x" * 3000
    assert checked(provider, pg_news(custom_string="é" * 1500))["custom_string"] == "é" * 1500
    for bad, size in (("x" * 3001, 3001), ("é" * 1500 + "x", 3001)):
        reason = failures(provider.check({}, pg_news(custom_string=bad)))["custom_string"]
        assert reason == f"custom_string must be at most 3000 bytes of UTF-8 (got {size} bytes)"


@pytest.mark.parametrize("bad", [
    "dev", "@TGS#_", "@TGS#dev", "@TGS#_d\u00e9v", "@TGS#_" + "x" * 42,
    "@TGS#_dev@TOPIC#_general", 12.0,
])
def test_check_rejects_malformed_group_id(provider: PermissionGroupProvider, bad: Any) -> None:
    reason = failures(provider.check({}, pg_news(group_id=bad)))["group_id"]
    assert reason.startswith("group_id must ")


def test_check_group_id_length_boundary(provider: PermissionGroupProvider) -> None:
    ok = "@TGS#_" + "x" * 41  # 47 bytes
    assert checked(provider, pg_news(group_id=ok))["group_id"] == ok
    reason = failures(provider.check({}, pg_news(group_id=ok + "x")))["group_id"]
    assert "at most 47 bytes" in reason and "48" in reason


@pytest.mark.parametrize("bad", ["admins", "@PMG#_", "@PMG#admins", "@PMG#_ä",
                                 "@PMG#_" + "x" * 42, "@PMG#_a\tb"])
def test_check_rejects_malformed_permission_group_id(provider: PermissionGroupProvider,
                                                     bad: str) -> None:
    reason = failures(provider.check({}, pg_news(permission_group_id=bad)))
    assert reason["permission_group_id"].startswith("permission_group_id must ")


def test_check_server_style_id_needs_adopt_existing(provider: PermissionGroupProvider) -> None:
    server_id = "@PMG#_@PMG#abc"
    reason = failures(provider.check({}, pg_news(permission_group_id=server_id)))
    assert "@PMG#_@PMG#" in reason["permission_group_id"]
    assert "adopt_existing=True" in reason["permission_group_id"]
    inputs = checked(provider, pg_news(permission_group_id=server_id, adopt_existing=True))
    assert inputs["permission_group_id"] == server_id and inputs["adopt_existing"] is True


def test_check_adopt_existing_must_be_boolean(provider: PermissionGroupProvider) -> None:
    reason = failures(provider.check({}, pg_news(adopt_existing=1.0)))["adopt_existing"]
    assert reason.startswith("adopt_existing must be true or false")


def test_check_reports_every_bad_field(provider: PermissionGroupProvider) -> None:
    result = provider.check({}, pg_news(group_id="x", name="", permission=-1))
    assert set(failures(result)) == {"group_id", "name", "permission"}


def test_check_lets_unknowns_through(provider: PermissionGroupProvider, calls: Calls) -> None:
    news = {"group_id": rpc.UNKNOWN, "permission_group_id": rpc.UNKNOWN, "name": rpc.UNKNOWN,
            "permission": rpc.UNKNOWN, "custom_string": rpc.UNKNOWN}
    result = provider.check({}, news)
    assert failures(result) == {}
    assert {k: result.inputs[k] for k in news} == news
    assert result.inputs["adopt_existing"] is False
    # Known values beside unknown ones are still validated and normalised.
    result = provider.check({}, {**news, "permission": ["SendGroupMessage"], "name": ""})
    assert result.inputs["permission"] == 64
    assert set(failures(result)) == {"name"}
    assert calls.since() == 0


@pytest.mark.parametrize("unknown", [rpc.UNKNOWN, Unknown()])
def test_check_server_style_id_with_unknown_adopt_existing(
        provider: PermissionGroupProvider, unknown: Any) -> None:
    result = provider.check({}, pg_news(permission_group_id="@PMG#_@PMG#abc",
                                        adopt_existing=unknown))
    assert failures(result) == {}


def test_check_lets_unknown_objects_through(provider: PermissionGroupProvider) -> None:
    # What the host really passes (deserialize_properties(..., keep_unknowns=True)).
    group, name = Unknown(), Unknown()
    result = provider.check({}, pg_news(group_id=group, name=name, permission=["GroupAtAll"]))
    assert failures(result) == {}
    assert result.inputs["group_id"] is group and result.inputs["name"] is name
    assert result.inputs["permission"] == 128


# -- create ---------------------------------------------------------------------------------

def test_create_is_one_call_and_visible(provider: PermissionGroupProvider, calls: Calls,
                                        raw: TencentChatClient) -> None:
    inputs = checked(provider, pg_news(name="管理员", permission=["SendGroupMessage",
                                                                  "ManageTopic"],
                                       custom_string="meta"))
    calls.mark()
    result = provider.create(inputs)
    assert calls.since() == 1
    assert calls.commands() == {"create_permission_group": 1}
    assert result.id == f"{GROUP_ID}/{PG}"
    assert result.outs == {"group_id": GROUP_ID, "permission_group_id": PG, "name": "管理员",
                           "permission": 80, "custom_string": "meta",
                           "adopt_existing": False, "member_count": 0,
                           "permission_names": ["ManageTopic", "SendGroupMessage"]}
    item = server(raw)
    assert (item.name, item.permission, item.custom_string) == ("管理员", 80, "meta")


def test_create_max_permission_round_trips(provider: PermissionGroupProvider,
                                           raw: TencentChatClient) -> None:
    outs = created(provider, permission=str(MAX))
    assert outs["permission"] == str(MAX)
    assert server(raw).permission == MAX
    read = provider.read(f"{GROUP_ID}/{PG}", outs)
    assert read.outs["permission"] == str(MAX)
    assert provider.diff("x", read.outs, checked(provider, pg_news(permission=str(MAX)))) \
        .changes is False


def test_create_in_missing_community_fails_clearly(provider: PermissionGroupProvider,
                                                   calls: Calls) -> None:
    inputs = checked(provider, pg_news(group_id="@TGS#_nowhere"))
    with pytest.raises(ProviderError) as info:
        provider.create(inputs)
    text = str(info.value)
    assert text.startswith(f"tencentchat:PermissionGroup {PG} in community @TGS#_nowhere")
    assert "10010" in text and "group does not exist" in text


# -- adoption and lost creates ----------------------------------------------------------------

def test_auto_named_existing_is_taken_over(provider: PermissionGroupProvider, calls: Calls,
                                           raw: TencentChatClient) -> None:
    pg_id = auto_name("proj", "dev", "admins")
    raw.create_permission_group(GROUP_ID, "Old", permission=1, permission_group_id=pg_id,
                                custom_string="old")
    inputs = checked(provider, pg_news(permission_group_id=pg_id, name="Admins",
                                       permission=39.0))
    calls.mark()
    result = provider.create(inputs)
    assert result.id == f"{GROUP_ID}/{pg_id}"
    item = server(raw, pg_id)
    assert (item.name, item.permission, item.custom_string) == ("Admins", 39, "")
    assert calls.commands().get("modify_permission_group") == 1


def test_adopt_existing_takes_over_and_updates(provider: PermissionGroupProvider,
                                               raw: TencentChatClient) -> None:
    raw.create_permission_group(GROUP_ID, "Theirs", permission=2047,
                                permission_group_id=PG, custom_string="x")
    outs = created(provider, adopt_existing=True, permission=["SendGroupMessage"])
    assert outs["adopt_existing"] is True and outs["permission"] == 64
    item = server(raw)
    assert (item.name, item.permission, item.custom_string) == ("Admins", 64, "")


def test_adopt_existing_server_generated_id(provider: PermissionGroupProvider,
                                            raw: TencentChatClient) -> None:
    pg_id = raw.create_permission_group(GROUP_ID, "Console", permission=3)
    assert pg_id.startswith("@PMG#_@PMG#")
    raw.add_permission_group_members(GROUP_ID, pg_id, ["alice"])
    outs = created(provider, permission_group_id=pg_id, adopt_existing=True, name="Mods")
    assert outs["member_count"] == 1
    item = server(raw, pg_id)
    assert (item.name, item.permission) == ("Mods", 39)


def test_identical_existing_is_not_taken_without_proof(provider: PermissionGroupProvider,
                                                       calls: Calls,
                                                       raw: TencentChatClient) -> None:
    # Another stack running the same program declares exactly these values: equal values
    # prove nothing, so a custom ID that exists is refused, the object untouched.
    raw.create_permission_group(GROUP_ID, "Admins", permission=39, permission_group_id=PG)
    calls.mark()
    with pytest.raises(ProviderError) as info:
        provider.create(checked(provider, pg_news()))
    assert "another stack or the console may own it" in str(info.value)
    assert "adopt_existing=True" in str(info.value)
    assert calls.commands() == {"create_permission_group": 1, "get_permission_group": 1}


def test_existing_named_in_this_stacks_state_is_taken_over(
        provider: PermissionGroupProvider, raw: TencentChatClient) -> None:
    # This deployment's Check saw the ID in the stack's old inputs (e.g. --replace).
    raw.create_permission_group(GROUP_ID, "Old", permission=1, permission_group_id=PG)
    old = checked(provider, pg_news(name="Old", permission=1.0))
    news = checked(provider, pg_news(), olds=old)
    result = provider.create(news)
    assert result.outs["name"] == "Admins"
    item = raw.get_permission_groups(GROUP_ID, [PG]).items[0]
    assert (item.name, item.permission) == ("Admins", 39)


def test_different_existing_without_adopt_fails(provider: PermissionGroupProvider,
                                                raw: TencentChatClient) -> None:
    raw.create_permission_group(GROUP_ID, "Theirs", permission=5, permission_group_id=PG,
                                custom_string="keep")
    with pytest.raises(ProviderError) as info:
        provider.create(checked(provider, pg_news()))
    text = str(info.value)
    assert "adopt_existing" in text and PG in text and GROUP_ID in text
    assert text.startswith("tencentchat:PermissionGroup ")
    item = server(raw)
    assert (item.name, item.permission, item.custom_string) == ("Theirs", 5, "keep")


# -- read -----------------------------------------------------------------------------------

def test_read_reports_drift_in_one_call(provider: PermissionGroupProvider, calls: Calls,
                                        raw: TencentChatClient) -> None:
    outs = created(provider, custom_string="c")
    raw.modify_permission_group(GROUP_ID, PG, name="Renamed", permission=7, custom_string="")
    raw.add_permission_group_members(GROUP_ID, PG, ["alice", "bob"])
    calls.mark()
    result = provider.read(f"{GROUP_ID}/{PG}", outs)
    assert calls.since() == 1
    assert result.id == f"{GROUP_ID}/{PG}"
    assert result.outs == {"group_id": GROUP_ID, "permission_group_id": PG, "name": "Renamed",
                           "permission": 7, "custom_string": "", "adopt_existing": False,
                           "member_count": 2, "permission_names": [
                               "ManageGroupInfo", "ManageGroupMember",
                               "ManagePermissionGroupInfo"]}
    assert result.inputs == {k: v for k, v in result.outs.items() if k != "member_count"}


def test_read_without_drift_diffs_clean(provider: PermissionGroupProvider) -> None:
    outs = created(provider)
    result = provider.read(f"{GROUP_ID}/{PG}", outs)
    assert result.outs == outs
    # refresh: engine diffs refreshed outputs against the old inputs
    assert provider.diff(result.id, result.outs, pg_news()).changes is False


def test_read_gone_deleted_out_of_band(provider: PermissionGroupProvider,
                                       raw: TencentChatClient) -> None:
    outs = created(provider)
    raw.destroy_permission_groups(GROUP_ID, [PG])
    result = provider.read(f"{GROUP_ID}/{PG}", outs)
    assert isinstance(result, ReadResult)
    assert result.id == "" and result.outs == {}


def test_read_gone_with_community(provider: PermissionGroupProvider,
                                  raw: TencentChatClient) -> None:
    outs = created(provider)
    raw.destroy_group(GROUP_ID)
    result = provider.read(f"{GROUP_ID}/{PG}", outs)
    assert result.id == "" and result.outs == {}


# -- diff -----------------------------------------------------------------------------------

def test_diff_equal_is_no_change(provider: PermissionGroupProvider) -> None:
    olds = {**pg_news(permission=39), "custom_string": "", "adopt_existing": False,
            "member_count": 3, "__provider": "old-blob"}
    news = {**pg_news(permission=39.0), "__provider": "new-blob"}
    result = provider.diff("id", olds, news)
    assert result.changes is False and result.replaces == []
    # and the other way round: floats in the old state, ints in the new inputs
    olds_floats = {**olds, "permission": 39.0}
    assert provider.diff("id", olds_floats, {**news, "permission": 39}).changes is False
    news_list = {**news, "permission": ["ManageGroupInfo", "ManageGroupMember",
                                        "ManagePermissionGroupInfo", "GroupMuteMember"]}
    assert provider.diff("id", olds, news_list).changes is False


@pytest.mark.parametrize(("field", "value"), [
    ("name", "Other"), ("permission", 40.0), ("custom_string", "x"),
    ("adopt_existing", True),
])
def test_diff_update_in_place(provider: PermissionGroupProvider, field: str,
                              value: Any) -> None:
    olds = checked(provider, pg_news())
    result = provider.diff("id", olds, {**olds, field: value})
    assert result.changes is True and result.replaces == []


@pytest.mark.parametrize(("field", "value"), [
    ("group_id", "@TGS#_other"), ("permission_group_id", "@PMG#_other"),
])
def test_diff_replace(provider: PermissionGroupProvider, field: str, value: Any) -> None:
    olds = checked(provider, pg_news())
    result = provider.diff("id", olds, {**olds, field: value, "name": "New"})
    assert result.changes is True and result.replaces == [field]


def test_diff_unknowns_count_as_changes(provider: PermissionGroupProvider) -> None:
    olds = checked(provider, pg_news())
    result = provider.diff("id", olds, {**olds, "permission_group_id": rpc.UNKNOWN})
    assert result.changes is True and result.replaces == ["permission_group_id"]
    result = provider.diff("id", olds, {**olds, "name": rpc.UNKNOWN})
    assert result.changes is True and result.replaces == []
    result = provider.diff("id", olds, {**olds, "group_id": Unknown()})
    assert result.changes is True and result.replaces == ["group_id"]


def test_diff_absent_keys_mean_defaults(provider: PermissionGroupProvider) -> None:
    olds = checked(provider, pg_news(permission=0, custom_string=""))
    news = {k: v for k, v in olds.items() if k not in ("permission", "custom_string",
                                                        "adopt_existing")}
    assert provider.diff("id", olds, news).changes is False
    assert provider.diff("id", news, olds).changes is False


def test_diff_refresh_direction(provider: PermissionGroupProvider,
                                raw: TencentChatClient) -> None:
    old_inputs = checked(provider, pg_news())
    outs = dict(provider.create(old_inputs).outs)
    raw.modify_permission_group(GROUP_ID, PG, permission=1)
    refreshed = provider.read(f"{GROUP_ID}/{PG}", outs)
    result = provider.diff(refreshed.id, refreshed.outs, old_inputs)
    assert result.changes is True and result.replaces == []


# -- update ---------------------------------------------------------------------------------

def test_update_name_only_sends_only_the_name(provider: PermissionGroupProvider,
                                              calls: Calls, raw: TencentChatClient) -> None:
    olds = created(provider, custom_string="c")
    # Someone changes the permission out of band; our name-only update must not reset it.
    raw.modify_permission_group(GROUP_ID, PG, permission=1)
    news = checked(provider, pg_news(name="Renamed", custom_string="c"))
    calls.mark()
    result = provider.update(f"{GROUP_ID}/{PG}", olds, news)
    assert calls.since() == 1
    assert calls.commands().get("modify_permission_group") == 1
    item = server(raw)
    assert (item.name, item.permission, item.custom_string) == ("Renamed", 1, "c")
    assert result.outs["name"] == "Renamed"


def test_update_permission_and_custom_string(provider: PermissionGroupProvider,
                                             raw: TencentChatClient) -> None:
    olds = created(provider, custom_string="c")
    news = checked(provider, pg_news(permission=str(MAX), custom_string=""))
    result = provider.update("id", olds, news)
    assert result.outs["permission"] == str(MAX) and result.outs["custom_string"] == ""
    item = server(raw)
    assert (item.permission, item.custom_string or "") == (MAX, "")


def test_update_adopt_existing_only_makes_no_call(provider: PermissionGroupProvider,
                                                  calls: Calls) -> None:
    olds = created(provider)
    calls.mark()
    result = provider.update("id", olds, checked(provider, pg_news(adopt_existing=True)))
    assert calls.since() == 0
    assert result.outs["adopt_existing"] is True


def test_update_keeps_member_count(provider: PermissionGroupProvider,
                                   raw: TencentChatClient) -> None:
    olds = created(provider)
    raw.add_permission_group_members(GROUP_ID, PG, ["a"])
    olds = dict(provider.read("id", olds).outs)
    result = provider.update("id", olds, checked(provider, pg_news(name="N")))
    assert result.outs["member_count"] == 1


def test_update_recreates_object_deleted_out_of_band(provider: PermissionGroupProvider,
                                                     raw: TencentChatClient) -> None:
    olds = created(provider)
    raw.destroy_permission_groups(GROUP_ID, [PG])
    provider.update("id", olds, checked(provider, pg_news(name="Back", custom_string="cs")))
    item = server(raw)
    assert (item.name, item.permission, item.custom_string) == ("Back", 39, "cs")


def test_update_in_destroyed_community_fails(provider: PermissionGroupProvider,
                                             raw: TencentChatClient) -> None:
    olds = created(provider)
    raw.destroy_group(GROUP_ID)
    with pytest.raises(ProviderError) as info:
        provider.update("id", olds, checked(provider, pg_news(name="N")))
    assert "10010" in str(info.value) and "update failed" in str(info.value)


# -- delete ---------------------------------------------------------------------------------

def test_delete_is_idempotent(provider: PermissionGroupProvider, calls: Calls,
                              raw: TencentChatClient) -> None:
    outs = created(provider)
    calls.mark()
    next_deployment()
    provider.delete(f"{GROUP_ID}/{PG}", outs)
    assert calls.since() == 1
    assert server(raw) is None
    next_deployment()
    provider.delete(f"{GROUP_ID}/{PG}", outs)  # already gone: still succeeds


def test_delete_after_community_destroyed(provider: PermissionGroupProvider, calls: Calls,
                                          raw: TencentChatClient) -> None:
    outs = created(provider)
    raw.destroy_group(GROUP_ID)
    next_deployment()
    calls.mark()
    provider.delete(f"{GROUP_ID}/{PG}", outs)  # the community took the group with it: done
    assert calls.commands() == {"destroy_permission_group": 1}


def test_delete_leaves_other_groups(provider: PermissionGroupProvider,
                                    raw: TencentChatClient) -> None:
    outs = created(provider)
    raw.create_permission_group(GROUP_ID, "Keep", permission_group_id="@PMG#_keep")
    next_deployment()
    provider.delete("id", outs)
    ids = [i.permission_group_id for i in raw.iter_permission_groups(GROUP_ID)]
    assert ids == ["@PMG#_keep"]


def test_refresh_and_delete_read_values_that_break_todays_rules(
        provider: PermissionGroupProvider, raw: TencentChatClient, community: Community) -> None:
    # A name edited in the console (zero-width space) or written by an older release (a line
    # break) breaks the input rules, but refresh must show it and delete must remove it.
    inputs = checked(provider, pg_news(permission_group_id="@PMG#_odd", name="Mods"))
    state = dict(provider.create(inputs).outs)
    raw.modify_permission_group(GROUP_ID, "@PMG#_odd", name="Mo\u200bds")
    read = provider.read(f"{GROUP_ID}/@PMG#_odd", state)
    assert read.outs["name"] == "Mo\u200bds"
    diff = provider.diff(read.id, read.outs, inputs)
    assert diff.changes is True and diff.replaces == []

    next_deployment()
    provider.delete(read.id, {**read.outs, "name": "Mods\n"})
    assert not [i for i in raw.get_permission_groups(GROUP_ID, ["@PMG#_odd"]).items if i.ok]
