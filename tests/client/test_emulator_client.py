"""Every client method against the spawned emulator: paging, chunking, error mapping."""

from __future__ import annotations

import pytest
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.errors import (
    AuthenticationError,
    BatchItemError,
    InvalidRequestError,
    NotFoundError,
)
from pulumi_tencentchat.models import PermissionGroupInfo

from .conftest import fast_policy


@pytest.fixture
def community(client: TencentChatClient) -> str:
    return client.create_group("fixture-community", group_id="@TGS#_clienttests")


def calls(emulator, command: str) -> int:
    return int(emulator.stats()["commands"].get(command, 0))


def test_groups_and_topics(client: TencentChatClient, emulator) -> None:
    generated = client.create_group("generated")
    assert generated.startswith("@TGS#_")
    gid = client.create_group("custom", group_id="@TGS#_custom1")
    assert gid == "@TGS#_custom1"
    t1 = client.create_topic(gid, "general")
    t2 = client.create_topic(gid, "custom", topic_id=f"{gid}@TOPIC#_news")
    assert t1.startswith(f"{gid}@TOPIC#_") and t2 == f"{gid}@TOPIC#_news"
    topics = client.get_topics(gid)
    assert {t.topic_id: t.topic_name for t in topics.items} == {t1: "general", t2: "custom"}
    assert [t.topic_id for t in client.get_topics(gid, [t2]).items] == [t2]
    destroyed = client.destroy_topics(gid, [t1])
    assert destroyed.ok and [r.topic_id for r in destroyed.items] == [t1]
    assert [t.topic_id for t in client.get_topics(gid).items] == [t2]
    client.destroy_group(gid)
    with pytest.raises(NotFoundError) as info:
        client.get_topics(gid)
    assert info.value.code == 10010


def test_permission_group_lifecycle(client: TencentChatClient, community: str) -> None:
    pid = client.create_permission_group(community, "moderators", permission=39,
                                         permission_group_id="@PMG#_moderators",
                                         custom_string="tier=2")
    assert pid == "@PMG#_moderators"
    generated = client.create_permission_group(community, "readers")
    assert generated.startswith("@PMG#_@PMG#")
    client.modify_permission_group(community, pid, permission=47)
    info = client.get_permission_groups(community, [pid]).items[0]
    assert isinstance(info, PermissionGroupInfo)
    # omitted fields were not sent, so name and custom string are unchanged
    assert (info.name, info.permission, info.custom_string) == ("moderators", 47, "tier=2")
    client.modify_permission_group(community, pid, name="senior", custom_string="tier=3")
    info = client.get_permission_groups(community, [pid]).items[0]
    assert (info.name, info.permission, info.custom_string) == ("senior", 47, "tier=3")
    page = client.get_permission_group_page(community)
    assert {i.permission_group_id for i in page.items} == {pid, generated} and page.next == ""
    result = client.destroy_permission_groups(community, [generated, "@PMG#_missing"])
    assert [r.ok for r in result.items] == [True, False]
    assert result.failures[0].error_code == 110006
    with pytest.raises(BatchItemError) as err:
        result.raise_for_failures()
    assert "@PMG#_missing" in str(err.value) and err.value.codes == {110006}


def test_lookup_unknown_ids_fail_per_item(client: TencentChatClient, community: str,
                                          emulator) -> None:
    pid = client.create_permission_group(community, "a", permission_group_id="@PMG#_a")
    ids = [pid] + [f"@PMG#_unknown{i}" for i in range(24)]
    before = calls(emulator, "get_permission_group")
    result = client.get_permission_groups(community, ids)
    assert calls(emulator, "get_permission_group") - before == 2  # chunks of 20
    assert len(result.items) == 25 and result.items[0].ok
    assert {f.error_code for f in result.failures} == {110006} and len(result.failures) == 24


def test_paging_45_groups_and_chunked_destroy(client: TencentChatClient, community: str,
                                              emulator) -> None:
    ids = [client.create_permission_group(community, f"g{i}", permission_group_id=f"@PMG#_g{i}")
           for i in range(45)]
    before = calls(emulator, "get_permission_group")
    listed = list(client.iter_permission_groups(community))
    assert calls(emulator, "get_permission_group") - before == 3  # 20 + 20 + 5
    assert sorted(g.permission_group_id for g in listed) == sorted(ids)
    small = list(client.iter_permission_groups(community, page_size=7))
    assert len(small) == 45
    first = client.get_permission_group_page(community, limit=20)
    assert len(first.items) == 20 and first.next != ""
    second = client.get_permission_group_page(community, limit=20, next=first.next)
    assert not {g.permission_group_id for g in first.items} & {
        g.permission_group_id for g in second.items}

    before = calls(emulator, "destroy_permission_group")
    result = client.destroy_permission_groups(community, ids)
    assert calls(emulator, "destroy_permission_group") - before == 3  # 20 + 20 + 5
    assert result.ok and len(result.items) == 45
    assert list(client.iter_permission_groups(community)) == []


