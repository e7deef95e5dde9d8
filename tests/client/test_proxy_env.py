"""Proxy settings come from the environment, read once when the client's session is built."""

from __future__ import annotations

import socket

import pytest

from .scripted_server import ok


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_http_proxy_from_the_environment_is_used(
        scripted, make_client, monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = scripted(ok(PermissionGroupId="@PMG#_p"))
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    # Nothing listens at the endpoint: only the proxy can answer.
    client = make_client(f"http://127.0.0.1:{closed_port()}")
    assert client.create_permission_group("@TGS#_g", "n", permission_group_id="@PMG#_p") \
        == "@PMG#_p"
    assert proxy.count == 1
    assert proxy.requests[0].path == "/v4/group_open_http_svc/create_permission_group"


def test_no_proxy_bypasses_and_environment_is_read_once(
        scripted, make_client, monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = scripted(ok(PermissionGroupId="@PMG#_p"))
    target = scripted(ok(PermissionGroupId="@PMG#_p"), ok(PermissionGroupId="@PMG#_p"))
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    client = make_client(target.url)
    client.create_permission_group("@TGS#_g", "n", permission_group_id="@PMG#_p")
    # A later change of the environment does not reach the session already built.
    monkeypatch.delenv("NO_PROXY")
    client.create_permission_group("@TGS#_g", "n", permission_group_id="@PMG#_p")
    assert (proxy.count, target.count) == (0, 2)
