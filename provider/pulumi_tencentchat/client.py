"""TencentChatClient: one typed method per permission-group endpoint, with paging,
chunking, rate limiting, retries and secret redaction.

``requests`` is imported lazily (when the first call builds the session): this module is
imported by every ``pulumi`` command and must stay cheap.
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import re
import secrets as _secrets
import threading
import time
import weakref
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError

from . import models as m
from .errors import (
    ChatClientError,
    ConfigError,
    Redactor,
    TencentChatError,
    TransportError,
    error_class,
)
from .ratelimit import DEFAULT_RATE, TokenBucket, shared_limiter
from .regions import resolve_base_url
from .retry import RetryPolicy
from .usersig import UserSigSource

if TYPE_CHECKING:  # pragma: no cover
    import requests

    from .config import ClientSettings

log = logging.getLogger("pulumi_tencentchat.client")

GROUP_SERVICE = "group_open_http_svc"
TOPIC_SERVICE = "million_group_open_http_svc"

#: Per-request caps (spec §5).
DESTROY_CHUNK = 20
GET_BY_ID_CHUNK = 20
TOPIC_PERMISSION_CHUNK = 50
TOPIC_ID_CHUNK = 50
MEMBER_CHUNK = 100
MAX_GROUP_PAGE = 20
MAX_MEMBER_PAGE = 50
GROUP_INFO_CHUNK = 50  # get_group_info GroupIdList (spec §14.1)
MAX_APPID_GROUP_PAGE = 10000  # get_appid_group_list Limit (spec §14.3)
#: get_appid_group_list's own documented rate (requests per second), far below the 200/s
#: of every other command; it gets its own process-wide bucket.
APPID_GROUP_LIST_RATE = 1.0
#: Base-info fields get_group_info asks for by name: whether the permission fields come back
#: without being named is not documented, so they are always named.
GROUP_INFO_FIELDS: tuple[str, ...] = (
    "Type", "Name", "Introduction", "Notification", "FaceUrl", "Owner_Account",
    "EnablePermission", "DefaultPermission",
)

_SERVICES: dict[str, str] = {
    "create_topic": TOPIC_SERVICE,
    "modify_topic": TOPIC_SERVICE,
    "get_topic": TOPIC_SERVICE,
    "destroy_topic": TOPIC_SERVICE,
}

R = TypeVar("R", bound=BaseModel)
I = TypeVar("I")  # noqa: E741
T = TypeVar("T")


class CallStats:
    """Thread-safe count of HTTP requests made by a client (every attempt counts)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: Counter[str] = Counter()
        self._failures: Counter[str] = Counter()

    def record(self, command: str, ok: bool) -> None:
        with self._lock:
            self._calls[command] += 1
            if not ok:
                self._failures[command] += 1

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self._calls.values())

    def calls(self, command: str | None = None) -> int:
        """Requests sent for ``command`` (all commands when None)."""
        with self._lock:
            return sum(self._calls.values()) if command is None else self._calls[command]

    def failures(self, command: str | None = None) -> int:
        with self._lock:
            if command is None:
                return sum(self._failures.values())
            return self._failures[command]

    def by_command(self) -> dict[str, int]:
        with self._lock:
            return dict(self._calls)

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
            self._failures.clear()

    def __repr__(self) -> str:
        return f"CallStats(total={self.total}, by_command={self.by_command()})"


_appid_limiter: TokenBucket | None = None
_appid_limiter_lock = threading.Lock()


def appid_list_limiter() -> TokenBucket:
    """The process-wide bucket of get_appid_group_list (1 request/s), separate from the
    shared bucket every command draws from, like the server's separate cap."""
    global _appid_limiter
    with _appid_limiter_lock:
        if _appid_limiter is None:
            _appid_limiter = TokenBucket(APPID_GROUP_LIST_RATE)
        return _appid_limiter


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        seen.setdefault(value, None)
    return list(seen)


#: Cap on an answer's body, after decompression. Tencent refuses to send more than 1 MB
#: (error 10018 "response packet over the maximum size (1 MB)"), so a real answer is far
#: below it; 4 MiB leaves room for JSON escaping (a 3-byte character can become a 6-byte
#: \uXXXX escape) and still bounds the memory one call can take.
MAX_ANSWER_BYTES = 4 * 1024 * 1024
_READ_CHUNK = 64 * 1024
_INFLATE_STEP = 256 * 1024
#: ErrorInfo is server text: it is scrubbed, then cut to this length in exceptions.
_MAX_INFO = 500
_ENCODINGS = frozenset({"identity", "gzip", "x-gzip", "deflate"})

_QUERY_SECRET = re.compile(r"(usersig(?:=|%3D))[^&\s\"']+", re.IGNORECASE)
_live_clients: weakref.WeakSet[TencentChatClient] = weakref.WeakSet()


