"""The client trusts only Tencent's envelope, follows no redirect, leaks no secret, and bounds
every call in time and memory, whatever a gateway or a hostile host answers."""

from __future__ import annotations

import gzip
import json
import logging
import re
import time
import traceback
import tracemalloc
from collections.abc import Callable, Iterator
from email.utils import formatdate
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from pulumi_tencentchat._body import MAX_ANSWER_BYTES
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.errors import (
    FRAGMENT,
    AuthenticationError,
    NotFoundError,
    TransportError,
)

from .conftest import SECRET, fast_policy
from .hostile_server import (
    Action,
    HostileServer,
    Request,
    answer,
    bomb,
    compressed,
    drip_body,
    drip_chunk_size,
    drip_headers,
    echo_error,
    endless_chunks,
    endless_trailers,
    envelope,
    gzipped,
    json_answer,
    other_loopback_host,
    redirect,
    windows,
)

MakeClient = Callable[..., TencentChatClient]
MakeServer = Callable[..., HostileServer]
GROUP = "@TGS#_g"
#: A user-supplied UserSig with "*" in it: on the wire it is "%2A".
STAR_SIG = "eJyrVipOLcpMz*VOyUjIyMDAwMDQw*fixed*user*supplied*sig*0123456789*abcdefghij"


@pytest.fixture
def hostile() -> Iterator[MakeServer]:
    servers: list[HostileServer] = []

    def make(*script: Action, default: Action | None = None,
             host: str = "127.0.0.1") -> HostileServer:
        server = HostileServer(list(script), default=default, host=host).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


def secret_forms(client: TencentChatClient, *servers: HostileServer) -> set[str]:
    """The secret key and every UserSig sent, raw and in each encoding the wire may use."""
    values = {SECRET, client._sigs.get()}
    values |= {r.query["usersig"] for s in servers for r in s.requests if "usersig" in r.query}
    forms: set[str] = set()
    for value in values:
        encoded = quote(value, safe="")
        forms |= {value, encoded, encoded.replace("%2A", "%2a"), quote_plus(value)}
    return forms


def texts_of(exc: BaseException, client: TencentChatClient,
             caplog: pytest.LogCaptureFixture) -> list[str]:
    texts = [repr(client), str(client), "".join(traceback.format_exception(exc))]
    seen: BaseException | None = exc
    while seen is not None:  # the exception and anything chained to it
        texts += [str(seen), repr(seen), repr(vars(seen))]
        seen = seen.__cause__ or seen.__context__
    for record in caplog.records:
        texts += [record.getMessage(), str(record.args)]
    return texts


def assert_no_secret(texts: list[str], forms: set[str]) -> None:
    """No form of a secret, nor any run of FRAGMENT characters of one, in any text."""
    fragments = {frag for form in forms for frag in windows(form, FRAGMENT)}
    for text in texts:
        for form in forms:
            assert form not in text, f"secret leaked in: {text[:300]}"
        leaked = [frag for frag in fragments if frag in text]
        assert not leaked, f"secret fragment {leaked[0]!r} leaked in: {text[:300]}"
        assert "usersig=" not in text.lower().replace("usersig=***", "")


def call(client: TencentChatClient, op: Callable[[TencentChatClient], Any],
         expected: type[BaseException] = TransportError) -> tuple[BaseException, float]:
    started = time.monotonic()
    with pytest.raises(expected) as info:
        op(client)
    return info.value, time.monotonic() - started


OPERATIONS: dict[str, Callable[[TencentChatClient], Any]] = {
    "create": lambda c: c.create_permission_group(GROUP, "n"),
    "read": lambda c: c.get_permission_groups(GROUP, ["@PMG#_a"]),
    "read page": lambda c: c.get_permission_group_page(GROUP),
    "delete": lambda c: c.destroy_permission_groups(GROUP, ["@PMG#_a"]),
    "modify": lambda c: c.modify_permission_group(GROUP, "@PMG#_a", name="x"),
    "remove members": lambda c: c.delete_permission_group_members(GROUP, "@PMG#_a", ["u1"]),
}
COMMANDS = {
    "create": "create_permission_group", "read": "get_permission_group",
    "read page": "get_permission_group", "delete": "destroy_permission_group",
    "modify": "modify_permission_group", "remove members": "delete_permission_group_member",
}

