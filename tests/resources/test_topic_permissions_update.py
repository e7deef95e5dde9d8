"""TopicPermissionsProvider updates: only changed topics are written, removals and reductions
before grants (every intermediate server state recorded), exclusive mode, undo of a change that
fails part-way, and lost answers."""

from __future__ import annotations

import random
from typing import Any

import pytest
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.resources import _runtime
from pulumi_tencentchat.resources._base import ProviderError
from pulumi_tencentchat.resources.topic_permissions import TopicPermissionsProvider

from tests.resources.conftest import Calls, Community
from tests.resources.helpers import GROUP_ID, checked, next_deployment
from tests.resources.test_topic_permissions import ID, PG, many_topics, news, on_server
from tests.support.emulator import EmulatorProcess

WRITES = ("add_topic_permissions", "set_topic_permissions", "delete_topic_permissions")


class Recorder:
    """The provider's client, recording each write call and the server's topic permissions
    right after it (read with an independent client)."""

    def __init__(self, client: TencentChatClient, raw: TencentChatClient) -> None:
        self.client = client
        self.raw = raw
        self.calls: list[tuple[str, Any]] = []
        self.states: list[dict[str, int]] = []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.client, name)
        if name not in WRITES:
            return method

        def recorded(group: str, pg: str, arg: Any) -> Any:
            result = method(group, pg, arg)
            self.calls.append((name.split("_")[0], dict(arg) if isinstance(arg, dict)
                               else sorted(arg)))
            self.states.append(on_server(self.raw))
            return result

        return recorded


@pytest.fixture
def provider(community: Community, raw: TencentChatClient) -> TopicPermissionsProvider:
    raw.create_permission_group(GROUP_ID, "Squad", permission=64, permission_group_id=PG)
    return TopicPermissionsProvider()


@pytest.fixture
def recorder(provider: TopicPermissionsProvider, raw: TencentChatClient,
             monkeypatch: pytest.MonkeyPatch) -> Recorder:
    rec = Recorder(_runtime.client(), raw)
    monkeypatch.setattr(TopicPermissionsProvider, "client", staticmethod(lambda: rec))
    return rec


@pytest.fixture
def topics(raw: TencentChatClient, community: Community) -> list[str]:
    return many_topics(raw, 6)


def created(provider: TopicPermissionsProvider, old: dict[str, int],
            **kw: Any) -> dict[str, Any]:
    """``old`` created in one deployment; its outputs, as the next deployment's olds."""
    olds = dict(provider.create(checked(provider, news(old, **kw))).outs)
    next_deployment()
    return olds


def updated(provider: TopicPermissionsProvider, olds: dict[str, Any], new: dict[str, int],
            **kw: Any) -> dict[str, Any]:
    """``pulumi up`` of a changed mapping: Check with the old inputs, then Update."""
    inputs = {k: v for k, v in olds.items() if k != "permission_names"}
    return dict(provider.update(ID, olds, checked(provider, news(new, **kw), inputs)).outs)


def apply(provider: TopicPermissionsProvider, old: dict[str, int], new: dict[str, int],
          **kw: Any) -> dict[str, Any]:
    """Create ``old``, then update it to ``new`` in the next deployment; the outputs."""
    return updated(provider, created(provider, old, **kw), new, **kw)


def within(state: dict[str, int], side: dict[str, int]) -> bool:
    """Every topic of ``state`` holds only bits that ``side`` grants for it."""
    return all(bits & ~side.get(topic, 0) == 0 for topic, bits in state.items())


# -- only changes are sent, in the safe order -----------------------------------------------

def test_update_writes_only_changed_topics_removals_first(
        provider: TopicPermissionsProvider, recorder: Recorder, topics: list[str]) -> None:
    a, b, c, d, e, _ = topics
    old = {a: 8, b: 24, c: 1, d: 2}
    new = {a: 8, b: 26, c: 1, e: 4}  # a, c unchanged; b gains a bit; d goes; e comes
    olds = created(provider, old)
    recorder.calls.clear()
    updated(provider, olds, new)
    assert recorder.calls == [("delete", [d]), ("set", {b: 26}), ("add", {e: 4})]
    assert recorder.states[-1] == new


