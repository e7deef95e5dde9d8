"""A loopback HTTP server that answers like a broken gateway or a hostile host (stdlib only).

Each answer is an :data:`Action`: a function that writes raw bytes to the socket, so it can
send what no well-behaved server would: redirects, bodies that never end or drip one byte
at a time, headers that never finish, gzip bombs. Every answer carries ``Connection: close``
and the connection is closed after it, so the client never reuses a socket left mid-answer.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ._loopback import LoopbackServer


@dataclass
class Request:
    method: str
    path: str
    #: The query string exactly as received (still percent-encoded).
    raw_query: str
    query: dict[str, str]
    body: Any
    at: float


#: Writes one answer: ``action(write, request, stop)``; ``write`` raises OSError once the
#: client has gone, ``stop`` is set when the server shuts down.
Action = Callable[[Callable[[bytes], None], Request, threading.Event], None]


def _head(status: int, headers: list[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status} Hostile", *(f"{k}: {v}" for k, v in headers),
             "Connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1")


def answer(status: int = 200, body: bytes = b"", content_type: str | None = "application/json",
           headers: list[tuple[str, str]] | None = None) -> Action:
    """A complete answer with a Content-Length."""
    extra = list(headers or [])
    if content_type is not None:
        extra.append(("Content-Type", content_type))
    extra.append(("Content-Length", str(len(body))))

    def act(write: Callable[[bytes], None], req: Request, stop: threading.Event) -> None:
        write(_head(status, extra) + body)

    return act


def json_answer(doc: Any, status: int = 200, **kwargs: Any) -> Action:
    return answer(status, json.dumps(doc).encode(), **kwargs)


def envelope(**fields: Any) -> Action:
    return json_answer({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", **fields})


def echo_error(code: int = 70009) -> Action:
    """A Tencent failure whose ErrorInfo repeats the request line, query included."""

    def act(write: Callable[[bytes], None], req: Request, stop: threading.Event) -> None:
        info = f"bad request POST {req.path}?{req.raw_query}"
        body = json.dumps({"ActionStatus": "FAIL", "ErrorCode": code, "ErrorInfo": info})
        write(_head(200, [("Content-Type", "application/json"),
                          ("Content-Length", str(len(body)))]) + body.encode())

    return act


def redirect(status: int, target: Callable[[Request], str]) -> Action:
    """A redirect to ``target(request)``, which may repeat the query (and its UserSig)."""

    def act(write: Callable[[bytes], None], req: Request, stop: threading.Event) -> None:
        write(_head(status, [("Location", target(req)), ("Content-Length", "0")]))

    return act


def drip_body(interval: float, length: int = 100_000) -> Action:
    """Announces ``length`` bytes, then sends one byte every ``interval`` seconds."""

    def act(write: Callable[[bytes], None], req: Request, stop: threading.Event) -> None:
        write(_head(200, [("Content-Type", "application/json"),
                          ("Content-Length", str(length))]) + b"{")
        while not stop.wait(interval):
            write(b" ")

    return act


def drip_headers(interval: float) -> Action:
    """A status line, then a header line that grows by one byte every ``interval`` s."""

    def act(write: Callable[[bytes], None], req: Request, stop: threading.Event) -> None:
        write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        while not stop.wait(interval):
            write(b"a")

    return act


def drip_chunk_size(interval: float) -> Action:
    """A chunked answer whose first chunk-size line never ends (http.client reads it in a loop)."""

    def act(write: Callable[[bytes], None], req: Request, stop: threading.Event) -> None:
        write(_head(200, [("Content-Type", "application/json"),
                          ("Transfer-Encoding", "chunked")]) + b"0")
        while not stop.wait(interval):
            write(b"0")

    return act


def endless_chunks(chunk: bytes, interval: float = 0.0) -> Action:
    """A chunked answer that never ends: ``chunk`` every ``interval`` seconds."""
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"

    def act(write: Callable[[bytes], None], req: Request, stop: threading.Event) -> None:
        write(_head(200, [("Content-Type", "application/json"),
                          ("Transfer-Encoding", "chunked")]))
        while not stop.is_set():
            write(frame)
            if interval:
                stop.wait(interval)

    return act


def endless_trailers() -> Action:
    """A chunked answer whose trailer section never ends (fast, but never finished)."""

    def act(write: Callable[[bytes], None], req: Request, stop: threading.Event) -> None:
        write(_head(200, [("Content-Type", "application/json"),
                          ("Transfer-Encoding", "chunked")]) + b"2\r\n{}\r\n0\r\n")
        line = b"X-Trailer: " + b"t" * 100 + b"\r\n"
        while not stop.is_set():
            write(line * 100)

    return act


def compressed(body: bytes, encoding: str = "gzip") -> Action:
    """``body``, already compressed, labelled with ``encoding``."""
    return answer(200, body, headers=[("Content-Encoding", encoding)])


def bomb(inflated_mib: int, encoding: str = "gzip") -> bytes:
    """A body of zeros inflating to ``inflated_mib`` MiB, about 1/1000 of that compressed.

    One MiB of zeros is deflated once, ending in a full flush (which resets the compressor),
    so the same segment repeated is a valid stream: building a 1 GiB bomb takes no time.
    """
    block = bytes(1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    stream = segment * inflated_mib + packer.flush()
    crc, adler = 0, 1
    for _ in range(inflated_mib):
        crc, adler = zlib.crc32(block, crc), zlib.adler32(block, adler)
    if encoding == "gzip":
        size = (inflated_mib << 20) & 0xFFFFFFFF
        return (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + stream
                + crc.to_bytes(4, "little") + size.to_bytes(4, "little"))
    return b"\x78\xda" + stream + adler.to_bytes(4, "big")  # zlib wrapper: HTTP's "deflate"


def gzipped(doc: Any) -> bytes:
    return gzip.compress(json.dumps(doc).encode())


@dataclass
class HostileServer(LoopbackServer):
    """Answers each request with the next scripted action; after the script, ``default``.

    ``host`` may be another loopback address (127.0.0.2) to stand for another machine.
    """

    script: list[Action] = field(default_factory=list)
    default: Action | None = None
    host: str = "127.0.0.1"
    requests: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                try:
                    body: Any = json.loads(data) if data else None
                except ValueError:
                    body = data
                req = Request(self.command, parts.path, parts.query,
                              {k: v[0] for k, v in parse_qs(parts.query).items()}, body,
                              time.monotonic())
                with server._lock:
                    server.requests.append(req)
                    action = server.script.pop(0) if server.script else server.default
                self.close_connection = True
                if action is None:
                    action = envelope()

                def write(chunk: bytes) -> None:
                    self.wfile.write(chunk)
                    self.wfile.flush()

                try:
                    action(write, req, server._stop)
                except OSError:  # the client gave up: exactly what the tests want
                    pass

            do_GET = do_POST = do_PUT = do_HEAD = _serve

            def log_message(self, *args: object) -> None:
                pass

        self._listen(Handler)


def other_loopback_host() -> str:
    """127.0.0.2 where it can be bound (Linux), else 127.0.0.1."""
    import socket

    try:
        with socket.socket() as sock:
            sock.bind(("127.0.0.2", 0))
        return "127.0.0.2"
    except OSError:
        return "127.0.0.1"


def windows(text: str, size: int) -> Iterator[str]:
    """Every run of ``size`` consecutive characters of ``text``."""
    for i in range(len(text) - size + 1):
        yield text[i : i + size]