# ----------------------------------------------------------- 200s that are not an envelope

NOT_ENVELOPES: dict[str, tuple[bytes, str | None]] = {
    "empty object": (b"{}", "application/json"),
    "ErrorCode only": (b'{"ErrorCode": 0}', "application/json"),
    "ActionStatus only": (b'{"ActionStatus": "OK"}', "application/json"),
    "gateway JSON": (b'{"code": 503, "message": "upstream unavailable"}', "application/json"),
    "string ErrorCode": (b'{"ActionStatus": "OK", "ErrorCode": "0"}', "application/json"),
    "boolean ErrorCode": (b'{"ActionStatus": "OK", "ErrorCode": false}', "application/json"),
    "numeric ActionStatus": (b'{"ActionStatus": 1, "ErrorCode": 0}', "application/json"),
    "FAIL with code 0": (b'{"ActionStatus": "FAIL", "ErrorCode": 0}', "application/json"),
    "HTML": (b"<html><body>Welcome to the hotel Wi-Fi</body></html>", "text/html"),
    "empty body": (b"", None),
    "JSON array": (b'[{"ActionStatus": "OK", "ErrorCode": 0}]', "application/json"),
    "truncated JSON": (b'{"ActionStatus": "OK", "ErrorCode": 0', "application/json"),
    "deep nesting": (b"[" * 100_000 + b"]" * 100_000, "application/json"),
}


@pytest.mark.parametrize("op", list(OPERATIONS))
@pytest.mark.parametrize("body", list(NOT_ENVELOPES))
def test_a_200_that_is_not_tencents_envelope_is_refused(
        body: str, op: str, hostile: MakeServer, make_client: MakeClient) -> None:
    payload, content_type = NOT_ENVELOPES[body]
    server = hostile(default=answer(200, payload, content_type=content_type))
    client = make_client(server.url)
    exc, _ = call(client, OPERATIONS[op])
    assert isinstance(exc, TransportError) and exc.kind == "decode" and exc.status == 200
    text = str(exc)
    assert "not a Tencent Chat API answer" in text
    assert COMMANDS[op] in text and client.host in text and "HTTP 200" in text
    assert f"content type {content_type or '(none)'}" in text
    assert "/v4/" not in text and "usersig" not in text.lower()
    assert server.count == 1  # a 200 is no gateway hiccup: not retried


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_gateway_errors_are_transient(status: int, hostile: MakeServer,
                                      make_client: MakeClient) -> None:
    server = hostile(json_answer({"code": status, "message": "gateway"}, status=status),
                     default=envelope(PermissionGroupInfoList=[], Next=""))
    page = make_client(server.url).get_permission_group_page(GROUP)
    assert page.items == [] and server.count == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 418])
def test_other_statuses_are_not_retried(status: int, hostile: MakeServer,
                                        make_client: MakeClient) -> None:
    server = hostile(default=answer(status, b"<html>no</html>", content_type="text/html"))
    client = make_client(server.url)
    exc, _ = call(client, OPERATIONS["read page"])
    assert isinstance(exc, TransportError) and exc.status == status
    assert f"HTTP {status}" in str(exc) and "content type text/html" in str(exc)
    assert server.count == 1


# --------------------------------------------------------- envelopes without their results

