"""Tencent Chat error catalogue (code -> meaning, what to do) and the client's exceptions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_KEY = (
    "check tencentchat:sdkAppId, tencentchat:identifier and the credential "
    "(tencentchat:secretKey or tencentchat:userSig, or TENCENTCHAT_SECRET_KEY / "
    "TENCENTCHAT_USERSIG)"
)
_RETRY = "the provider retries this automatically; if it persists, wait and run the command again"
_FREQ = (
    "lower tencentchat:requestsPerSecond (the 200/s cap is shared with your own app) "
    "or run pulumi with a lower --parallel; the provider already backs off and retries"
)
_REGION = "check tencentchat:region / tencentchat:endpoint matches the app's data centre"

#: code -> (meaning, what to do)
CATALOGUE: dict[int, tuple[str, str]] = {
    # Common REST codes (spec §2.5)
    60002: ("HTTP parse error", "check the endpoint URL; this is a provider bug if it persists"),
    60003: ("JSON parse error in the request body",
            "this is a provider bug; report it with the command name"),
    60004: ("account or signature error in URL or body", _KEY),
    60005: ("account or signature error in URL or body", _KEY),
    60006: ("SDKAppID invalid", "check tencentchat:sdkAppId against the Chat console"),
    60007: ("REST call frequency over limit", _FREQ),
    60008: ("service timeout or malformed HTTP request", _RETRY),
    60009: ("request resource error", "check tencentchat:endpoint / tencentchat:region"),
    60010: ("request requires App admin permission",
            "set tencentchat:identifier to an App admin account (the console's "
            "'administrator' by default)"),
    60011: ("SDKAppID request frequency over limit", _FREQ),
    60012: ("SDKAppID missing from the URL", "check tencentchat:sdkAppId is set"),
    60013: ("JSON parse error in the HTTP response", _RETRY),
    60014: ("account exchange timeout", _RETRY),
    60015: ("wrong account type in body (must be a string)",
            "pass user IDs as strings"),
    60016: ("SDKAppID disabled", "re-enable the application in the Chat console"),
    60017: ("request disabled", "check the app's feature configuration in the Chat console"),
    60018: ("request too frequent", _FREQ),
    60019: ("request too frequent", _FREQ),
    60020: ("paid package expired or suspended", "renew the Chat package in the console"),
    60021: ("caller IP not allowed",
            "add this machine's IP to the app's allow-list in the console"),
    70001: ("UserSig expired",
            "regenerate the UserSig (the provider signs its own when tencentchat:secretKey is "
            "set) and check this machine's clock"),
    70003: ("UserSig parse failure (malformed)",
            "regenerate the UserSig, or set tencentchat:secretKey so the provider signs its own"),
    70009: ("UserSig verification failed (wrong key or another SDKAppID's key)",
            "check tencentchat:secretKey (or TENCENTCHAT_SECRET_KEY) is this SDKAppID's key "
            "and that tencentchat:region matches the app"),
    70013: ("UserID in request differs from the UserID the UserSig was generated for",
            "generate the UserSig for tencentchat:identifier, or set tencentchat:secretKey"),
    70014: ("SDKAppID in request differs from the SDKAppID in the UserSig",
            "generate the UserSig for tencentchat:sdkAppId, or set tencentchat:secretKey"),
    70016: ("key not found, UserSig check failed", _REGION),
    70020: ("SDKAppID does not exist, UserSig check failed",
            "check tencentchat:sdkAppId and " + _REGION),
    70050: ("UserSig failed and verification rate exceeded",
            "fix the credential, then wait one minute before retrying"),
    70051: ("account blacklisted", "use another admin identifier or contact Tencent support"),
    70107: ("requested account not imported into Chat",
            "import the account first (tencentchat:identifier must exist in Chat)"),
    # Group-service codes
    10002: ("internal server error", _RETRY),
    10003: ("illegal command word", "this is a provider bug; report it with the command name"),
    10004: ("invalid parameter",
            "check the resource inputs (ID formats, name <= 150 bytes, custom string <= 3000 "
            "bytes, list sizes)"),
    10006: ("operation frequency limit", _FREQ),
    10007: ("insufficient operation permission",
            "use an App admin identifier; make sure the group is a Community you can manage"),
    10010: ("group does not exist or was disbanded",
            "check the community group ID; if it was deleted outside Pulumi, run `pulumi refresh`"),
    10011: ("JSON body parse failure", "this is a provider bug; report it with the command name"),
    10013: ("user is already a member", "nothing to do: the member is already present"),
    10015: ("invalid group ID", "check the group ID format (a Community ID starts with @TGS#_)"),
    10016: ("rejected by the app backend's third-party callback",
            "check your app's callback server logic"),
    10018: ("response packet over the maximum size (1 MB)", "request fewer items per call"),
    10019: ("requested account does not exist",
            "import the user into Chat before adding it"),
    10021: ("group ID already in use", "choose another group ID or adopt the existing group"),
    10025: ("group ID in use and the operator is its owner",
            "choose another group ID or adopt the existing group"),
    10026: ("this command word is disabled for the SDKAppID",
            "enable the feature in the Chat console"),
    11000: ("SDKAppID does not support communities / topic-enabled communities",
            "use an edition that includes Community and turn on the Community (and topic) "
            "switches in the Chat console"),
    # Permission-group codes
    110006: ("permission group does not exist or was destroyed",
             "check the permission group ID; if it was deleted outside Pulumi, run "
             "`pulumi refresh`"),
    110008: ("invalid permission group ID",
             "a custom permission group ID must start with @PMG#_ and must not start with "
             "@PMG#_@PMG#"),
    110011: ("topic permission does not exist",
             "add the topic permission before modifying it (or run `pulumi refresh`)"),
}

_UNKNOWN = ("unknown error code",
            "look the code up in Tencent Chat's error code reference")

AUTH_CODES = frozenset(
    {60004, 60005, 60006, 60012, 70001, 70003, 70009, 70013, 70014, 70016, 70020, 70107}
)
PERMISSION_CODES = frozenset({60010, 10007, 10016, 60016, 60017, 60020, 60021, 70051})
RATE_LIMIT_CODES = frozenset({60007, 60011, 60018, 60019, 10006, 70050})
#: Frequency codes the client retries (70050 asks for a one-minute pause: not retried).
RETRYABLE_FREQUENCY_CODES = frozenset({60007, 60011, 60018, 60019, 10006})
NOT_FOUND_CODES = frozenset({10010, 110006, 110011, 10019})
INVALID_CODES = frozenset(
    {10004, 10015, 110008, 60002, 60003, 60009, 60015, 10003, 10011, 10018}
)
CONFLICT_CODES = frozenset({10021, 10025, 10013})
SERVER_CODES = frozenset({10002, 60008, 60013, 60014})
UNSUPPORTED_CODES = frozenset({11000, 10026})
#: Server codes the client retries.
RETRYABLE_SERVER_CODES = frozenset({10002})


def describe(code: int) -> tuple[str, str]:
    """(meaning, what to do) for ``code``; a generic pair for unknown codes."""
    return CATALOGUE.get(int(code), _UNKNOWN)


#: Any run of this many consecutive characters of a secret (in any encoding) is masked: long
#: enough that ordinary text never matches by chance, short enough that a truncated or split
#: echo of a UserSig or key is still caught.
FRAGMENT = 12
MASK = "***"


def _encodings(secret: str) -> set[str]:
    """The forms a secret takes on the wire: raw, percent-encoded (both hex cases), plus-form."""
    from urllib.parse import quote, quote_plus

    forms = {secret, quote(secret, safe=""), quote(secret), quote_plus(secret)}
    forms |= {re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), f) for f in forms}
    return forms


class Redactor:
    """Masks every encoding of some secrets, and any long fragment of them, in text.

    Matching is by a set of ``FRAGMENT``-character substrings (k-grams) of every encoded
    form, so one pass over the text finds whole secrets, fragments and encodings at once.
    Secrets shorter than 4 characters are ignored; forms shorter than ``FRAGMENT`` are
    matched whole.
    """

    __slots__ = ("secrets", "_grams", "_short")

    def __init__(self, secrets: Iterable[str | None]) -> None:
        self.secrets = tuple(s for s in secrets if s and len(s) >= 4)
        grams: set[str] = set()
        short: set[str] = set()
        for secret in self.secrets:
            for form in _encodings(secret):
                if len(form) < FRAGMENT:
                    short.add(form)
                else:
                    grams.update(form[i : i + FRAGMENT] for i in range(len(form) - FRAGMENT + 1))
        self._grams = frozenset(grams)
        self._short = sorted(short, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        if not text or not self.secrets:
            return text
        if self._grams and len(text) >= FRAGMENT:
            grams = self._grams
            out: list[str] = []
            kept = 0  # text[:kept] is already in ``out``
            end = -1  # end of the covered span being built
            start = 0
            for i in range(len(text) - FRAGMENT + 1):
                if text[i : i + FRAGMENT] in grams:
                    if i > end:
                        if end >= 0:
                            out += (text[kept:start], MASK)
                            kept = end
                        start = i
                    end = i + FRAGMENT
            if end >= 0:
                out += (text[kept:start], MASK)
                kept = end
                out.append(text[kept:])
                text = "".join(out)
        for form in self._short:
            if form in text:
                text = text.replace(form, MASK)
        return text

    def __repr__(self) -> str:
        return f"Redactor({len(self.secrets)} secrets)"


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """Mask each secret of 4+ characters, in every encoding and any long fragment, by ``***``."""
    return Redactor(secrets)(text)


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
        default_meaning, default_action = describe(code)
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
        return describe(self.code)[0]

    @property
    def action(self) -> str:
        return describe(self.code)[1]


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