def test_members_paging_and_chunking(client: TencentChatClient, community: str,
                                     emulator) -> None:
    pid = client.create_permission_group(community, "m", permission_group_id="@PMG#_m")
    accounts = [f"user{i:03d}" for i in range(250)]
    before = calls(emulator, "add_permission_group_member")
    added = client.add_permission_group_members(community, pid, accounts)
    assert calls(emulator, "add_permission_group_member") - before == 3  # 100 + 100 + 50
    assert added.ok and {r.result for r in added.items} == {0}
    again = client.add_permission_group_members(community, pid, accounts[:3])
    assert {r.result for r in again.items} == {10013} and again.ok  # still "is a member"
    info = client.get_permission_groups(community, [pid]).items[0]
    assert info.member_count == 250

    client.delete_permission_group_members(community, pid, accounts[120:])
    client.delete_permission_group_members(community, pid, ["never-added"])  # idempotent
    before = calls(emulator, "get_permission_group_member_list")
    members = list(client.iter_permission_group_members(community, pid))
    assert calls(emulator, "get_permission_group_member_list") - before == 3  # 50 + 50 + 20
    assert sorted(members) == accounts[:120]
    page = client.get_permission_group_member_page(community, pid, limit=50)
    assert len(page.accounts) == 50 and page.next
    assert client.add_permission_group_members(community, pid, []).items == []


def test_topic_permissions(client: TencentChatClient, community: str, emulator) -> None:
    pid = client.create_permission_group(community, "t", permission_group_id="@PMG#_t")
    topics = [client.create_topic(community, f"topic{i}", topic_id=f"{community}@TOPIC#_t{i}")
              for i in range(60)]
    before = calls(emulator, "add_topic_permission_group")
    added = client.add_topic_permissions(community, pid, {t: 15 for t in topics})
    assert calls(emulator, "add_topic_permission_group") - before == 2  # 50 + 10
    assert added.ok and len(added.items) == 60
    current = client.get_topic_permissions(community, pid)
    assert {r.topic_id: r.permission for r in current.items} == {t: 15 for t in topics}
    updated = client.set_topic_permissions(community, pid, {topics[0]: 127})
    assert updated.ok
    some = client.get_topic_permissions(community, pid, [topics[0], topics[1]])
    assert {r.topic_id: r.permission for r in some.items} == {topics[0]: 127, topics[1]: 15}
    before = calls(emulator, "delete_topic_permission_group")
    deleted = client.delete_topic_permissions(community, pid, topics[:55])
    assert calls(emulator, "delete_topic_permission_group") - before == 2
    assert deleted.ok
    left = client.get_topic_permissions(community, pid)
    assert sorted(r.topic_id for r in left.items) == sorted(topics[55:])
    missing = client.set_topic_permissions(community, pid, {topics[0]: 1})
    assert missing.failures and missing.failures[0].error_code == 110011


def test_error_mapping(client: TencentChatClient, community: str, emulator) -> None:
    with pytest.raises(NotFoundError) as info:
        client.create_permission_group("@TGS#_nosuchgroup", "x")
    assert info.value.code == 10010
    assert "What to do:" in str(info.value) and "create_permission_group failed" in str(
        info.value)
    with pytest.raises(InvalidRequestError) as bad:
        client.create_permission_group(community, "x" * 151)
    assert bad.value.code == 10004
    with pytest.raises(InvalidRequestError) as bad_id:
        client.modify_permission_group(community, "not-a-pmg-id", name="x")
    assert bad_id.value.code == 110008
    with pytest.raises(NotFoundError) as gone:
        client.modify_permission_group(community, "@PMG#_gone", name="x")
    assert gone.value.code == 110006
    wrong = TencentChatClient(emulator.sdkappid, secret_key="wrong-secret-key",
                              endpoint=emulator.url, retry_policy=fast_policy())
    with pytest.raises(AuthenticationError) as auth:
        wrong.get_permission_group_page(community)
    assert auth.value.code == 70009 and "secretKey" in str(auth.value)


def test_fixed_usersig_credential(emulator, community: str, client: TencentChatClient) -> None:
    from pulumi_tencentchat.usersig import generate_usersig

    sig = generate_usersig(emulator.sdkappid, emulator.secret_key, emulator.admin)
    fixed = TencentChatClient(emulator.sdkappid, usersig=sig, endpoint=emulator.url,
                              retry_policy=fast_policy())
    assert fixed.get_permission_group_page(community).items == []