class _SecretLogFilter(logging.Filter):
    """Scrubs ``usersig=...`` and every live client's secrets, in any encoding, from records.

    urllib3 logs request lines, query string included, at DEBUG.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # pragma: no cover - malformed third-party record
            return True
        clean = _QUERY_SECRET.sub(r"\1***", message)
        for client in list(_live_clients):
            clean = client._scrub(clean)
        if clean != message:
            record.msg = clean
            record.args = ()
        return True


#: Loggers whose records can carry a URL; a logger's filters do not apply to its children.
_SCRUBBED_LOGGERS = (
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.response",
    "urllib3.poolmanager",
    "urllib3.util.retry",
    "pulumi_tencentchat.client",
)
_filter_lock = threading.Lock()
_filter_installed = False


def _install_log_scrubber() -> None:
    global _filter_installed
    with _filter_lock:
        if not _filter_installed:
            scrubber = _SecretLogFilter()
            for name in _SCRUBBED_LOGGERS:
                logging.getLogger(name).addFilter(scrubber)
            _filter_installed = True


# ---------------------------------------------------------------------- deadlines


class _Guard:
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


class _Watchdog:
    """One daemon thread that shuts down the socket of any attempt still running at its deadline.

    Socket timeouts bound each read, not a whole answer: a server dripping one byte at a time
    into the headers, a chunk-size line or the trailers (which http.client reads in loops)
    would hold a call as long as it liked. Shutting the socket down ends the blocked read.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, _Guard]] = []
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None

    def arm(self, guard: _Guard) -> None:
        with self._cond:
            heapq.heappush(self._heap, (guard.deadline, next(self._seq), guard))
            if self._thread is None or not self._thread.is_alive():  # first use, or forked
                self._thread = threading.Thread(
                    target=self._run, name="tencentchat-deadline", daemon=True
                )
                self._thread.start()
            elif self._heap[0][2] is guard:
                self._cond.notify()

    def attach(self, guard: _Guard, conn: Any) -> None:
        """``conn`` now serves ``guard``'s attempt (called as the request is sent)."""
        with self._cond:
            guard.conn = conn
            guard.sock = getattr(conn, "sock", None)
            conn._tencentchat_guard = guard

    def disarm(self, guard: _Guard) -> None:
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
    def _cut(guard: _Guard) -> None:
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


_WATCHDOG = _Watchdog()
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
                _WATCHDOG.attach(guard, self)
            return super().request(*args, **kwargs)

        def getresponse(self, *args: Any, **kwargs: Any) -> Any:
            guard = getattr(self, "_tencentchat_guard", None)
            if guard is not None:
                guard.sock = self.sock  # the response keeps reading it after a close
            return super().getresponse(*args, **kwargs)

    Guarded.__name__ = Guarded.__qualname__ = f"Guarded{base.__name__}"
    return _guarded_classes.setdefault(base, Guarded)


def _guard_pool(pool: Any) -> Any:
    if not getattr(pool.ConnectionCls, "_tencentchat_guarded", False):
        pool.ConnectionCls = _guarded(pool.ConnectionCls)
    return pool


_transport_classes: tuple[type, type] | None = None


def _transport() -> tuple[type, type]:
    """(session class, adapter class): no redirects, connections the watchdog can cut."""
    global _transport_classes
    if _transport_classes is None:
        import requests
        from requests.adapters import HTTPAdapter

        class GuardedAdapter(HTTPAdapter):
            def get_connection_with_tls_context(self, *args: Any, **kwargs: Any) -> Any:
                return _guard_pool(super().get_connection_with_tls_context(*args, **kwargs))

            def get_connection(self, *args: Any, **kwargs: Any) -> Any:  # requests < 2.32.2
                return _guard_pool(super().get_connection(*args, **kwargs))

        class NoRedirectSession(requests.Session):
            # Even with allow_redirects=False, requests reads a 3xx answer's whole body
            # (to prepare Response.next) and raises TooManyRedirects past max_redirects.
            # With no target, its redirect code never runs: a 3xx is just an answer.
            def get_redirect_target(self, resp: Any) -> None:
                return None

        _transport_classes = (NoRedirectSession, GuardedAdapter)
    return _transport_classes


# -------------------------------------------------------------------- answer bodies


class _TooLarge(Exception):
    pass


class _BoundedBody:
    """Collects an answer body, inflating gzip/deflate as it arrives, up to ``cap`` bytes."""

    def __init__(self, encoding: str, cap: int) -> None:
        self.cap = cap
        self.size = 0
        self.encoded = encoding != "identity"
        self._parts: list[bytes] = []
        # wbits 47: zlib or gzip header, detected (servers label zlib streams either way).
        self._inflater = zlib.decompressobj(47) if self.encoded else None

    def feed(self, data: bytes) -> None:
        """Add raw bytes; raises ``_TooLarge`` past the cap, ``zlib.error`` if corrupt."""
        inflater = self._inflater
        if inflater is None:
            self._keep(data)
            return
        while data:
            # Small steps: memory stays near the cap whatever one chunk inflates to, and a
            # bomb stops at cap + 1 bytes.
            step = min(self.cap + 1 - self.size, _INFLATE_STEP)
            self._keep(inflater.decompress(data, step))
            data = inflater.unconsumed_tail
            if inflater.eof and inflater.unused_data:  # another gzip member follows
                data = inflater.unused_data
                inflater = self._inflater = zlib.decompressobj(47)

    def _keep(self, out: bytes) -> None:
        self.size += len(out)
        if self.size > self.cap:
            raise _TooLarge
        if out:
            self._parts.append(out)

    def finish(self) -> bytes:
        """The whole body; raises ``zlib.error`` when a compressed body stopped early."""
        if self._inflater is not None and not self._inflater.eof:
            raise zlib.error("compressed body is truncated")
        return b"".join(self._parts)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delay-seconds or HTTP-date); None if unusable."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d{1,9}(\.\d{1,6})?", value):
        return float(value)
    from datetime import timezone
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:  # pragma: no cover - older Pythons return None for garbage
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - time.time())


