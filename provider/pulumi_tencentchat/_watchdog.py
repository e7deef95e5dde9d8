"""Whole-attempt deadlines: a watchdog thread that cuts the socket of any attempt still running
at its deadline, and the urllib3 connection classes that tell it which socket an attempt uses.

Socket timeouts bound each read, not a whole answer; this bounds the answer. ``socket`` is
imported only when a socket is cut.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class Guard:
    """One attempt: its deadline, and the connection and socket it is using."""

    __slots__ = ("deadline", "conn", "sock", "done", "cut")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.conn: Any = None
        self.sock: Any = None
        self.done = False
        #: True once the watchdog shut the socket down because the deadline passed.
        self.cut = False

    def clip(self, seconds: float) -> None:
        """Bound the next socket read to ``seconds``."""
        sock = self.sock
        if sock is not None:
            try:
                sock.settimeout(max(0.01, seconds))
            except (OSError, ValueError):
                pass


class Watchdog:
    """One daemon thread that shuts down the socket of any attempt still running at its deadline.

    Socket timeouts bound each read, not a whole answer: a server dripping one byte at a time
    into the headers, a chunk-size line or the trailers (which http.client reads in loops)
    would hold a call as long as it liked. Shutting the socket down ends the blocked read.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Guard]] = []
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None

    def arm(self, guard: Guard) -> None:
        with self._cond:
            heapq.heappush(self._heap, (guard.deadline, next(self._seq), guard))
            if self._thread is None or not self._thread.is_alive():  # first use, or forked
                self._thread = threading.Thread(
                    target=self._run, name="tencentchat-deadline", daemon=True
                )
                self._thread.start()
            elif self._heap[0][2] is guard:
                self._cond.notify()

    def attach(self, guard: Guard, conn: Any) -> None:
        """``conn`` now serves ``guard``'s attempt (called as the request is sent)."""
        with self._cond:
            guard.conn = conn
            guard.sock = getattr(conn, "sock", None)
            conn._tencentchat_guard = guard

    def disarm(self, guard: Guard) -> None:
        with self._cond:
            guard.done = True
            conn = guard.conn
            if conn is not None and getattr(conn, "_tencentchat_guard", None) is guard:
                conn._tencentchat_guard = None

    def _run(self) -> None:
        with self._cond:
            while True:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait()
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                self._cut(heapq.heappop(self._heap)[2])

    @staticmethod
    def _cut(guard: Guard) -> None:
        import socket

        conn = guard.conn
        # Not attached: still connecting (the connect timeout bounds that). Attached to
        # another guard: the connection went back to the pool and serves another call.
        if conn is None or getattr(conn, "_tencentchat_guard", None) is not guard:
            return
        sock = guard.sock if guard.sock is not None else getattr(conn, "sock", None)
        if sock is not None and not isinstance(sock, socket.socket):
            sock = getattr(sock, "socket", None)  # urllib3's TLS-in-TLS transport
        if not isinstance(sock, socket.socket):
            return
        guard.cut = True
        try:
            # The plain socket's shutdown, not SSLSocket's: the reading thread's TLS state
            # stays intact and its read just meets the end of the stream.
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
        except OSError:
            pass


WATCHDOG = Watchdog()
_local = threading.local()
_guarded_classes: dict[type, type] = {}


def _guarded(base: type) -> type:
    """A subclass of urllib3 connection class ``base`` that reports itself to the watchdog."""
    cls = _guarded_classes.get(base)
    if cls is not None:
        return cls

    class Guarded(base):  # type: ignore[misc, valid-type]
        _tencentchat_guarded = True

        def request(self, *args: Any, **kwargs: Any) -> Any:
            guard = getattr(_local, "guard", None)
            if guard is not None:
                WATCHDOG.attach(guard, self)
            return super().request(*args, **kwargs)

        def getresponse(self, *args: Any, **kwargs: Any) -> Any:
            guard = getattr(self, "_tencentchat_guard", None)
            if guard is not None:
                guard.sock = self.sock  # the response keeps reading it after a close
            return super().getresponse(*args, **kwargs)

    Guarded.__name__ = Guarded.__qualname__ = f"Guarded{base.__name__}"
    return _guarded_classes.setdefault(base, Guarded)


def guard_pool(pool: Any) -> Any:
    if not getattr(pool.ConnectionCls, "_tencentchat_guarded", False):
        pool.ConnectionCls = _guarded(pool.ConnectionCls)
    return pool


@contextmanager
def watched(deadline: float) -> Iterator[Guard]:
    """Guard one attempt until ``deadline`` (``time.monotonic()``): the watchdog cuts its
    socket if the attempt is still running then."""
    guard = Guard(deadline)
    WATCHDOG.arm(guard)
    try:
        yield guard
    finally:
        WATCHDOG.disarm(guard)


@contextmanager
def sending(guard: Guard) -> Iterator[None]:
    """While the request is sent on this thread, the connection it takes reports to ``guard``."""
    _local.guard = guard
    try:
        yield
    finally:
        _local.guard = None
