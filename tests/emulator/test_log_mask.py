"""The emulator's logs never hold a UserSig, even when aiohttp quotes a malformed request."""

from __future__ import annotations

import socket

from tencentchat_emulator.accesslog import mask_text
from tencentchat_emulator.usersig import generate_usersig

from tests.support.emulator import EmulatorProcess


def send_raw(url: str, data: bytes) -> bytes:
    host, port = url.split("//", 1)[1].rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(data)
        try:
            return conn.recv(65536)
        except OSError:
            return b""


def test_malformed_requests_are_logged_with_the_usersig_masked() -> None:
    emu = EmulatorProcess().start()
    sig = generate_usersig(emu.sdkappid, emu.secret_key, emu.admin)
    target = f"/v4/group_open_http_svc/get_topic?identifier=administrator&usersig={sig}"
    try:
        # A request line over aiohttp's 8190-byte limit, and an unknown method on a kept-alive
        # connection: aiohttp answers both with a bare 400 and logs the raw line.
        long_line = f"POST {target}&pad={'x' * 9000} HTTP/1.1\r\nHost: a\r\n\r\n".encode()
        assert send_raw(emu.url, long_line).startswith(b"HTTP/1.0 400")
        two = (f"POST {target} HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{{}}"
               f"BREW {target} HTTP/1.1\r\nHost: a\r\n\r\n").encode()
        send_raw(emu.url, two)
    finally:
        emu.stop()
    stderr = emu.proc.stderr.read() if emu.proc and emu.proc.stderr else ""
    assert "Error handling request" in stderr  # the records were written ...
    assert "usersig=***" in stderr  # ... with the value masked
    assert sig not in stderr


def test_mask_text_covers_spellings_of_the_parameter() -> None:
    for text in ("a?usersig=abc*-_&b=1", "UserSig=abc*-_ x", "user%73ig%3Dabc*-_'",
                 "b'usersig=abc*-_'"):
        assert "abc*-_" not in mask_text(text), text
    assert mask_text("identifier=admin&random=1") == "identifier=admin&random=1"
