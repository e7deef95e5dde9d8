"""Small deliberately misbehaving HTTP servers on loopback (stdlib only)."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ._loopback import LoopbackServer

OK: dict[str, Any] = {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}


def fail(code: int, info: str = "") -> tuple[str, Any]:
    return ("json", {"ActionStatus": "FAIL", "ErrorCode": code, "ErrorInfo": info})


def ok(**fields: Any) -> tuple[str, Any]:
    return ("json", {**OK, **fields})


def status(code: int) -> tuple[str, Any]:
    return ("status", code)


def close() -> tuple[str, Any]:
    """Read the request, then drop the connection without answering."""
    return ("close", None)


def hang(seconds: float) -> tuple[str, Any]:
    """Read the request, then wait ``seconds`` before answering OK."""
    return ("hang", seconds)


def raw(body: bytes) -> tuple[str, Any]:
    return ("raw", body)


@dataclass
class Request:
    path: str
    query: dict[str, str]
    body: Any
    at: float


@dataclass
class ScriptedServer(LoopbackServer):
    """Answers each request with the next scripted action; after the script, ``default``."""

    script: list[tuple[str, Any]] = field(default_factory=list)
    default: tuple[str, Any] = field(default_factory=lambda: ok())
    requests: list[Request] = field(default_factory=list)
    responder: Callable[[Request], tuple[str, Any]] | None = None

    def __post_init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length)
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                try:
                    body = json.loads(data) if data else None
                except ValueError:
                    body = data
                req = Request(parts.path, query, body, time.monotonic())
                with server._lock:
                    server.requests.append(req)
                    if server.responder is not None:
                        action = server.responder(req)
                    else:
                        action = server.script.pop(0) if server.script else server.default
                kind, arg = action
                if kind == "close":
                    self.close_connection = True
                    try:
                        self.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    return
                if kind == "hang":
                    server._stop.wait(arg)
                    kind, arg = "json", OK
                if kind == "status":
                    payload = b"<html>bad gateway</html>"
                    self.send_response(arg)
                elif kind == "raw":
                    payload = arg
                    self.send_response(200)
                else:
                    payload = json.dumps(arg).encode()
                    self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                try:
                    self.wfile.write(payload)
                except OSError:
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self._listen(Handler)


def unused_port() -> int:
    """A loopback port with nothing listening (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
