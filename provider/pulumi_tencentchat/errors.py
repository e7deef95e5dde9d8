"""The client's exceptions: which kind each Tencent code is, and what the text says.

The codes themselves, what they mean and what to do, live in :mod:`pulumi_tencentchat.codes`;
every name there is importable from here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ._redaction import FRAGMENT, Redactor, redact  # noqa: F401 - re-exported
from .codes import (  # noqa: F401 - re-exported: every code name is importable from here
    ACCOUNT_BLACKLISTED,
    ACCOUNT_EXCHANGE_TIMEOUT,
    ACCOUNT_NOT_FOUND,
    ACCOUNT_NOT_IMPORTED,
    ACCOUNT_OR_SIGNATURE_ERROR,
    ACCOUNT_OR_SIGNATURE_ERROR_2,
    ADMIN_REQUIRED,
    ALREADY_MEMBER,
    AUTH_CODES,
    BODY_PARSE_ERROR,
    CALLBACK_REJECTED,
    CATALOGUE,
    COMMAND_DISABLED,
    CONFLICT_CODES,
    CREATE_CONFLICT_CODES,
    FREQUENCY_LIMIT,
    GROUP_ID_IN_USE,
    GROUP_ID_IN_USE_BY_OWNER,
    GROUP_NOT_FOUND,
    HTTP_PARSE_ERROR,
    ID_IN_USE,
    ILLEGAL_COMMAND,
    INSUFFICIENT_PERMISSION,
    INTERNAL_ERROR,
    INVALID_CODES,
    INVALID_GROUP_ID,
    INVALID_PARAMETER,
    INVALID_PERMISSION_GROUP_ID,
    INVALID_SDKAPPID,
    IP_NOT_ALLOWED,
    NOT_FOUND_CODES,
    PACKAGE_EXPIRED,
    PERMISSION_CODES,
    PERMISSION_GROUP_NOT_FOUND,
    RATE_LIMIT_CODES,
    REQUEST_DISABLED,
    REQUEST_JSON_PARSE_ERROR,
    REQUEST_RESOURCE_ERROR,
    REQUEST_TOO_FREQUENT,
    REQUEST_TOO_FREQUENT_2,
    RESPONSE_JSON_PARSE_ERROR,
    RESPONSE_TOO_LARGE,
    REST_FREQUENCY,
    RETRYABLE_FREQUENCY_CODES,
    RETRYABLE_SERVER_CODES,
    SDKAPPID_DISABLED,
    SDKAPPID_FREQUENCY,
    SDKAPPID_MISSING,
    SERVER_CODES,
    SERVICE_TIMEOUT,
    TOPIC_PERMISSION_NOT_FOUND,
    UNSUPPORTED,
    UNSUPPORTED_CODES,
    USERSIG_EXPIRED,
    USERSIG_FAILURE_RATE_EXCEEDED,
    USERSIG_IDENTIFIER_MISMATCH,
    USERSIG_KEY_NOT_FOUND,
    USERSIG_MALFORMED,
    USERSIG_SDKAPPID_MISMATCH,
    USERSIG_SDKAPPID_NOT_FOUND,
    USERSIG_VERIFICATION_FAILED,
    WRONG_ACCOUNT_TYPE,
)

_UNKNOWN = ("unknown error code",
            "look the code up in Tencent Chat's error code reference")


def explain(code: int) -> tuple[str, str]:
    """(meaning, what to do) for ``code``; a generic pair for unknown codes."""
    return CATALOGUE.get(int(code), _UNKNOWN)


class ChatClientError(Exception):
    """Root of every exception raised by the Tencent Chat client."""


class ConfigError(ChatClientError, ValueError):
    """A provider setting is missing or invalid; the message names the key and the fix."""


class TencentChatError(ChatClientError):
    """The API answered with a non-zero ``ErrorCode``."""

    def __init__(
        self,
        code: int,
        info: str = "",
        command: str = "",
        meaning: str | None = None,
        action: str | None = None,
    ) -> None:
        default_meaning, default_action = explain(code)
        self.code = int(code)
        self.info = info or ""
        self.command = command
        self.meaning = meaning or default_meaning
        self.action = action or default_action
        super().__init__(self._text())

    def _text(self) -> str:
        prefix = f"{self.command} failed: " if self.command else ""
        info = f": {self.info}" if self.info else ""
        return (
            f"{prefix}Tencent Chat error {self.code} ({self.meaning}){info}. "
            f"What to do: {self.action}"
        )

    def __str__(self) -> str:
        return self.args[0] if self.args else self._text()

    def __reduce__(self):  # keep pickling (and dill) working with our signature
        return (self.__class__, (self.code, self.info, self.command, self.meaning, self.action))


class AuthenticationError(TencentChatError):
    """Account, SDKAppID or UserSig rejected (60004/60005/700xx…)."""


class PermissionDeniedError(TencentChatError):
    """The identifier may not perform the operation (60010, 10007…)."""


class RateLimitedError(TencentChatError):
    """Frequency limit hit (60007/60011/60018/60019/10006/70050)."""


class NotFoundError(TencentChatError):
    """Group, permission group, topic permission or account not found."""


class InvalidRequestError(TencentChatError):
    """The request was rejected as invalid (10004, 10015, 110008, 60003…)."""


class ConflictError(TencentChatError):
    """The object already exists (10021, 10025, 10013)."""


class ServerError(TencentChatError):
    """Server-side failure (10002…)."""


class UnsupportedError(TencentChatError):
    """The app does not support the feature (11000, 10026…)."""


_KIND_BY_CODES: tuple[tuple[frozenset[int], type[TencentChatError]], ...] = (
    (AUTH_CODES, AuthenticationError),
    (PERMISSION_CODES, PermissionDeniedError),
    (RATE_LIMIT_CODES, RateLimitedError),
    (NOT_FOUND_CODES, NotFoundError),
    (INVALID_CODES, InvalidRequestError),
    (CONFLICT_CODES, ConflictError),
    (SERVER_CODES, ServerError),
    (UNSUPPORTED_CODES, UnsupportedError),
)


def error_class(code: int) -> type[TencentChatError]:
    """The exception class for ``code`` (``TencentChatError`` when unclassified)."""
    for codes, cls in _KIND_BY_CODES:
        if code in codes:
            return cls
    if 70000 <= code < 80000:
        return AuthenticationError
    return TencentChatError


def error_for(code: int, info: str = "", command: str = "") -> TencentChatError:
    """Build the typed exception for an ``ErrorCode``."""
    return error_class(int(code))(int(code), info, command)


_NETWORK_ADVICE = (
    "check network access to the endpoint and tencentchat:region / tencentchat:endpoint, "
    "then retry"
)
_FOREIGN_ADVICE = (
    "check tencentchat:region / tencentchat:endpoint point at Tencent Chat's REST API (a proxy, "
    "gateway or captive portal may be answering instead), then retry"
)


class TransportError(ChatClientError):
    """The call did not produce a usable Tencent Chat API answer.

    ``kind`` is one of:

    * ``connect``: nothing was sent (transient);
    * ``timeout``: connect or read timeout, or ``tencentchat:operationTimeout`` ran out while
      the answer was still arriving (transient, though an exhausted operation timeout leaves
      no time to retry);
    * ``connection``: dropped mid-request (transient);
    * ``http``: a status other than 200, redirects included (never followed); transient only
      for 429 and 5xx, where a gateway error is likely; ``retry_after`` holds the server's
      ``Retry-After`` in seconds when it sent one;
    * ``decode``: an answer that is not Tencent's envelope, or lacks the command's result
      fields (not transient: the same server would answer the same again);
    * ``too_large``: the answer exceeded the client's size cap (not transient).

    The text names the command, the host, the HTTP status and content type when known, never
    the URL or its query string.
    """

    def __init__(
        self,
        command: str,
        host: str,
        kind: str,
        detail: str = "",
        status: int | None = None,
        sent: bool = True,
        content_type: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.command = command
        self.host = host
        self.kind = kind
        self.detail = detail
        self.status = status
        #: False when the request certainly never reached the server.
        self.sent = sent
        #: The answer's Content-Type (sanitised), when there was an answer.
        self.content_type = content_type
        #: Seconds the server asked to wait before retrying (Retry-After on 429/503).
        self.retry_after = retry_after
        super().__init__(self._text())

    def _answer(self) -> str:
        parts = []
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.content_type is not None:
            parts.append(f"content type {self.content_type or '(none)'}")
        return ", ".join(parts)

    def _text(self) -> str:
        advice = _NETWORK_ADVICE
        answer = self._answer()
        if self.kind == "http" and self.status is not None and 300 <= self.status < 400:
            what = (f"got HTTP {self.status} (a redirect, which the client never follows) "
                    f"from {self.host}")
            advice = _FOREIGN_ADVICE
        elif self.kind == "http":
            what = f"got HTTP {self.status} from {self.host}, not a Tencent Chat API answer"
            if self.content_type is not None:
                what += f" (content type {self.content_type or '(none)'})"
            if self.retry_after is not None:
                what += f"; the server asked to retry after {self.retry_after:g} s"
        elif self.kind == "decode" and self.status is not None:
            what = f"got an answer from {self.host} that is not a Tencent Chat API answer"
            what += f" ({answer}{': ' + self.detail if self.detail else ''})"
            advice = _FOREIGN_ADVICE
        elif self.kind == "too_large":
            what = f"got an oversized answer from {self.host}"
            what += f" ({answer}{': ' + self.detail if self.detail else ''})"
            advice = _FOREIGN_ADVICE
        else:
            what = {
                "connect": "could not connect to",
                "timeout": "timed out talking to",
                "connection": "lost the connection to",
                "decode": "got an unusable answer from",
            }.get(self.kind, "failed talking to") + f" {self.host}"
            if self.detail:
                what += f" ({self.detail})"
        return f"{self.command} failed: {what}. What to do: {advice}"

    def __reduce__(self):
        return (
            self.__class__,
            (self.command, self.host, self.kind, self.detail, self.status, self.sent,
             self.content_type, self.retry_after),
        )


@dataclass(frozen=True)
class ItemFailure:
    """One failed item of a batch call."""

    key: str
    code: int
    info: str = ""

    @property
    def meaning(self) -> str:
        return explain(self.code)[0]

    @property
    def action(self) -> str:
        return explain(self.code)[1]


class BatchItemError(ChatClientError):
    """Some items of a batch call failed (the call itself succeeded)."""

    def __init__(self, command: str, failures: Sequence[ItemFailure]) -> None:
        self.command = command
        self.failures = list(failures)
        super().__init__(self._text())

    @property
    def codes(self) -> set[int]:
        return {f.code for f in self.failures}

    def _text(self) -> str:
        shown = self.failures[:10]
        parts = [
            f"{f.key}: error {f.code} ({f.meaning}){': ' + f.info if f.info else ''}"
            for f in shown
        ]
        more = f"; and {len(self.failures) - 10} more" if len(self.failures) > 10 else ""
        actions = sorted({f.action for f in shown})
        return (
            f"{self.command}: {len(self.failures)} item(s) failed: " + "; ".join(parts) + more
            + ". What to do: " + " / ".join(actions)
        )

    def __reduce__(self):
        return (self.__class__, (self.command, self.failures))


def is_transient(exc: BaseException) -> bool:
    """True when retrying the same request may succeed."""
    if isinstance(exc, TencentChatError):
        return exc.code in RETRYABLE_FREQUENCY_CODES or exc.code in RETRYABLE_SERVER_CODES
    if isinstance(exc, TransportError):
        if exc.kind in ("connect", "timeout", "connection"):
            return True
        if exc.kind == "http":
            return exc.status is not None and (exc.status == 429 or 500 <= exc.status <= 599)
        return False
    return False


def certainly_not_applied(exc: BaseException) -> bool:
    """True when the failed request surely had no effect on the server.

    Used to decide whether a non-idempotent call may be retried.
    """
    if isinstance(exc, TencentChatError):
        return exc.code in RETRYABLE_FREQUENCY_CODES
    if isinstance(exc, TransportError):
        if exc.kind == "connect" and not exc.sent:
            return True
        # 429 and 502/503 come from a gateway or limiter in front of the service.
        return exc.kind == "http" and exc.status in (429, 502, 503)
    return False