def _describe_transport(exc: BaseException) -> tuple[str, bool, str]:
    """(kind, sent, detail) for a ``requests`` exception, without any URL text."""
    import requests

    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and len(chain) < 12:
        chain.append(cur)
        nxt = getattr(cur, "reason", None)
        if not isinstance(nxt, BaseException):
            nxt = cur.__cause__ or cur.__context__
        for arg in getattr(cur, "args", ()):
            if isinstance(arg, BaseException) and arg not in chain and nxt is None:
                nxt = arg
        cur = nxt if nxt not in chain else None
    detail = ""
    for item in chain:
        if isinstance(item, OSError) and item.strerror:
            detail = item.strerror
            break
    names = {type(item).__name__ for item in chain}
    if isinstance(exc, requests.exceptions.SSLError):
        return "tls", False, "TLS handshake failed"
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "connect", False, "connect timeout"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return "timeout", True, "read timeout"
    if isinstance(exc, requests.exceptions.ConnectionError):
        if names & {"NewConnectionError", "NameResolutionError", "ConnectTimeoutError"}:
            return "connect", False, detail or "connection failed"
        if "ReadTimeoutError" in names:
            return "timeout", True, "read timeout"
        return "connection", True, detail or "connection closed before a response"
    if isinstance(exc, requests.exceptions.Timeout):
        return "timeout", True, "timeout"
    return "connection", True, type(exc).__name__