def test_a_topic_losing_and_gaining_bits_is_reduced_first(
        provider: TopicPermissionsProvider, recorder: Recorder, topics: list[str]) -> None:
    a, b, c, d, e, _ = topics
    old = {a: 0b0011, b: 0b1100, c: 0b0101, d: 1}
    new = {a: 0b0110, b: 0b0100, c: 0b0111, e: 8}
    apply(provider, old, new)
    assert recorder.calls[1:] == [("delete", [d]), ("set", {a: 0b0010, b: 0b0100}),
                                  ("set", {a: 0b0110, c: 0b0111}), ("add", {e: 8})]
    for state in recorder.states[1:]:
        assert within(state, old) or within(state, new), state
    assert recorder.states[-1] == new


@pytest.mark.parametrize("seed", range(8))
def test_no_intermediate_state_holds_a_right_of_neither_side(
        provider: TopicPermissionsProvider, recorder: Recorder, topics: list[str],
        seed: int) -> None:
    rng = random.Random(seed)

    def mapping() -> dict[str, int]:
        return {t: rng.randrange(128) for t in rng.sample(topics, rng.randint(1, len(topics)))}

    old, new = mapping(), mapping()
    apply(provider, old, new)
    writes = len(recorder.calls) - 1
    assert recorder.states[-1] == new
    for state in recorder.states[1:]:
        # Each moment within the old mapping (first phase) or within the new one (second).
        assert within(state, old) or within(state, new), (old, new, state)
    assert writes <= 4  # one call per kind of write, as long as each is under 50 topics


def test_update_without_change_makes_no_call(provider: TopicPermissionsProvider,
                                             calls: Calls) -> None:
    olds = created(provider, None)  # type: ignore[arg-type]
    calls.mark()
    updated(provider, olds, None)  # type: ignore[arg-type]
    assert calls.since() == 0


def test_update_of_many_topics_is_split_into_calls(provider: TopicPermissionsProvider,
                                                   raw: TencentChatClient, calls: Calls) -> None:
    topics = many_topics(raw, 120)
    old = {t: 8 for t in topics[:100]}
    new = {t: 8 | 16 for t in topics[20:]}  # 20 removed, 80 granted a bit, 20 added
    olds = created(provider, old)
    calls.mark()
    updated(provider, olds, new)
    assert calls.commands() == {"delete_topic_permission_group": 1,
                                "set_topic_permission_group": 2, "add_topic_permission_group": 1}
    assert on_server(raw) == new


def test_a_permission_removed_outside_is_added_back(provider: TopicPermissionsProvider,
                                                    raw: TencentChatClient,
                                                    topics: list[str]) -> None:
    a, b = topics[:2]
    olds = created(provider, {a: 8, b: 8})
    raw.delete_topic_permissions(GROUP_ID, PG, [a])
    updated(provider, olds, {a: 24, b: 8})
    assert on_server(raw) == {a: 24, b: 8}


# -- exclusive ------------------------------------------------------------------------------

@pytest.mark.parametrize("exclusive", [False, True])
def test_topics_added_outside_are_removed_only_when_exclusive(
        provider: TopicPermissionsProvider, raw: TencentChatClient, topics: list[str],
        exclusive: bool) -> None:
    a, b, outsider = topics[:3]
    olds = created(provider, {a: 8}, exclusive=exclusive)
    raw.add_topic_permissions(GROUP_ID, PG, {outsider: 1})
    updated(provider, olds, {a: 8, b: 2}, exclusive=exclusive)
    expected = {a: 8, b: 2} if exclusive else {a: 8, b: 2, outsider: 1}
    assert on_server(raw) == expected


def test_turning_exclusive_on_removes_what_is_not_listed(provider: TopicPermissionsProvider,
                                                         raw: TencentChatClient,
                                                         topics: list[str],
                                                         calls: Calls) -> None:
    a, outsider = topics[:2]
    olds = created(provider, {a: 8})
    raw.add_topic_permissions(GROUP_ID, PG, {outsider: 1})
    calls.mark()
    outs = updated(provider, olds, {a: 8}, exclusive=True)
    assert calls.commands() == {"get_topic_permission_group": 1,
                                "delete_topic_permission_group": 1}
    assert on_server(raw) == {a: 8} and outs["exclusive"] is True


