"""No secret key or UserSig in exception text, repr/str, tracebacks or log records."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

import pytest
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.errors import AuthenticationError, ChatClientError, TransportError

from .conftest import SECRET, fast_policy
from .scripted_server import ScriptedServer, fail, hang, status, unused_port

MakeServer = Callable[..., ScriptedServer]
MakeClient = Callable[..., TencentChatClient]
FIXED_SIG = "fixed-user-supplied-usersig-0123456789"


def _texts(exc: BaseException, client: TencentChatClient,
           caplog: pytest.LogCaptureFixture) -> list[str]:
    texts = [str(exc), repr(exc), repr(client), str(client),
             "".join(traceback.format_exception(exc))]
    texts += [record.getMessage() for record in caplog.records]
    texts += [str(record.args) for record in caplog.records]
    return texts


def _assert_clean(texts: list[str], secrets: list[str]) -> None:
    for text in texts:
        for secret in secrets:
            assert secret not in text, f"secret leaked in: {text[:300]}"
        assert "usersig=" not in text.lower().replace("usersig=***", "")


def _run(client: TencentChatClient, expected: type[BaseException],
         caplog: pytest.LogCaptureFixture) -> BaseException:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(expected) as info:
        client.destroy_group("@TGS#_g")
    return info.value


@pytest.mark.parametrize("credential", ["secret_key", "usersig"])
def test_connection_refused(credential: str, make_client: MakeClient,
                            caplog: pytest.LogCaptureFixture) -> None:
    kwargs = {"secret_key": SECRET} if credential == "secret_key" else {
        "secret_key": None, "usersig": FIXED_SIG}
    client = make_client(f"http://127.0.0.1:{unused_port()}",
                         retry_policy=fast_policy(max_attempts=2), **kwargs)
    exc = _run(client, TransportError, caplog)
    assert "destroy_group" in str(exc) and "127.0.0.1" in str(exc)
    _assert_clean(_texts(exc, client, caplog), [SECRET, FIXED_SIG, client._sigs.get()])


def test_read_timeout(scripted: MakeServer, make_client: MakeClient,
                      caplog: pytest.LogCaptureFixture) -> None:
    server = scripted(default=hang(2))
    client = make_client(server.url, retry_policy=fast_policy(max_attempts=2, read_timeout=0.2))
    exc = _run(client, TransportError, caplog)
    assert "timed out" in str(exc)
    sigs = [r.query["usersig"] for r in server.requests]
    _assert_clean(_texts(exc, client, caplog), [SECRET, *sigs])


def test_http_502(scripted: MakeServer, make_client: MakeClient,
                  caplog: pytest.LogCaptureFixture) -> None:
    server = scripted(default=status(502))
    client = make_client(server.url, retry_policy=fast_policy(max_attempts=2))
    exc = _run(client, TransportError, caplog)
    assert "HTTP 502" in str(exc)
    # urllib3 logs the request line (with the query) at DEBUG: it must be scrubbed too
    assert any("/v4/group_open_http_svc/destroy_group" in r.getMessage() for r in caplog.records)
    sigs = [r.query["usersig"] for r in server.requests]
    _assert_clean(_texts(exc, client, caplog), [SECRET, *sigs])


def test_auth_error_echoing_the_sig(scripted: MakeServer, make_client: MakeClient,
                                    caplog: pytest.LogCaptureFixture) -> None:
    # A hostile/verbose server that echoes the sig in ErrorInfo: the client scrubs it.
    server = scripted()
    server.responder = lambda req: fail(70009, f"bad sig {req.query['usersig']} key {SECRET}")
    client = make_client(server.url)
    exc = _run(client, AuthenticationError, caplog)
    assert exc.code == 70009 and "***" in str(exc)
    _assert_clean(_texts(exc, client, caplog), [SECRET, server.requests[0].query["usersig"]])


def test_emulator_wrong_secret(emulator, caplog: pytest.LogCaptureFixture) -> None:
    client = TencentChatClient(emulator.sdkappid, secret_key="not-the-right-key-000",
                               endpoint=emulator.url, retry_policy=fast_policy())
    exc = _run(client, AuthenticationError, caplog)
    assert exc.code == 70009
    _assert_clean(_texts(exc, client, caplog), ["not-the-right-key-000", client._sigs.get()])


def test_client_cannot_be_pickled() -> None:
    import pickle

    client = TencentChatClient(1, secret_key=SECRET, region="china")
    with pytest.raises(TypeError):
        pickle.dumps(client)
    assert SECRET not in repr(client)
    assert repr(client) == (
        "TencentChatClient(sdkappid=1, identifier='administrator', host='console.tim.qq.com')"
    )


def test_bad_constructor_arguments_are_config_errors() -> None:
    with pytest.raises(ChatClientError, match="exactly one of secret_key or usersig"):
        TencentChatClient(1, secret_key=SECRET, usersig=FIXED_SIG, region="china")
    with pytest.raises(ChatClientError, match="https"):
        TencentChatClient(1, secret_key=SECRET, endpoint="http://chat.example.com")