class TencentChatClient:
    """Typed, thread-safe client for the Community permission-group REST API.

    One instance may be shared by many threads. It holds credentials and cannot be pickled.
    """

    def __init__(
        self,
        sdkappid: int,
        *,
        identifier: str = "administrator",
        secret_key: str | None = None,
        usersig: str | None = None,
        region: str | None = None,
        endpoint: str | None = None,
        requests_per_second: float = DEFAULT_RATE,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        deadline: float = 60.0,
        max_attempts: int = 6,
        retry_policy: RetryPolicy | None = None,
        limiter: TokenBucket | None = None,
    ) -> None:
        try:
            self._sdkappid = int(sdkappid)
        except (TypeError, ValueError):
            raise ConfigError("sdkappid must be an integer SDKAppID") from None
        if self._sdkappid <= 0:
            raise ConfigError("sdkappid must be a positive integer SDKAppID")
        if not identifier:
            raise ConfigError("identifier must be a non-empty App admin account")
        self._identifier = identifier
        if (secret_key is None) == (usersig is None) or not (secret_key or usersig):
            raise ConfigError("exactly one of secret_key or usersig is required")
        self._sigs = UserSigSource(
            self._sdkappid, identifier, secret_key=secret_key, usersig=usersig
        )
        try:
            self._base_url = resolve_base_url(region, endpoint)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        self._host = urlsplit(self._base_url).netloc
        if retry_policy is None:
            retry_policy = RetryPolicy(
                max_attempts=max_attempts,
                deadline=deadline,
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
            )
        self._retry = retry_policy
        self._limiter = limiter if limiter is not None else shared_limiter(requests_per_second)
        self._session: requests.Session | None = None
        self._session_lock = threading.Lock()
        self._redactor = Redactor(self._sigs.secrets())
        self._redactor_lock = threading.Lock()
        #: Recent sigs sent: a replaced sig stays valid for days, so it stays masked too.
        self._sent_sigs: deque[str] = deque(maxlen=4)
        self.stats = CallStats()
        _live_clients.add(self)

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_settings(cls, settings: ClientSettings, **overrides: Any) -> TencentChatClient:
        """Build a client from validated :class:`~pulumi_tencentchat.config.ClientSettings`."""
        kwargs: dict[str, Any] = {
            "identifier": settings.identifier,
            "secret_key": settings.secret_key.get_secret_value() if settings.secret_key else None,
            "usersig": settings.usersig.get_secret_value() if settings.usersig else None,
            "region": settings.region,
            "endpoint": settings.endpoint,
            "requests_per_second": settings.requests_per_second,
            "connect_timeout": settings.connect_timeout,
            "read_timeout": settings.read_timeout,
            "deadline": settings.operation_timeout,
        }
        kwargs.update(overrides)
        return cls(settings.sdkappid, **kwargs)

    @property
    def sdkappid(self) -> int:
        return self._sdkappid

    @property
    def identifier(self) -> str:
        return self._identifier

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def host(self) -> str:
        return self._host

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._retry

    def __repr__(self) -> str:
        return (
            f"TencentChatClient(sdkappid={self._sdkappid}, identifier={self._identifier!r}, "
            f"host={self._host!r})"
        )

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("TencentChatClient holds credentials and cannot be pickled")

    def close(self) -> None:
        """Close pooled connections (the client stays usable; a new pool is built)."""
        with self._session_lock:
            if self._session is not None:
                self._session.close()
                self._session = None

    def __enter__(self) -> TencentChatClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------- transport

    def _get_session(self) -> requests.Session:
        session = self._session
        if session is not None:
            return session
        with self._session_lock:
            if self._session is None:
                _install_log_scrubber()
                from http.cookiejar import DefaultCookiePolicy

                session_class, adapter_class = _transport()
                new = session_class()
                adapter = adapter_class(pool_connections=4, pool_maxsize=16, max_retries=0)
                new.mount("https://", adapter)
                new.mount("http://", adapter)
                # Never follow a redirect: it would carry the query (and its UserSig) to
                # whatever host the Location names, and turn the POST into a GET.
                new.max_redirects = 0
                # The API sets no cookies: accept none, so no answer can plant state.
                new.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
                new.headers.update(
                    {
                        "Content-Type": "application/json",
                        "User-Agent": "pulumi-tencentchat",
                        # Only what _BoundedBody inflates (requests may offer br or zstd).
                        "Accept-Encoding": "gzip, deflate",
                    }
                )
                # Proxy and CA-bundle variables are read once for this client's one host,
                # not on every request (requests scans the whole environment per call).
                env = new.merge_environment_settings(self._base_url, {}, None, None, None)
                new.proxies.update(env.get("proxies") or {})
                new.verify = env.get("verify", True)
                new.trust_env = False
                self._session = new
            return self._session

    def _secrets(self) -> tuple[str, ...]:
        return (*self._sigs.secrets(), *self._sent_sigs)

    def _scrub(self, text: str) -> str:
        """``text`` with every known secret, in any encoding or long fragment, masked."""
        redactor = self._redactor
        secrets = self._secrets()
        if redactor.secrets != tuple(s for s in secrets if s and len(s) >= 4):
            with self._redactor_lock:
                redactor = self._redactor = Redactor(secrets)
        return redactor(text)

    def _call(
        self,
        command: str,
        body: Mapping[str, Any],
        response_model: type[R],
        *,
        idempotent: bool = True,
        expect: Sequence[str] = (),
        on_doubt: Callable[[], None] | None = None,
    ) -> R:
        """POST ``body`` to ``command`` with retries; return the parsed response.

        ``expect`` names result fields this call needs beyond the model's ``RESULT_FIELDS``;
        ``on_doubt`` is called when an earlier attempt may have applied (see ``RetryPolicy``).
        """
        service = _SERVICES.get(command, GROUP_SERVICE)
        url = f"{self._base_url}/v4/{service}/{command}"
        payload = json.dumps(dict(body) or {}, ensure_ascii=False).encode("utf-8")

        def attempt(number: int, remaining: float) -> R:
            deadline = time.monotonic() + remaining  # the operation's, rate-limit wait included
            self._limiter.acquire()
            started = time.monotonic()
            outcome = "ok"
            try:
                result = self._send(command, url, payload, response_model, deadline, expect)
                return result
            except TencentChatError as exc:
                outcome = str(exc.code)
                raise
            except TransportError as exc:
                outcome = f"http {exc.status}" if exc.kind == "http" else exc.kind
                raise
            finally:
                self.stats.record(command, outcome == "ok")
                log.log(
                    logging.DEBUG if outcome == "ok" else logging.INFO,
                    "tencentchat %s attempt=%d outcome=%s elapsed=%.3fs",
                    command,
                    number,
                    outcome,
                    time.monotonic() - started,
                )

        return self._retry.run(attempt, idempotent=idempotent, command=command,
                               on_doubt=on_doubt)

    def _send(
        self,
        command: str,
        url: str,
        payload: bytes,
        response_model: type[R],
        deadline: float,
        expect: Sequence[str] = (),
    ) -> R:
        """One attempt, bounded by ``deadline`` (``time.monotonic()``) from send to last byte.

        Exceptions are raised outside ``except`` blocks so that no library exception (whose
        text may hold the URL and its query) rides along as ``__context__``.
        """
        import requests

        sig = self._sigs.get()
        if sig not in self._sent_sigs:
            self._sent_sigs.append(sig)
        params = {
            "sdkappid": str(self._sdkappid),
            "identifier": self._identifier,
            "usersig": sig,
            "random": str(_secrets.randbits(32)),
            "contenttype": "json",
        }
        session = self._get_session()
        guard = _Guard(deadline)
        failure: ChatClientError | None = None
        response: requests.Response | None = None
        data: Any = None
        content_type = ""
        _WATCHDOG.arm(guard)
        try:
            _local.guard = guard
            try:
                response = session.post(
                    url,
                    params=params,
                    data=payload,
                    timeout=self._retry.timeouts(deadline - time.monotonic()),
                    stream=True,
                    allow_redirects=False,
                )
            except requests.exceptions.RequestException as exc:
                failure = self._request_failure(command, exc, guard)
            finally:
                _local.guard = None
            if response is not None:
                try:
                    content_type = self._header_text(response.headers.get("Content-Type"))
                    data, failure = self._read_answer(command, response, guard, content_type)
                finally:
                    response.close()
        finally:
            _WATCHDOG.disarm(guard)
        if failure is not None:
            raise failure
        return self._interpret(command, data, response_model, expect, content_type)

    def _timed_out(self, command: str, when: str) -> TransportError:
        return TransportError(
            command,
            self._host,
            "timeout",
            f"tencentchat:operationTimeout ({self._retry.deadline:g} s) ran out {when}",
        )

    def _request_failure(
        self, command: str, exc: BaseException, guard: _Guard
    ) -> TransportError:
        if guard.cut:
            return self._timed_out(command, "before the answer arrived")
        kind, sent, detail = _describe_transport(exc)
        return TransportError(command, self._host, kind, self._scrub(detail), sent=sent)

    def _header_text(self, value: str | None) -> str:
        """A header value fit for an error message: printable ASCII, short, scrubbed."""
        if value is None:
            return ""
        text = "".join(ch for ch in str(value)[:200] if " " <= ch <= "~")
        return self._scrub(text)[:80]

    def _read_answer(
        self, command: str, response: requests.Response, guard: _Guard, content_type: str
    ) -> tuple[Any, TransportError | None]:
        """(decoded JSON, None) for a 200 answer, or (None, the error)."""
        status = response.status_code
        if status != 200:
            # A 3xx lands here too: redirects are never followed, and the Location (which
            # may repeat the query) is not reported.
            after = None
            if status in (429, 503):
                after = _retry_after(response.headers.get("Retry-After"))
            return None, TransportError(
                command, self._host, "http", status=status, content_type=content_type,
                retry_after=after,
            )
        body, failure = self._read_body(command, response, guard, content_type)
        if failure is not None:
            return None, failure
        try:
            return json.loads(body), None
        except (ValueError, RecursionError):
            pass
        return None, TransportError(
            command, self._host, "decode", "body is not JSON", status=200,
            content_type=content_type,
        )

    def _read_body(
        self, command: str, response: requests.Response, guard: _Guard, content_type: str
    ) -> tuple[bytes, TransportError | None]:
        """Stream the body within the deadline and the size cap.

        The deadline is checked between reads and each read's socket timeout is clipped to
        the time left (the watchdog covers reads that loop inside http.client). Over the cap,
        compressed or not, the answer is refused without buffering the rest.
        """

        def failed(kind: str, detail: str) -> tuple[bytes, TransportError]:
            return b"", TransportError(
                command, self._host, kind, detail, status=200, content_type=content_type
            )

        encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
        if encoding not in _ENCODINGS:
            return failed("decode", "unsupported content encoding")
        declared = (response.headers.get("Content-Length") or "").strip()
        if declared.isdigit() and int(declared) > MAX_ANSWER_BYTES:
            return failed(
                "too_large", f"{int(declared)} bytes announced, the cap is {MAX_ANSWER_BYTES}"
            )
        body = _BoundedBody(encoding, MAX_ANSWER_BYTES)
        raw = response.raw
        read1 = getattr(raw, "read1", None)  # urllib3 >= 2.3: at most one socket read
        problem: tuple[str, str] | None = None
        cause: BaseException | None = None
        ended = False
        while True:
            left = guard.deadline - time.monotonic()
            if left <= 0:
                break
            guard.clip(min(self._retry.read_timeout, left))
            try:
                if read1 is not None:
                    data = read1(_READ_CHUNK, decode_content=False)
                else:
                    data = raw.read(_READ_CHUNK, decode_content=False)
                if not data:
                    ended = True
                    break
                body.feed(data)
            except _TooLarge:
                after = " after decompression" if body.encoded else ""
                problem = ("too_large", f"over {MAX_ANSWER_BYTES} bytes{after}")
                break
            except zlib.error:
                problem = ("decode", "compressed body is corrupt")
                break
            except Exception as exc:  # urllib3, http.client, ssl and socket errors
                cause = exc
                break
        if problem is not None:
            return failed(*problem)
        # The watchdog's cut can look like a clean end of a close-delimited body.
        if guard.cut or not (ended or cause is not None) or (
            cause is not None and guard.deadline - time.monotonic() <= 0
        ):
            return b"", self._timed_out(command, "while the answer was arriving")
        if cause is not None:
            timeout = isinstance(cause, TimeoutError) or "Timeout" in type(cause).__name__
            return b"", TransportError(
                command,
                self._host,
                "timeout" if timeout else "connection",
                "read timeout" if timeout else "connection broken while reading the answer",
            )
        try:
            return body.finish(), None
        except zlib.error:
            pass
        return failed("decode", "compressed body is truncated")

    def _interpret(
        self,
        command: str,
        data: Any,
        response_model: type[R],
        expect: Sequence[str],
        content_type: str,
    ) -> R:
        """Trust ``data`` only as Tencent's envelope: typed error, result, or refusal."""

        def foreign(detail: str) -> TransportError:
            return TransportError(
                command, self._host, "decode", detail, status=200, content_type=content_type
            )

        problem = m.envelope_problem(data)
        if problem is not None:
            raise foreign(problem)
        code = data["ErrorCode"]
        if code != 0:
            info = self._scrub(str(data.get("ErrorInfo") or "")[: _MAX_INFO * 4])[:_MAX_INFO]
            raise error_class(code)(code, info, command)
        missing = response_model.missing_results(data, expect)
        if missing:
            raise foreign(f"the answer lacks {', '.join(missing)}")
        try:
            return response_model.model_validate(data)
        except ValidationError:
            pass
        raise foreign("the answer's fields do not have the documented types")

    def _created_id(self, command: str, field: str, answered: str, requested: str | None) -> str:
        """The new object's ID: the server's when it chose one, else the one requested."""
        if requested is None:
            return answered  # present: required through ``expect``
        if answered and answered != requested:
            raise TransportError(
                command, self._host, "decode",
                f"the answer's {field} is not the ID requested", status=200,
            )
        return requested

    def _follow_pages(
        self, command: str, fetch: Callable[[str], tuple[list[T], str]]
    ) -> Iterator[T]:
        """Yield items page by page, following ``Next`` until ``""``; a repeated cursor fails."""
        cursor = ""
        seen: set[str] = set()
        while True:
            items, cursor = fetch(cursor)
            yield from items
            if not cursor:
                return
            if cursor in seen:
                raise TransportError(command, self._host, "decode", "paging cursor repeated")
            seen.add(cursor)

    def _batch(
        self,
        command: str,
        items: list[I],
        *,
        chunk: int,
        build: Callable[[list[I]], m.WireModel],
        response_model: type[R],
        results: Callable[[R], list[Any]],
    ) -> m.BatchResult[Any]:
        collected: list[Any] = []
        doubts: list[bool] = []
        for part in m.chunked(items, chunk):
            response = self._call(command, build(part).to_wire(), response_model,
                                  on_doubt=lambda: doubts.append(True))
            collected.extend(results(response))
        return m.BatchResult[Any](command=command, items=collected, doubtful=bool(doubts))

    # ------------------------------------------------------------ permission groups

    def create_permission_group(
        self,
        group_id: str,
        name: str,
        permission: int | None = None,
        permission_group_id: str | None = None,
        custom_string: str | None = None,
    ) -> str:
        """Create a permission group; return its ID (the custom one or the generated one)."""
        body = m.CreatePermissionGroupRequest(
            group_id=group_id,
            name=name,
            permission=None if permission is None else int(permission),
            permission_group_id=permission_group_id,
            custom_string=custom_string,
        ).to_wire()
        field = m.CREATED_PERMISSION_GROUP_ID_FIELD
        response = self._call(
            "create_permission_group",
            body,
            m.CreatePermissionGroupResponse,
            idempotent=permission_group_id is not None,
            expect=(field,) if permission_group_id is None else (),
        )
        return self._created_id(
            "create_permission_group", field, response.permission_group_id, permission_group_id
        )

    def destroy_permission_groups(
        self, group_id: str, permission_group_ids: Sequence[str]
    ) -> m.BatchResult[m.PermissionGroupResult]:
        """Destroy permission groups (20 per request); per-item results (110006 = gone)."""
        return self._batch(
            "destroy_permission_group",
            _unique(permission_group_ids),
            chunk=DESTROY_CHUNK,
            build=lambda ids: m.DestroyPermissionGroupRequest(
                group_id=group_id, permission_group_ids=ids
            ),
            response_model=m.DestroyPermissionGroupResponse,
            results=lambda r: r.results,
        )

    def modify_permission_group(
        self,
        group_id: str,
        permission_group_id: str,
        name: str | None = None,
        permission: int | None = None,
        custom_string: str | None = None,
    ) -> None:
        """Change name / permission / custom string; omitted fields are not sent."""
        body = m.ModifyPermissionGroupRequest(
            group_id=group_id,
            permission_group_id=permission_group_id,
            name=name,
            permission=None if permission is None else int(permission),
            custom_string=custom_string,
        ).to_wire()
        self._call("modify_permission_group", body, m.Envelope)

    def get_permission_group_page(
        self, group_id: str, limit: int = 20, next: str = ""
    ) -> m.PermissionGroupPage:
        """One page of the community's permission groups (``limit`` <= 20)."""
        limit = max(1, min(int(limit), MAX_GROUP_PAGE))
        body = m.GetPermissionGroupRequest(group_id=group_id, limit=limit, next=next).to_wire()
        response = self._call("get_permission_group", body, m.GetPermissionGroupResponse)
        return m.PermissionGroupPage(items=response.items, next=response.next)

    def iter_permission_groups(
        self, group_id: str, page_size: int = 20
    ) -> Iterator[m.PermissionGroupInfo]:
        """Every permission group of the community, following ``Next`` until ``""``."""
        def fetch(cursor: str) -> tuple[list[m.PermissionGroupInfo], str]:
            page = self.get_permission_group_page(group_id, limit=page_size, next=cursor)
            return page.items, page.next

        return self._follow_pages("get_permission_group", fetch)

    def get_permission_groups(
        self, group_id: str, permission_group_ids: Sequence[str]
    ) -> m.BatchResult[m.PermissionGroupInfo]:
        """Look permission groups up by ID (20 per request); unknown IDs fail per item."""
        return self._batch(
            "get_permission_group",
            _unique(permission_group_ids),
            chunk=GET_BY_ID_CHUNK,
            build=lambda ids: m.GetPermissionGroupRequest(
                group_id=group_id, permission_group_ids=ids
            ),
            response_model=m.GetPermissionGroupResponse,
            results=lambda r: r.items,
        )

    # ------------------------------------------------------------ topic permissions

    def _topic_permission_write(
        self,
        command: str,
        group_id: str,
        permission_group_id: str,
        permissions: Mapping[str, int],
    ) -> m.BatchResult[m.TopicPermissionResult]:
        entries = [
            m.TopicPermissionEntry(topic_id=topic_id, permission=int(bits))
            for topic_id, bits in permissions.items()
        ]
        return self._batch(
            command,
            entries,
            chunk=TOPIC_PERMISSION_CHUNK,
            build=lambda part: m.TopicPermissionListRequest(
                group_id=group_id,
                permission_group_id=permission_group_id,
                topic_permissions=part,
            ),
            response_model=m.TopicPermissionResponse,
            results=lambda r: r.results,
        )

    def add_topic_permissions(
        self, group_id: str, permission_group_id: str, permissions: Mapping[str, int]
    ) -> m.BatchResult[m.TopicPermissionResult]:
        """Attach ``{topic_id: bits}`` to a permission group (50 per request)."""
        return self._topic_permission_write(
            "add_topic_permission_group", group_id, permission_group_id, permissions
        )

    def set_topic_permissions(
        self, group_id: str, permission_group_id: str, permissions: Mapping[str, int]
    ) -> m.BatchResult[m.TopicPermissionResult]:
        """Overwrite existing ``{topic_id: bits}`` (50 per request; 110011 if absent)."""
        return self._topic_permission_write(
            "set_topic_permission_group", group_id, permission_group_id, permissions
        )

    def delete_topic_permissions(
        self, group_id: str, permission_group_id: str, topic_ids: Sequence[str]
    ) -> m.BatchResult[m.TopicPermissionResult]:
        """Remove topic permissions (50 TopicIds per request)."""
        return self._batch(
            "delete_topic_permission_group",
            _unique(topic_ids),
            chunk=TOPIC_ID_CHUNK,
            build=lambda ids: m.TopicIdListRequest(
                group_id=group_id, permission_group_id=permission_group_id, topic_ids=ids
            ),
            response_model=m.TopicPermissionResponse,
            results=lambda r: r.results,
        )

    def get_topic_permissions(
        self,
        group_id: str,
        permission_group_id: str,
        topic_ids: Sequence[str] | None = None,
    ) -> m.BatchResult[m.TopicPermissionResult]:
        """Topic permissions of a permission group (all when ``topic_ids`` is None)."""
        if topic_ids is None:
            body = m.TopicIdListRequest(
                group_id=group_id, permission_group_id=permission_group_id
            ).to_wire()
            response = self._call(
                "get_topic_permission_group", body, m.TopicPermissionResponse
            )
            return m.BatchResult[m.TopicPermissionResult](
                command="get_topic_permission_group", items=response.results
            )
        return self._batch(
            "get_topic_permission_group",
            _unique(topic_ids),
            chunk=TOPIC_ID_CHUNK,
            build=lambda ids: m.TopicIdListRequest(
                group_id=group_id, permission_group_id=permission_group_id, topic_ids=ids
            ),
            response_model=m.TopicPermissionResponse,
            results=lambda r: r.results,
        )

    # ----------------------------------------------------------------------- members

    def add_permission_group_members(
        self, group_id: str, permission_group_id: str, accounts: Sequence[str]
    ) -> m.BatchResult[m.MemberResult]:
        """Add members (100 per request); ``result`` 0 or 10013 both mean "is a member"."""
        return self._batch(
            "add_permission_group_member",
            _unique(accounts),
            chunk=MEMBER_CHUNK,
            build=lambda part: m.MemberListRequest(
                group_id=group_id,
                permission_group_id=permission_group_id,
                members=[m.MemberAccount(member_account=a) for a in part],
            ),
            response_model=m.AddMemberResponse,
            results=lambda r: r.members,
        )

    def delete_permission_group_members(
        self, group_id: str, permission_group_id: str, accounts: Sequence[str]
    ) -> None:
        """Remove members (100 per request); removing a non-member succeeds."""
        for part in m.chunked(_unique(accounts), MEMBER_CHUNK):
            body = m.MemberListRequest(
                group_id=group_id,
                permission_group_id=permission_group_id,
                members=[m.MemberAccount(member_account=a) for a in part],
            ).to_wire()
            self._call("delete_permission_group_member", body, m.Envelope)

    def get_permission_group_member_page(
        self, group_id: str, permission_group_id: str, limit: int = 50, next: str = ""
    ) -> m.MemberPage:
        """One page of a permission group's members (``limit`` <= 50)."""
        limit = max(1, min(int(limit), MAX_MEMBER_PAGE))
        body = m.GetMemberListRequest(
            group_id=group_id, permission_group_id=permission_group_id, limit=limit, next=next
        ).to_wire()
        response = self._call("get_permission_group_member_list", body, m.GetMemberListResponse)
        return m.MemberPage(
            accounts=[entry.member_account for entry in response.members], next=response.next
        )

    def iter_permission_group_members(
        self, group_id: str, permission_group_id: str, page_size: int = 50
    ) -> Iterator[str]:
        """Every member account, following ``Next`` until ``""``."""
        def fetch(cursor: str) -> tuple[list[str], str]:
            page = self.get_permission_group_member_page(
                group_id, permission_group_id, limit=page_size, next=cursor
            )
            return page.accounts, page.next

        return self._follow_pages("get_permission_group_member_list", fetch)

    # --------------------------------------------------------------------- fixtures

    def create_group(
        self,
        name: str,
        group_id: str | None = None,
        type: str = "Community",
        support_topic: bool = True,
        owner_account: str | None = None,
        *,
        enable_permission: bool | None = None,
        default_permission: int | None = None,
    ) -> str:
        """Create a group (a topic-enabled Community by default); return its ID.

        ``enable_permission`` / ``default_permission`` (spec §14.1) apply to topic-enabled
        Communities only; ``default_permission`` needs ``enable_permission=True``.
        """
        m.check_text("Name", name, m.GROUP_NAME_MAX_BYTES, non_empty=True)
        body = m.CreateGroupRequest(
            type=type,
            name=name,
            group_id=group_id,
            owner_account=owner_account,
            support_topic=1 if support_topic else 0,
            enable_permission=m.switch_value("enable_permission", enable_permission),
            default_permission=m.check_permission("default_permission", default_permission),
        ).to_wire()
        response = self._call(
            "create_group",
            body,
            m.CreateGroupResponse,
            idempotent=group_id is not None,
            expect=("GroupId",) if group_id is None else (),
        )
        return self._created_id("create_group", "GroupId", response.group_id, group_id)

    def destroy_group(self, group_id: str) -> None:
        """Destroy (disband) a group. Irreversible."""
        self._call("destroy_group", m.GroupIdRequest(group_id=group_id).to_wire(), m.Envelope)

    def create_topic(
        self,
        group_id: str,
        topic_name: str,
        topic_id: str | None = None,
        *,
        introduction: str | None = None,
        notification: str | None = None,
        face_url: str | None = None,
        custom_string: str | None = None,
    ) -> str:
        """Create a topic in a Community; return its ID (the custom one or the generated one).

        Profile fields left None are not sent.
        """
        _check_topic_profile(topic_name, introduction, notification, face_url, custom_string,
                             name_required=True)
        body = m.CreateTopicRequest(
            group_id=group_id,
            topic_name=topic_name,
            topic_id=topic_id,
            introduction=introduction,
            notification=notification,
            face_url=face_url,
            custom_string=custom_string,
        ).to_wire()
        response = self._call(
            "create_topic",
            body,
            m.CreateTopicResponse,
            idempotent=topic_id is not None,
            expect=("TopicId",) if topic_id is None else (),
        )
        return self._created_id("create_topic", "TopicId", response.topic_id, topic_id)

    def get_topics(
        self,
        group_id: str,
        topic_ids: Sequence[str] | None = None,
        from_account: str | None = None,
        *,
        fields: Sequence[str] | None = None,
    ) -> m.BatchResult[m.TopicInfo]:
        """Topics of a Community (all when ``topic_ids`` is None), from the documented
        ``TopicAndSelfInfo`` answer; unknown IDs fail per item. ``fields`` (TopicInfo field
        names) is sent as ``ResponseFilter`` to return less."""
        account = from_account or self._identifier
        response_filter = None if fields is None else list(fields)
        if topic_ids is None:
            body = m.GetTopicRequest(
                group_id=group_id, from_account=account, response_filter=response_filter
            ).to_wire()
            response = self._call("get_topic", body, m.GetTopicResponse)
            return m.BatchResult[m.TopicInfo](command="get_topic", items=response.topics)
        return self._batch(
            "get_topic",
            _unique(topic_ids),
            chunk=TOPIC_ID_CHUNK,
            build=lambda ids: m.GetTopicRequest(
                group_id=group_id, from_account=account, topic_ids=ids,
                response_filter=response_filter,
            ),
            response_model=m.GetTopicResponse,
            results=lambda r: r.topics,
        )

    def destroy_topics(
        self, group_id: str, topic_ids: Sequence[str]
    ) -> m.BatchResult[m.TopicResult]:
        """Destroy topics (50 per request); per-item results."""
        return self._batch(
            "destroy_topic",
            _unique(topic_ids),
            chunk=TOPIC_ID_CHUNK,
            build=lambda ids: m.DestroyTopicRequest(group_id=group_id, topic_ids=ids),
            response_model=m.DestroyTopicResponse,
            results=lambda r: r.results,
        )

    # ------------------------------------------------------------------- topic profile

    def modify_topic(
        self,
        group_id: str,
        topic_id: str,
        *,
        topic_name: str | None = None,
        introduction: str | None = None,
        notification: str | None = None,
        face_url: str | None = None,
        custom_string: str | None = None,
        mute_all_member: bool | None = None,
    ) -> None:
        """Change a topic's profile (spec §14.2); only the fields given are sent."""
        _check_topic_profile(topic_name, introduction, notification, face_url, custom_string,
                             name_required=False)
        mute = None if mute_all_member is None else ("On" if mute_all_member else "Off")
        body = m.ModifyTopicRequest(
            group_id=group_id,
            topic_id=topic_id,
            topic_name=topic_name,
            introduction=introduction,
            notification=notification,
            face_url=face_url,
            custom_string=custom_string,
            mute_all_member=mute,
        ).to_wire()
        self._call("modify_topic", body, m.Envelope)

    # ------------------------------------------------------------ community settings

    def get_group_info(
        self, group_ids: Sequence[str], *, fields: Sequence[str] = GROUP_INFO_FIELDS
    ) -> m.BatchResult[m.GroupInfo]:
        """Groups' base info (50 IDs per request), permission switch and default permission
        included; unknown IDs fail per item (10010). ``fields`` names the base-info fields
        asked for (always named, so the answer does not depend on an undocumented default)."""
        names = list(fields)
        return self._batch(
            "get_group_info",
            _unique(group_ids),
            chunk=GROUP_INFO_CHUNK,
            build=lambda ids: m.GetGroupInfoRequest(
                group_ids=ids, response_filter=m.GroupInfoFilter(base_info=names)
            ),
            response_model=m.GetGroupInfoResponse,
            results=lambda r: r.groups,
        )

    def modify_group_base_info(
        self,
        group_id: str,
        *,
        enable_permission: bool | None = None,
        default_permission: int | None = None,
    ) -> None:
        """Switch permission groups on/off and set the community default ("everyone")
        permission (spec §14.1); only the fields given are sent. The default can be set only
        while (or in the same call as) permission groups are switched on."""
        body = m.ModifyGroupBaseInfoRequest(
            group_id=group_id,
            enable_permission=m.switch_value("enable_permission", enable_permission),
            default_permission=m.check_permission("default_permission", default_permission),
        ).to_wire()
        self._call("modify_group_base_info", body, m.Envelope)

    # ------------------------------------------------------------- app group listing

    def get_appid_group_page(
        self,
        *,
        limit: int = MAX_APPID_GROUP_PAGE,
        next: int = 0,
        group_type: str | None = "Community",
        limiter: TokenBucket | None = None,
    ) -> m.AppidGroupPage:
        """One page of the app's groups (spec §14.3; ``limit`` <= 10000, ``next`` 0 = start).

        Waits for the 1 request/second bucket (``limiter``, default the process-wide
        :func:`appid_list_limiter`) before sending; ``group_type`` None lists every type.
        """
        limit = max(1, min(int(limit), MAX_APPID_GROUP_PAGE))
        body = m.GetAppidGroupListRequest(
            limit=limit, next=int(next), group_type=group_type
        ).to_wire()
        (limiter or appid_list_limiter()).acquire()
        response = self._call("get_appid_group_list", body, m.GetAppidGroupListResponse)
        return m.AppidGroupPage(
            group_ids=[entry.group_id for entry in response.groups],
            next=response.next,
            total_count=response.total_count,
        )

    def iter_appid_groups(
        self,
        group_type: str | None = "Community",
        page_size: int = MAX_APPID_GROUP_PAGE,
        *,
        limiter: TokenBucket | None = None,
    ) -> Iterator[str]:
        """Every group ID of the app (of ``group_type``), following ``Next`` until 0, at most
        one request per second."""
        def fetch(cursor: str) -> tuple[list[str], str]:
            page = self.get_appid_group_page(
                limit=page_size, next=int(cursor or 0), group_type=group_type, limiter=limiter
            )
            return page.group_ids, "" if page.next == 0 else str(page.next)

        return self._follow_pages("get_appid_group_list", fetch)


def _check_topic_profile(
    topic_name: str | None,
    introduction: str | None,
    notification: str | None,
    face_url: str | None,
    custom_string: str | None,
    *,
    name_required: bool,
) -> None:
    """The documented topic limits (spec §14.2), checked before anything is sent."""
    if name_required and topic_name is None:
        raise ValueError("topic_name is required")
    m.check_text("topic_name", topic_name, m.TOPIC_NAME_MAX_BYTES, non_empty=True)
    m.check_text("introduction", introduction, m.INTRODUCTION_MAX_BYTES)
    m.check_text("notification", notification, m.NOTIFICATION_MAX_BYTES)
    m.check_text("face_url", face_url, m.FACE_URL_MAX_BYTES)
    m.check_text("custom_string", custom_string, m.CUSTOM_STRING_MAX_BYTES)


__all__ = ["TencentChatClient", "CallStats", "ChatClientError"]