# -- failures part-way ------------------------------------------------------------------------

def test_an_update_failing_part_way_is_undone(provider: TopicPermissionsProvider,
                                              raw: TencentChatClient, topics: list[str],
                                              emulator: EmulatorProcess) -> None:
    a, b, c, d = topics[:4]
    old = {a: 0b0011, b: 8, c: 1}
    olds = created(provider, old)
    # Removal, reduction and grant done; the addition is refused (10007, not retried).
    emulator.set_faults(commands=["add_topic_permission_group"], fail_next=1, error_rate=1.0,
                        error_code=10007)
    with pytest.raises(ProviderError) as info:
        updated(provider, olds, {a: 0b0110, b: 24, d: 4})
    text = str(info.value)
    assert "update failed" in text and "10007" in text
    assert "topic permission change(s) made before it were undone" in text
    assert on_server(raw) == old


def test_an_undo_that_fails_says_what_is_left(provider: TopicPermissionsProvider,
                                              raw: TencentChatClient, topics: list[str],
                                              emulator: EmulatorProcess) -> None:
    a, b = topics[:2]
    olds = created(provider, {a: 8})
    # The removal of a is done; adding b fails, and so does putting a back (both adds).
    emulator.set_faults(commands=["add_topic_permission_group"], fail_next=2, error_rate=1.0,
                        error_code=10007)
    with pytest.raises(ProviderError) as info:
        updated(provider, olds, {b: 8})
    text = str(info.value)
    assert f"Not undone: 1 topic permission(s) removed and not restored: {a}" in text
    assert "Run `pulumi refresh` and `pulumi up`" in text
    assert on_server(raw) == {}


def test_a_lost_answer_is_recognised_as_this_calls_own_work(
        provider: TopicPermissionsProvider, raw: TencentChatClient, calls: Calls,
        emulator: EmulatorProcess) -> None:
    # The add is applied but its answer dropped: the retry finds the topics there with the
    # declared values, and takes them as its own (under a custom-ID group).
    emulator.set_faults(commands=["add_topic_permission_group"], fail_next=1,
                        drop_response_rate=1.0)
    calls.mark()
    provider.create(checked(provider, news()))
    assert calls.commands() == {"add_topic_permission_group": 2,
                                "get_topic_permission_group": 1}
    assert on_server(raw) == {f"{GROUP_ID}@TOPIC#_general": 8, f"{GROUP_ID}@TOPIC#_news": 24}


def test_every_answer_lost_is_settled_by_one_read(provider: TopicPermissionsProvider,
                                                  raw: TencentChatClient, quick: EmulatorProcess,
                                                  topics: list[str]) -> None:
    a, b = topics[:2]
    quick.set_faults(commands=["add_topic_permission_group"], fail_next=1000,
                     drop_response_rate=1.0)
    outs = provider.create(checked(provider, news({a: 8, b: 1}))).outs
    assert outs["permissions"] == {a: 8, b: 1} and on_server(raw) == {a: 8, b: 1}
    # The same for a delete whose answers are all lost.
    quick.set_faults(commands=["delete_topic_permission_group"], fail_next=1000,
                     drop_response_rate=1.0)
    next_deployment()
    provider.delete(ID, dict(outs))
    assert on_server(raw) == {}


def test_a_permission_left_by_a_failed_undo_is_named_with_what_to_do(
        provider: TopicPermissionsProvider, raw: TencentChatClient, topics: list[str],
        emulator: EmulatorProcess) -> None:
    # a is added, the missing topic fails the create, and taking a back fails too: the state
    # will not record a, so the error says to remove it (a rerun would refuse it).
    missing = f"{GROUP_ID}@TOPIC#_missing"
    emulator.set_faults(commands=["delete_topic_permission_group"], fail_next=1,
                        error_rate=1.0, error_code=10007)
    with pytest.raises(ProviderError) as info:
        provider.create(checked(provider, news({topics[0]: 8, missing: 8})))
    text = str(info.value)
    assert f"Not undone: 1 topic permission(s) added and still there: {topics[0]}" in text
    assert "Remove the topic permissions it added in the console" in text
    assert on_server(raw) == {topics[0]: 8}
