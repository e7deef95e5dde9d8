"""The transport: one attempt of one call, from the POST to a typed answer or a TransportError.

It owns the HTTP session (pooled connections, proxy and CA settings read once, redirects and
cookies refused), bounds each attempt by its deadline (:mod:`._watchdog`) and its body by a
size cap (:mod:`._body`), trusts an answer only as Tencent's envelope, and keeps secrets out
of every message and log record. It knows nothing of endpoints or credentials: the client
hands it a URL, a query and a body. ``requests`` is imported when the first session is built.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ._body import DEADLINE, BodyProblem, read_body, retry_after
from ._watchdog import Guard, guard_pool, sending, watched
from ._wire import R, envelope_problem
from .errors import ChatClientError, TransportError, error_class

if TYPE_CHECKING:  # pragma: no cover
    import requests

    from .retry import RetryPolicy

#: ErrorInfo is server text: it is scrubbed, then cut to this length in exceptions.
_MAX_INFO = 500

# --------------------------------------------------------------------- log scrubbing

_QUERY_SECRET = re.compile(r"(usersig(?:=|%3D))[^&\s\"']+", re.IGNORECASE)
#: The secret masks of every live transport (a mask goes when its client goes).
_live_masks: weakref.WeakSet[Any] = weakref.WeakSet()


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
        for mask in list(_live_masks):
            clean = mask(clean)
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


def install_log_scrubber() -> None:
    """Put the secret filter on every logger that may log a URL (once per process)."""
    global _filter_installed
    with _filter_lock:
        if not _filter_installed:
            scrubber = _SecretLogFilter()
            for name in _SCRUBBED_LOGGERS:
                logging.getLogger(name).addFilter(scrubber)
            _filter_installed = True


# ------------------------------------------------------------------------- sessions

_session_classes_built: tuple[type, type] | None = None


def _session_classes() -> tuple[type, type]:
    """(session class, adapter class): no redirects, connections the watchdog can cut."""
    global _session_classes_built
    if _session_classes_built is None:
        import requests
        from requests.adapters import HTTPAdapter

        class GuardedAdapter(HTTPAdapter):
            def get_connection_with_tls_context(self, *args: Any, **kwargs: Any) -> Any:
                return guard_pool(super().get_connection_with_tls_context(*args, **kwargs))

            def get_connection(self, *args: Any, **kwargs: Any) -> Any:  # requests < 2.32.2
                return guard_pool(super().get_connection(*args, **kwargs))

        class NoRedirectSession(requests.Session):
            # Even with allow_redirects=False, requests reads a 3xx answer's whole body
            # (to prepare Response.next) and raises TooManyRedirects past max_redirects.
            # With no target, its redirect code never runs: a 3xx is just an answer.
            def get_redirect_target(self, resp: Any) -> None:
                return None

        _session_classes_built = (NoRedirectSession, GuardedAdapter)
    return _session_classes_built


def build_session(base_url: str) -> requests.Session:
    """A session for the one host of ``base_url``: JSON, no redirects, no cookies."""
    from http.cookiejar import DefaultCookiePolicy

    session_class, adapter_class = _session_classes()
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
            # Only what _body.BoundedBody inflates (requests may offer br or zstd).
            "Accept-Encoding": "gzip, deflate",
        }
    )
    # Proxy and CA-bundle variables are read once for this client's one host,
    # not on every request (requests scans the whole environment per call).
    env = new.merge_environment_settings(base_url, {}, None, None, None)
    new.proxies.update(env.get("proxies") or {})
    new.verify = env.get("verify", True)
    new.trust_env = False
    return new


def describe_failure(exc: BaseException) -> tuple[str, bool, str]:
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


# ------------------------------------------------------------------------ transport


class Transport:
    """Sends attempts to one host and turns what comes back into a typed answer or an error.

    ``mask`` masks the caller's secrets in any text: every message this raises and every log
    record of the scrubbed loggers passes through it while the transport lives. Thread-safe.
    """

    def __init__(
        self, base_url: str, host: str, retry: RetryPolicy, mask: Callable[[str], str]
    ) -> None:
        self.base_url = base_url
        self.host = host
        self._retry = retry
        self._mask = mask
        self._session: requests.Session | None = None
        self._session_lock = threading.Lock()
        _live_masks.add(mask)

    def session(self) -> requests.Session:
        """The pooled session, built on first use."""
        session = self._session
        if session is not None:
            return session
        with self._session_lock:
            if self._session is None:
                install_log_scrubber()
                self._session = build_session(self.base_url)
            return self._session

    def close(self) -> None:
        """Close pooled connections (a new pool is built on the next send)."""
        with self._session_lock:
            if self._session is not None:
                self._session.close()
                self._session = None

    def send(
        self,
        command: str,
        url: str,
        params: dict[str, str],
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

        session = self.session()
        failure: ChatClientError | None = None
        response: requests.Response | None = None
        data: Any = None
        content_type = ""
        with watched(deadline) as guard:
            with sending(guard):
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
            if response is not None:
                try:
                    content_type = self._header_text(response.headers.get("Content-Type"))
                    data, failure = self._read_answer(command, response, guard, content_type)
                finally:
                    response.close()
        if failure is not None:
            raise failure
        return self._interpret(command, data, response_model, expect, content_type)

    def refused(self, command: str, detail: str, content_type: str | None = None) -> TransportError:
        """An answer (HTTP 200) that is not a usable Tencent Chat answer: ``detail`` says why."""
        return TransportError(command, self.host, "decode", detail, status=200,
                              content_type=content_type)

    def _timed_out(self, command: str, when: str) -> TransportError:
        return TransportError(
            command,
            self.host,
            "timeout",
            f"tencentchat:operationTimeout ({self._retry.deadline:g} s) ran out {when}",
        )

    def _request_failure(
        self, command: str, exc: BaseException, guard: Guard
    ) -> TransportError:
        if guard.cut:
            return self._timed_out(command, "before the answer arrived")
        kind, sent, detail = describe_failure(exc)
        return TransportError(command, self.host, kind, self._mask(detail), sent=sent)

    def _header_text(self, value: str | None) -> str:
        """A header value fit for an error message: printable ASCII, short, scrubbed."""
        if value is None:
            return ""
        text = "".join(ch for ch in str(value)[:200] if " " <= ch <= "~")
        return self._mask(text)[:80]

    def _read_answer(
        self, command: str, response: requests.Response, guard: Guard, content_type: str
    ) -> tuple[Any, TransportError | None]:
        """(decoded JSON, None) for a 200 answer, or (None, the error)."""
        status = response.status_code
        if status != 200:
            # A 3xx lands here too: redirects are never followed, and the Location (which
            # may repeat the query) is not reported.
            after = None
            if status in (429, 503):
                after = retry_after(response.headers.get("Retry-After"))
            return None, TransportError(
                command, self.host, "http", status=status, content_type=content_type,
                retry_after=after,
            )
        body, problem = read_body(response, guard, self._retry.read_timeout)
        if problem is not None:
            return None, self._body_failure(command, problem, content_type)
        try:
            return json.loads(body), None
        except (ValueError, RecursionError):
            pass
        return None, self.refused(command, "body is not JSON", content_type)

    def _body_failure(
        self, command: str, problem: BodyProblem, content_type: str
    ) -> TransportError:
        if problem.kind == DEADLINE:
            return self._timed_out(command, problem.detail)
        if problem.kind in ("timeout", "connection"):
            return TransportError(command, self.host, problem.kind, problem.detail)
        return TransportError(command, self.host, problem.kind, problem.detail, status=200,
                              content_type=content_type)

    def _interpret(
        self,
        command: str,
        data: Any,
        response_model: type[R],
        expect: Sequence[str],
        content_type: str,
    ) -> R:
        """Trust ``data`` only as Tencent's envelope: typed error, result, or refusal."""
        problem = envelope_problem(data)
        if problem is not None:
            raise self.refused(command, problem, content_type)
        code = data["ErrorCode"]
        if code != 0:
            info = self._mask(str(data.get("ErrorInfo") or "")[: _MAX_INFO * 4])[:_MAX_INFO]
            raise error_class(code)(code, info, command)
        missing = response_model.missing_results(data, expect)
        if missing:
            raise self.refused(command, f"the answer lacks {', '.join(missing)}", content_type)
        try:
            return response_model.model_validate(data)
        except ValidationError:
            pass
        raise self.refused(command, "the answer's fields do not have the documented types",
                           content_type)