RESULTS: dict[str, tuple[Callable[[TencentChatClient], Any], str]] = {
    "get_permission_group page": (
        lambda c: c.get_permission_group_page(GROUP), "PermissionGroupInfoList"),
    "get_permission_group by ID": (
        lambda c: c.get_permission_groups(GROUP, ["@PMG#_a"]), "PermissionGroupInfoList"),
    "destroy_permission_group": (
        lambda c: c.destroy_permission_groups(GROUP, ["@PMG#_a"]), "PermissionGroupResultList"),
    "add_topic_permission_group": (
        lambda c: c.add_topic_permissions(GROUP, "@PMG#_a", {"t": 1}),
        "TopicPermissionResultList"),
    "set_topic_permission_group": (
        lambda c: c.set_topic_permissions(GROUP, "@PMG#_a", {"t": 1}),
        "TopicPermissionResultList"),
    "delete_topic_permission_group": (
        lambda c: c.delete_topic_permissions(GROUP, "@PMG#_a", ["t"]),
        "TopicPermissionResultList"),
    "get_topic_permission_group": (
        lambda c: c.get_topic_permissions(GROUP, "@PMG#_a"), "TopicPermissionResultList"),
    "add_permission_group_member": (
        lambda c: c.add_permission_group_members(GROUP, "@PMG#_a", ["u1"]), "MemberList"),
    "get_permission_group_member_list": (
        lambda c: c.get_permission_group_member_page(GROUP, "@PMG#_a"), "MemberList"),
    "create_permission_group (generated ID)": (
        lambda c: c.create_permission_group(GROUP, "n"), "PermissionGroupId"),
    "create_group (generated ID)": (lambda c: c.create_group("n"), "GroupId"),
    "create_topic (generated ID)": (lambda c: c.create_topic(GROUP, "n"), "TopicId"),
    "get_topic": (lambda c: c.get_topics(GROUP), "TopicAndSelfInfo"),
    "destroy_topic": (lambda c: c.destroy_topics(GROUP, ["t"]), "DestroyResultItem"),
}


@pytest.mark.parametrize("name", list(RESULTS))
@pytest.mark.parametrize("value", ["absent", "null"])
def test_an_ok_without_the_commands_results_is_refused(
        name: str, value: str, hostile: MakeServer, make_client: MakeClient) -> None:
    op, field_name = RESULTS[name]
    server = hostile(default=envelope() if value == "absent" else envelope(**{field_name: None}))
    exc, _ = call(make_client(server.url), op)
    assert isinstance(exc, TransportError) and exc.kind == "decode"
    assert f"the answer lacks {field_name}" in str(exc)
    assert server.count == 1


def test_results_of_the_wrong_type_are_refused(hostile: MakeServer,
                                               make_client: MakeClient) -> None:
    server = hostile(default=envelope(PermissionGroupResultList="all gone"))
    exc, _ = call(make_client(server.url), OPERATIONS["delete"])
    assert "do not have the documented types" in str(exc)


def test_commands_without_results_accept_the_bare_envelope(
        hostile: MakeServer, make_client: MakeClient) -> None:
    server = hostile(default=envelope())
    client = make_client(server.url)
    client.modify_permission_group(GROUP, "@PMG#_a", name="x")
    client.delete_permission_group_members(GROUP, "@PMG#_a", ["u1"])
    client.destroy_group(GROUP)
    assert client.create_permission_group(GROUP, "n", permission_group_id="@PMG#_mine") \
        == "@PMG#_mine"
    assert server.count == 4


def test_a_create_answer_naming_another_id_is_refused(hostile: MakeServer,
                                                      make_client: MakeClient) -> None:
    server = hostile(default=envelope(PermissionGroupId="@PMG#_someone_else"))
    client = make_client(server.url)
    exc, _ = call(client, lambda c: c.create_permission_group(
        GROUP, "n", permission_group_id="@PMG#_mine"))
    assert "PermissionGroupId is not the ID requested" in str(exc)


def test_ok_with_a_failure_code_is_a_failure(hostile: MakeServer,
                                             make_client: MakeClient) -> None:
    server = hostile(default=json_answer({"ActionStatus": "OK", "ErrorCode": 110006,
                                          "ErrorInfo": "gone"}))
    exc, _ = call(make_client(server.url), OPERATIONS["modify"], NotFoundError)
    assert exc.code == 110006 and "What to do:" in str(exc)


