"""Retries, idempotency rules, deadlines and backoff against misbehaving local servers."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.errors import (
    InvalidRequestError,
    RateLimitedError,
    ServerError,
    TransportError,
)
from pulumi_tencentchat.ratelimit import TokenBucket
from pulumi_tencentchat.retry import RetryPolicy

from .conftest import fast_policy
from .scripted_server import ScriptedServer, close, fail, hang, ok, raw, status, unused_port

MakeServer = Callable[..., ScriptedServer]
MakeClient = Callable[..., TencentChatClient]
GROUP = "@TGS#_g"


def test_url_query_and_body(scripted: MakeServer, make_client: MakeClient) -> None:
    server = scripted(ok(PermissionGroupId="@PMG#_x"), ok(TopicId="t"), ok())
    client = make_client(server.url, identifier="boss")
    assert client.create_permission_group(GROUP, "n", permission_group_id="@PMG#_x") == "@PMG#_x"
    assert client.create_topic(GROUP, "topic") == "t"
    client.modify_permission_group(GROUP, "@PMG#_x")
    first, second, third = server.requests
    assert first.path == "/v4/group_open_http_svc/create_permission_group"
    assert second.path == "/v4/million_group_open_http_svc/create_topic"
    assert set(first.query) == {"sdkappid", "identifier", "usersig", "random", "contenttype"}
    assert first.query["sdkappid"] == str(client.sdkappid)
    assert first.query["identifier"] == "boss" and first.query["contenttype"] == "json"
    assert 0 <= int(first.query["random"]) <= 2**32 - 1
    assert first.body == {"GroupId": GROUP, "PermissionGroupId": "@PMG#_x",
                          "PermissionGroupName": "n"}
    assert third.body == {"GroupId": GROUP, "PermissionGroupId": "@PMG#_x"}


def test_502_twice_then_ok(scripted: MakeServer, make_client: MakeClient) -> None:
    server = scripted(status(502), status(502), ok())
    client = make_client(server.url)
    client.destroy_group(GROUP)
    assert server.count == 3
    assert client.stats.calls("destroy_group") == 3 and client.stats.failures() == 2


@pytest.mark.parametrize("code", [10002, 60007, 60011, 60018, 60019, 10006])
def test_transient_codes_retried(code: int, scripted: MakeServer, make_client: MakeClient) -> None:
    server = scripted(fail(code), fail(code), ok(PermissionGroupId="@PMG#_@PMG#gen"))
    client = make_client(server.url)
    # create without a client-chosen ID: frequency codes prove nothing happened; 10002 does not
    if code == 10002:
        with pytest.raises(ServerError):
            client.create_permission_group(GROUP, "n")
        assert server.count == 1
    else:
        assert client.create_permission_group(GROUP, "n") == "@PMG#_@PMG#gen"
        assert server.count == 3


def test_idempotent_call_retries_10002(scripted: MakeServer, make_client: MakeClient) -> None:
    server = scripted(fail(10002), fail(10002), ok())
    make_client(server.url).modify_permission_group(GROUP, "@PMG#_p", name="x")
    assert server.count == 3


@pytest.mark.parametrize("code", [10004, 10010, 70009, 110008, 60010, 70050])
def test_non_transient_not_retried(code: int, scripted: MakeServer,
                                   make_client: MakeClient) -> None:
    server = scripted(fail(code, "bad"), ok())
    with pytest.raises(Exception) as info:
        make_client(server.url).modify_permission_group(GROUP, "@PMG#_p", name="x")
    assert getattr(info.value, "code", None) == code
    assert server.count == 1


def test_validation_error_is_typed(scripted: MakeServer, make_client: MakeClient) -> None:
    server = scripted(fail(10004, "Limit too large"))
    with pytest.raises(InvalidRequestError) as info:
        make_client(server.url).get_permission_group_page(GROUP)
    assert info.value.info == "Limit too large" and "What to do:" in str(info.value)


def test_gives_up_after_max_attempts(scripted: MakeServer, make_client: MakeClient) -> None:
    server = scripted(default=fail(60007))
    client = make_client(server.url, retry_policy=fast_policy(max_attempts=4))
    with pytest.raises(RateLimitedError):
        client.destroy_group(GROUP)
    assert server.count == 4


def test_dropped_connection_retried_when_idempotent(scripted: MakeServer,
                                                    make_client: MakeClient) -> None:
    server = scripted(close(), ok(PermissionGroupId="@PMG#_mine"))
    client = make_client(server.url)
    assert client.create_permission_group(GROUP, "n", permission_group_id="@PMG#_mine") \
        == "@PMG#_mine"
    assert server.count == 2


def test_non_idempotent_create_not_retried_after_drop(scripted: MakeServer,
                                                      make_client: MakeClient) -> None:
    server = scripted(close(), ok(PermissionGroupId="@PMG#_@PMG#dup"))
    client = make_client(server.url)
    with pytest.raises(TransportError) as info:
        client.create_permission_group(GROUP, "n")
    assert info.value.kind == "connection"
    assert server.count == 1
    server2 = scripted(close(), ok(GroupId="@TGS#_@TGS#x"))
    with pytest.raises(TransportError):
        make_client(server2.url).create_group("name")
    assert server2.count == 1


def test_non_idempotent_create_not_retried_after_read_timeout(
    scripted: MakeServer, make_client: MakeClient
) -> None:
    server = scripted(hang(3), ok(TopicId="t"))
    client = make_client(server.url, retry_policy=fast_policy(read_timeout=0.3))
    with pytest.raises(TransportError) as info:
        client.create_topic(GROUP, "topic")
    assert info.value.kind == "timeout"
    assert server.count == 1


def test_non_idempotent_create_retried_on_502_503(scripted: MakeServer,
                                                  make_client: MakeClient) -> None:
    server = scripted(status(502), status(503), ok(GroupId="@TGS#_@TGS#new"))
    assert make_client(server.url).create_group("n") == "@TGS#_@TGS#new"
    assert server.count == 3
    server = scripted(status(500), ok(GroupId="@TGS#_@TGS#new"))
    with pytest.raises(TransportError) as info:
        make_client(server.url).create_group("n")
    assert info.value.status == 500 and server.count == 1


def test_connection_refused_retried_even_for_create(make_client: MakeClient) -> None:
    client = make_client(f"http://127.0.0.1:{unused_port()}",
                         retry_policy=fast_policy(max_attempts=3))
    with pytest.raises(TransportError) as info:
        client.create_permission_group(GROUP, "n")
    assert info.value.kind == "connect" and info.value.sent is False
    assert client.stats.calls("create_permission_group") == 3


def test_read_timeout_retried_when_idempotent(scripted: MakeServer,
                                              make_client: MakeClient) -> None:
    server = scripted(hang(3), ok())
    client = make_client(server.url, retry_policy=fast_policy(read_timeout=0.3))
    client.modify_permission_group(GROUP, "@PMG#_p", permission=1)
    assert server.count == 2


def test_deadline_bounds_total_time(scripted: MakeServer, make_client: MakeClient) -> None:
    server = scripted(default=hang(5))
    client = make_client(
        server.url, retry_policy=fast_policy(max_attempts=50, deadline=1.0, read_timeout=0.4)
    )
    started = time.monotonic()
    with pytest.raises(TransportError):
        client.destroy_group(GROUP)
    elapsed = time.monotonic() - started
    # The deadline ended the retries, not max_attempts: 50 attempts of 0.4 s would take 20 s.
    # (The bound only says it did not run on; the count says which limit stopped it.)
    assert elapsed < 10.0
    assert 2 <= server.count < 50


def test_backoff_sleeps_between_attempts(scripted: MakeServer, make_client: MakeClient) -> None:
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        time.sleep(seconds)

    server = scripted(status(502), status(502), status(502), ok())
    policy = fast_policy(base_delay=0.05, max_delay=1.0, sleep=sleep)
    make_client(server.url, retry_policy=policy).destroy_group(GROUP)
    assert len(slept) == 3
    for n, delay in enumerate(slept, start=1):
        assert 0 <= delay <= 0.05 * 2 ** (n - 1)  # full jitter below the exponential cap
    gaps = [b.at - a.at for a, b in zip(server.requests, server.requests[1:], strict=False)]
    assert all(gap >= d - 0.005 for gap, d in zip(gaps, slept, strict=True))


def test_frequency_code_backs_off_at_least_a_second(scripted: MakeServer,
                                                    make_client: MakeClient) -> None:
    server = scripted(fail(60007), ok())
    client = make_client(server.url, retry_policy=RetryPolicy())  # production defaults
    client.destroy_group(GROUP)
    assert server.count == 2
    assert server.requests[1].at - server.requests[0].at >= 1.0


def test_undecodable_body_and_http_404(scripted: MakeServer, make_client: MakeClient) -> None:
    server = scripted(raw(b"<html>proxy</html>"), status(404), raw(b"[1, 2]"))
    client = make_client(server.url)
    for _ in range(3):
        with pytest.raises(TransportError) as info:
            client.destroy_group(GROUP)
        assert info.value.kind in ("decode", "http")
    assert server.count == 3  # none of these is retried


def test_shared_client_across_threads(scripted: MakeServer, make_client: MakeClient) -> None:
    from concurrent.futures import ThreadPoolExecutor

    server = scripted(default=ok())
    client = make_client(server.url, limiter=TokenBucket(200))
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: client.modify_permission_group(GROUP, f"@PMG#_{i}"), range(40)))
    # Every call made exactly one attempt: a retry here would mean a connection failed.
    assert (server.count, client.stats.calls(), client.stats.failures()) == (40, 40, 0)
    assert sorted(r.body["PermissionGroupId"] for r in server.requests) == sorted(
        f"@PMG#_{i}" for i in range(40)
    )
