"""What the scripted test servers share: a threaded HTTP server on a loopback address, the
requests it saw, start and stop. Each server brings its own request handler."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

S = TypeVar("S", bound="LoopbackServer")


class _Listener(ThreadingHTTPServer):
    # The default listen backlog is 5. Tests open 8 or more connections at once; on a loaded
    # machine the accept loop falls behind, the kernel drops a SYN, its retransmission comes
    # after 1 s, the client's connect timeout ends that attempt and (rightly) retries, and a
    # test counting attempts sees one more than the requests served.
    request_queue_size = 128
    daemon_threads = True


class LoopbackServer:
    host: str = "127.0.0.1"
    requests: list[Any]

    def _listen(self, handler: type[BaseHTTPRequestHandler]) -> None:
        """Bind ``handler`` to a free port of ``host`` (served once :meth:`start` is called)."""
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd = _Listener((self.host, 0), handler)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self._httpd.server_port}"

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.requests)

    def start(self: S) -> S:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()
