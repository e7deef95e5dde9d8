"""TencentChatClient: one typed method per endpoint, with paging, chunking, rate limiting,
retries and secret redaction.

The endpoint methods live by family (``_permission_groups``, ``_community``) on the shapes of
``_endpoints``; this module holds the client itself: credentials, settings and the one
``_call`` every endpoint goes through. Sending an attempt is the transport's job
(``_transport``). ``requests`` is imported lazily (when the first call builds the session):
this module is imported by every ``pulumi`` command and must stay cheap.
"""

from __future__ import annotations

import json
import logging
import secrets as _secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from ._community import (  # noqa: F401 - re-exported
    APPID_GROUP_LIST_RATE,
    GROUP_INFO_FIELDS,
    CommunityEndpoints,
    appid_list_limiter,
)
from ._endpoints import (  # noqa: F401 - re-exported: the resources size their calls by these
    DESTROY_CHUNK,
    GET_BY_ID_CHUNK,
    GROUP_INFO_CHUNK,
    GROUP_SERVICE,
    MAX_APPID_GROUP_PAGE,
    MAX_GROUP_PAGE,
    MAX_MEMBER_PAGE,
    MEMBER_CHUNK,
    SERVICES,
    TOPIC_ID_CHUNK,
    TOPIC_PERMISSION_CHUNK,
)
from ._permission_groups import PermissionGroupEndpoints
from ._redaction import SecretMask
from ._transport import Transport
from ._wire import R
from .config import DEFAULT_IDENTIFIER, ClientSettings
from .errors import ChatClientError, ConfigError, TencentChatError, TransportError
from .ratelimit import DEFAULT_RATE, TokenBucket, shared_limiter
from .regions import resolve_base_url
from .retry import RetryPolicy
from .usersig import UserSigSource

log = logging.getLogger("pulumi_tencentchat.client")


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


class TencentChatClient(PermissionGroupEndpoints, CommunityEndpoints):
    """Typed, thread-safe client for the Community permission-group REST API.

    One instance may be shared by many threads. It holds credentials and cannot be pickled.
    """

    def __init__(
        self,
        sdkappid: int,
        *,
        identifier: str = DEFAULT_IDENTIFIER,
        secret_key: str | None = None,
        usersig: str | None = None,
        region: str | None = None,
        endpoint: str | None = None,
        requests_per_second: float = DEFAULT_RATE,
        connect_timeout: float = RetryPolicy.connect_timeout,
        read_timeout: float = RetryPolicy.read_timeout,
        deadline: float = RetryPolicy.deadline,
        max_attempts: int = RetryPolicy.max_attempts,
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
            base_url = resolve_base_url(region, endpoint)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        if retry_policy is None:
            retry_policy = RetryPolicy(
                max_attempts=max_attempts,
                deadline=deadline,
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
            )
        self._retry = retry_policy
        self._limiter = limiter if limiter is not None else shared_limiter(requests_per_second)
        self._mask = SecretMask(self._sigs)
        #: Recent sigs sent: a replaced sig stays valid for days, so it stays masked too.
        self._sent_sigs = self._mask.sent
        self._transport = Transport(base_url, urlsplit(base_url).netloc, retry_policy,
                                    self._mask)
        self.stats = CallStats()

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_settings(cls, settings: ClientSettings, **overrides: Any) -> TencentChatClient:
        """The client for validated :class:`~pulumi_tencentchat.config.ClientSettings` (the
        one way from settings to a client); ``overrides`` replace keyword arguments."""
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
        return self._transport.base_url

    @property
    def host(self) -> str:
        return self._transport.host

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._retry

    def __repr__(self) -> str:
        return (
            f"TencentChatClient(sdkappid={self._sdkappid}, identifier={self._identifier!r}, "
            f"host={self.host!r})"
        )

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("TencentChatClient holds credentials and cannot be pickled")

    def close(self) -> None:
        """Close pooled connections (the client stays usable; a new pool is built)."""
        self._transport.close()

    def __enter__(self) -> TencentChatClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------------- calls

    def _scrub(self, text: str) -> str:
        """``text`` with every known secret, in any encoding or long fragment, masked."""
        return self._mask(text)

    def _query(self) -> dict[str, str]:
        """The query of one attempt, signed with the current UserSig."""
        sig = self._sigs.get()
        self._mask.remember(sig)
        return {
            "sdkappid": str(self._sdkappid),
            "identifier": self._identifier,
            "usersig": sig,
            "random": str(_secrets.randbits(32)),
            "contenttype": "json",
        }

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
        service = SERVICES.get(command, GROUP_SERVICE)
        url = f"{self.base_url}/v4/{service}/{command}"
        payload = json.dumps(dict(body) or {}, ensure_ascii=False).encode("utf-8")

        def attempt(number: int, remaining: float) -> R:
            deadline = time.monotonic() + remaining  # the operation's, rate-limit wait included
            self._limiter.acquire()
            started = time.monotonic()
            outcome = "ok"
            try:
                return self._transport.send(
                    command, url, self._query(), payload, response_model, deadline, expect
                )
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


__all__ = ["TencentChatClient", "CallStats", "ChatClientError"]