# ------------------------------------------------------------------------------ redirects


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("op", ["create", "read page", "delete"])
def test_redirects_are_never_followed(status: int, op: str, hostile: MakeServer,
                                      make_client: MakeClient,
                                      caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    # The other host answers every request "OK": following would report success.
    elsewhere = hostile(default=envelope(PermissionGroupId="@PMG#_x", PermissionGroupInfoList=[],
                                         PermissionGroupResultList=[]),
                        host=other_loopback_host())
    server = hostile(default=redirect(
        status, lambda req: f"{elsewhere.url}{req.path}?{req.raw_query}"))
    client = make_client(server.url)
    exc, _ = call(client, OPERATIONS[op])
    assert isinstance(exc, TransportError) and exc.kind == "http" and exc.status == status
    text = str(exc)
    assert f"HTTP {status}" in text and "redirect" in text and client.host in text
    assert elsewhere.url.split("//")[1] not in text
    assert elsewhere.count == 0  # the credential never went to the other host
    assert server.count == 1
    assert_no_secret(texts_of(exc, client, caplog), secret_forms(client, server))


def test_a_redirect_with_an_endless_body_is_not_read(hostile: MakeServer,
                                                     make_client: MakeClient) -> None:
    def act(write: Callable[[bytes], None], req: Request, stop: Any) -> None:
        write(b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/\r\n"
              b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        frame = b"10000\r\n" + b"r" * 65536 + b"\r\n"
        while not stop.is_set():
            write(frame)

    server = hostile(default=act)
    client = make_client(server.url, retry_policy=fast_policy(deadline=20.0))
    client._transport.session()
    peak = _peak_during(lambda: call(client, OPERATIONS["read page"]))
    assert peak < 2 * MAX_ANSWER_BYTES, f"peak {peak / 2**20:.1f} MiB"
    assert server.count == 1


# ------------------------------------------------------------------------------- echoes


@pytest.mark.parametrize("credential", ["secret_key", "usersig"])
def test_an_error_echoing_the_percent_encoded_url_leaks_nothing(
        credential: str, hostile: MakeServer, make_client: MakeClient,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    kwargs = {} if credential == "secret_key" else {"secret_key": None, "usersig": STAR_SIG}
    server = hostile(default=echo_error(70009))
    client = make_client(server.url, **kwargs)
    exc, _ = call(client, OPERATIONS["read page"], AuthenticationError)
    raw_query = server.requests[0].raw_query
    if credential == "usersig":
        assert "%2A" in raw_query  # the echo really carries the encoded form
    assert "***" in exc.info and "bad request POST /v4/" in exc.info
    assert_no_secret(texts_of(exc, client, caplog), secret_forms(client, server))


def test_a_header_echoing_the_query_leaks_nothing(hostile: MakeServer, make_client: MakeClient,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    def act(write: Callable[[bytes], None], req: Request, stop: Any) -> None:
        answer(200, b"<html/>", content_type=f"text/html; q={req.raw_query}")(write, req, stop)

    server = hostile(default=act)
    client = make_client(server.url, secret_key=None, usersig=STAR_SIG)
    exc, _ = call(client, OPERATIONS["read page"])
    assert "content type text/html; q=" in str(exc)
    assert_no_secret(texts_of(exc, client, caplog), secret_forms(client, server))


# --------------------------------------------------------------------------- time bounds

DEADLINE = 1.5
SLOW: dict[str, Action] = {
    "body dripping a byte at a time": drip_body(0.1),
    "headers that never end": drip_headers(0.1),
    "a chunk-size line that never ends": drip_chunk_size(0.1),
    "slow endless chunks": endless_chunks(b"x" * 10, 0.1),
    "endless trailers": endless_trailers(),
}


@pytest.mark.parametrize("name", list(SLOW))
def test_a_slow_answer_ends_at_the_operation_timeout(
        name: str, hostile: MakeServer, make_client: MakeClient,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    server = hostile(default=SLOW[name])
    # Each socket read gets data well within read_timeout: only the deadline can end it.
    client = make_client(server.url, retry_policy=fast_policy(deadline=DEADLINE,
                                                              read_timeout=1.0))
    exc, elapsed = call(client, OPERATIONS["read page"])
    assert isinstance(exc, TransportError) and exc.kind == "timeout"
    assert "tencentchat:operationTimeout (1.5 s) ran out" in str(exc)  # the deadline ended it
    assert elapsed < DEADLINE + 20  # did not run on: the answer itself never ends
    assert server.count == 1
    assert_no_secret(texts_of(exc, client, caplog), secret_forms(client, server))


def test_a_stalled_body_is_a_read_timeout_retried_only_when_safe(
        hostile: MakeServer, make_client: MakeClient) -> None:
    stall = drip_body(30.0)  # headers and one byte, then silence
    policy = fast_policy(deadline=10.0, read_timeout=0.3)
    server = hostile(stall, envelope(PermissionGroupInfoList=[], Next=""))
    assert make_client(server.url, retry_policy=policy).get_permission_group_page(GROUP).items \
        == []
    assert server.count == 2
    server = hostile(stall, envelope(PermissionGroupId="@PMG#_@PMG#dup"))
    exc, _ = call(make_client(server.url, retry_policy=policy), OPERATIONS["create"])
    assert isinstance(exc, TransportError) and exc.kind == "timeout" and "read timeout" in str(exc)
    assert server.count == 1  # the create may have happened: not repeated


# ---------------------------------------------------------------------------- size bounds


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    return bomb(1024, "gzip")  # ~1 MB on the wire, 1 GiB inflated


def _peak_during(run: Callable[[], None]) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


BIG: dict[str, Callable[[bytes], Action]] = {
    "gzip bomb": lambda b: compressed(b, "gzip"),
    "deflate bomb": lambda b: compressed(bomb(256, "deflate"), "deflate"),
    "fast endless chunks": lambda b: endless_chunks(b"x" * 65536),
    "endless gzip chunks": lambda b: _gzip_chunks(),
    "announced 10 MiB": lambda b: _announce(10 << 20),
}


def _gzip_chunks() -> Action:
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    head = packer.compress(bytes(1 << 20)) + packer.flush(zlib.Z_FULL_FLUSH)
    segment = packer.compress(bytes(1 << 20)) + packer.flush(zlib.Z_FULL_FLUSH)
    frame = f"{len(segment):x}\r\n".encode() + segment + b"\r\n"

    def act(write: Callable[[bytes], None], req: Request, stop: Any) -> None:
        write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip"
              b"\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
              + f"{len(head):x}\r\n".encode() + head + b"\r\n")
        while not stop.is_set():
            write(frame)

    return act


def _announce(length: int) -> Action:
    """Headers announcing ``length`` bytes, then one byte a second."""

    def act(write: Callable[[bytes], None], req: Request, stop: Any) -> None:
        write(f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {length}"
              "\r\nConnection: close\r\n\r\n{".encode())
        while not stop.wait(1):
            write(b" ")

    return act


@pytest.mark.parametrize("name", list(BIG))
def test_an_oversized_answer_is_refused_without_buffering_it(
        name: str, gzip_bomb: bytes, hostile: MakeServer, make_client: MakeClient,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    server = hostile(default=BIG[name](gzip_bomb))
    client = make_client(server.url, retry_policy=fast_policy(deadline=20.0))
    client._transport.session()  # imports and the session are built outside the measured window
    failures: list[BaseException] = []

    def run() -> None:
        failures.append(call(client, OPERATIONS["read page"])[0])

    peak = _peak_during(run)
    exc = failures[0]
    assert isinstance(exc, TransportError) and exc.kind == "too_large", str(exc)
    assert "oversized answer" in str(exc) and f"{MAX_ANSWER_BYTES}" in str(exc)
    # Near the cap, not near what the body inflates to (traced: client and server thread).
    assert peak < 2 * MAX_ANSWER_BYTES, f"peak {peak / 2**20:.1f} MiB"
    assert server.count == 1  # not transient
    assert_no_secret(texts_of(exc, client, caplog), secret_forms(client, server))


def test_a_compressed_envelope_is_read(hostile: MakeServer, make_client: MakeClient) -> None:
    doc = {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "Next": "",
           "PermissionGroupInfoList": [{"PermissionGroupId": "@PMG#_a", "ErrorCode": 0}]}
    text = json.dumps(doc).encode()
    two_members = gzip.compress(text[:20]) + gzip.compress(text[20:])
    server = hostile(compressed(gzipped(doc)), compressed(two_members))
    client = make_client(server.url)
    for _ in range(2):
        page = client.get_permission_group_page(GROUP)
        assert [g.permission_group_id for g in page.items] == ["@PMG#_a"]


def test_an_answer_just_under_the_cap_is_read(hostile: MakeServer,
                                              make_client: MakeClient) -> None:
    pad = "p" * (MAX_ANSWER_BYTES - 1000)
    server = hostile(envelope(PermissionGroupInfoList=[], Next="", Pad=pad))
    assert make_client(server.url).get_permission_group_page(GROUP).items == []


@pytest.mark.parametrize(("body", "encoding", "detail"), [
    (b"not gzip at all", "gzip", "compressed body is corrupt"),
    (gzipped({"ActionStatus": "OK", "ErrorCode": 0})[:-12], "gzip",
     "compressed body is truncated"),
    (b"\x00" * 10, "br", "unsupported content encoding"),
])
def test_bad_compressed_bodies_are_refused(body: bytes, encoding: str, detail: str,
                                          hostile: MakeServer, make_client: MakeClient) -> None:
    server = hostile(default=compressed(body, encoding))
    exc, _ = call(make_client(server.url), OPERATIONS["read page"])
    assert isinstance(exc, TransportError) and exc.kind == "decode"
    assert detail in str(exc) and server.count == 1


# ---------------------------------------------------------------------- 429, Retry-After


def test_429_is_retried_even_for_a_create_without_id(hostile: MakeServer,
                                                     make_client: MakeClient) -> None:
    server = hostile(answer(429, b"slow down", content_type="text/plain"),
                     envelope(PermissionGroupId="@PMG#_@PMG#new"))
    assert make_client(server.url).create_permission_group(GROUP, "n") == "@PMG#_@PMG#new"
    assert server.count == 2


def test_429_forever_gives_up_after_max_attempts(hostile: MakeServer,
                                                 make_client: MakeClient) -> None:
    server = hostile(default=answer(429, b""))
    client = make_client(server.url, retry_policy=fast_policy(max_attempts=3))
    exc, _ = call(client, OPERATIONS["read page"])
    assert isinstance(exc, TransportError) and exc.status == 429 and server.count == 3


@pytest.mark.parametrize(("status", "header", "at_least"), [
    (429, "1", 0.95),
    (503, "1.5", 1.45),
    (503, "date+3", 1.5),  # an HTTP-date: whole seconds, so anything in (2, 3]
    (429, "soon", 0.0),  # not a delay: ignored, normal backoff
])
def test_retry_after_is_honoured(status: int, header: str, at_least: float,
                                 hostile: MakeServer, make_client: MakeClient) -> None:
    value = formatdate(time.time() + 3, usegmt=True) if header == "date+3" else header
    server = hostile(answer(status, b"", headers=[("Retry-After", value)]),
                     envelope(PermissionGroupId="@PMG#_@PMG#new"))
    client = make_client(server.url, retry_policy=fast_policy(deadline=10.0))
    assert client.create_permission_group(GROUP, "n") == "@PMG#_@PMG#new"
    first, second = server.requests
    assert second.at - first.at >= at_least


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_beyond_the_deadline_gives_up_at_once(
        status: int, hostile: MakeServer, make_client: MakeClient) -> None:
    server = hostile(default=answer(status, b"", headers=[("Retry-After", "120")]))
    slept: list[float] = []
    client = make_client(server.url, retry_policy=fast_policy(deadline=3.0, sleep=slept.append))
    exc, _ = call(client, OPERATIONS["read page"])
    assert isinstance(exc, TransportError) and exc.status == status
    assert exc.retry_after == 120 and "retry after 120 s" in str(exc)
    assert server.count == 1 and slept == []  # gave up instead of sleeping


def test_retry_after_is_parsed_in_both_forms() -> None:
    from pulumi_tencentchat._body import retry_after as _retry_after

    assert _retry_after("7") == 7.0 and _retry_after(" 0 ") == 0.0
    assert _retry_after("2.5") == 2.5
    future = _retry_after(formatdate(time.time() + 100, usegmt=True))
    assert future is not None and 98 <= future <= 100
    assert _retry_after(formatdate(time.time() - 100, usegmt=True)) == 0.0
    for junk in (None, "", "soon", "-5", "1e9", "99999999999"):
        assert _retry_after(junk) is None


def test_error_texts_never_name_the_url(hostile: MakeServer,
                                        make_client: MakeClient) -> None:
    server = hostile(default=answer(502, b""))
    exc, _ = call(make_client(server.url, retry_policy=fast_policy(max_attempts=2)),
                  OPERATIONS["read page"])
    assert re.search(r"/v4/|\?|sdkappid|identifier=", str(exc)) is None
