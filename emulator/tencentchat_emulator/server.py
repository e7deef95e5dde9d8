"""The HTTP side of the emulator (aiohttp): query checks, body parsing, command lookup, rate
limit, stats and the ``/_emulator`` admin routes (stats, reset, faults).

The rules a command follows are backend.py's, the command -> service table routes.py's, the
answer envelope envelope.py's and the coded errors errors.py's; this module only moves a request
through them.

Request pipeline for `/v4/{service}/{command}` (in order):
  1. stats count (every API request, rejected ones too)
  2. interceptors' `before` hooks (the fault injector: latency, injected errors and 502s)
  3. method (POST only), then query checks: sdkappid, identifier, usersig, contenttype, random
  4. per-command rate limit
  5. body JSON parse, command / service lookup
  6. backend call inside one SQLite transaction
  7. interceptors' `after` hooks (may replace the response after the commit, or drop it)
The SQLite work runs synchronously on the event loop, so requests are serialised.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiohttp import web

from . import routes
from . import unverified as U
from .backend import Backend, Body
from .envelope import envelope
from .errors import (
    HTTP_PARSE,
    INTERNAL_ERROR,
    JSON_PARSE,
    NOT_ADMIN,
    SDKAPPID_INVALID,
    SDKAPPID_MISSING,
    ChatError,
    IllegalCommand,
)
from .faults import FaultConfigError, FaultInjector, FaultSettings
from .store import Store
from .usersig import UserSigVerifier

_UINT32_MAX = 2**32 - 1
# The code for a command over its own documented cap (routes.COMMAND_RATE_LIMITS).
_RATE_LIMIT_CODES = {"get_appid_group_list": U.APPID_GROUP_LIST_RATE_LIMIT_CODE}
log = logging.getLogger("tencentchat_emulator")


@dataclass
class Settings:
    """What the server enforces: the app identity, its key and its admin accounts."""

    sdkappid: int = 1400000000
    secret_key: str = "tencentchat-emulator-development-key"
    admins: tuple[str, ...] = ("administrator",)
    #: Requests per second allowed per command before 60007; 0 lifts every cap, the
    #: documented per-command ones (routes.COMMAND_RATE_LIMITS) included (benchmarks).
    rate_limit: int = U.RATE_LIMIT_PER_SECOND


@dataclass
class ApiContext:
    """One API request as it moves through the pipeline."""

    request: web.Request
    service: str
    command: str
    body: Body | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Interceptor(Protocol):
    """Hook pair around the API pipeline; faults.FaultInjector is the one installed."""

    async def before(self, ctx: ApiContext) -> web.StreamResponse | None: ...

    async def after(self, ctx: ApiContext,
                    response: web.StreamResponse) -> web.StreamResponse: ...


class SlidingWindow:
    """Per-key log of request times within the last ``window`` seconds."""

    def __init__(self, window: float) -> None:
        self.window = window
        self._log: dict[str, deque[float]] = {}

    def recent(self, key: str, now: float | None = None) -> tuple[deque[float], float]:
        """The key's log with entries older than the window dropped, and the time used."""
        t = time.monotonic() if now is None else now
        q = self._log.setdefault(key, deque())
        edge = t - self.window
        while q and q[0] <= edge:
            q.popleft()
        return q, t

    def clear(self) -> None:
        self._log.clear()


class RateLimiter(SlidingWindow):
    """At most ``limit`` allowed requests per key in any window (``overrides`` gives some keys
    their own limit); `allow` is O(1) amortised."""

    def __init__(self, limit: int, window: float,
                 overrides: Mapping[str, int] | None = None) -> None:
        super().__init__(window)
        self.limit = limit
        self.overrides = dict(overrides or {})

    def allow(self, key: str, now: float | None = None) -> bool:
        q, t = self.recent(key, now)
        if len(q) >= self.overrides.get(key, self.limit):
            return False
        q.append(t)
        return True


class PeakRate(SlidingWindow):
    """Highest number of requests per command seen inside any one-second window."""

    def __init__(self, window: float = 1.0) -> None:
        super().__init__(window)
        self.peak: Counter[str] = Counter()

    def record(self, key: str, now: float | None = None) -> None:
        q, t = self.recent(key, now)
        q.append(t)
        if len(q) > self.peak[key]:
            self.peak[key] = len(q)

    def clear(self) -> None:
        super().clear()
        self.peak.clear()


class Emulator:
    """Owns the store, backend, stats and rate limiter; builds the aiohttp app."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.backend = Backend(store)
        self.settings = settings
        self.verifier = UserSigVerifier(settings.secret_key)
        self.limiter = RateLimiter(settings.rate_limit, U.RATE_LIMIT_WINDOW_SECONDS,
                                   routes.COMMAND_RATE_LIMITS)
        self.stats: Counter[str] = Counter()
        self.rate_limited: Counter[str] = Counter()
        self.peak = PeakRate()
        self.total = 0
        self.faults = FaultInjector()
        self.interceptors: list[Interceptor] = [self.faults]
        self._admins = frozenset(settings.admins)
        self._sdkappid_text = str(settings.sdkappid)

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=U.MAX_BODY_BYTES)
        # Any non-empty segment (braces included) is a service or command word.
        app.router.add_route("*", "/v4/{service:[^/]+}/{command:[^/]+}", self.handle_api)
        app.router.add_get("/_emulator/stats", self.handle_stats)
        app.router.add_post("/_emulator/reset", self.handle_reset)
        app.router.add_get("/_emulator/faults", self.handle_get_faults)
        app.router.add_post("/_emulator/faults", self.handle_set_faults)
        app.router.add_delete("/_emulator/faults", self.handle_clear_faults)
        app.router.add_route("*", r"/{path:[\s\S]*}", self.handle_unknown_path)  # stays last
        app[EMULATOR_KEY] = self
        return app

    # --- admin routes (not counted) -----------------------------------------------------

    async def handle_stats(self, request: web.Request) -> web.Response:
        """Requests per command, their peak per second, 60007 rejections, injected faults."""
        return web.json_response({
            "total": self.total,
            "commands": dict(self.stats),
            "peak_rps": dict(self.peak.peak),
            "rate_limited": dict(self.rate_limited),
            "faults": self.faults.counts(),
        })

    async def handle_reset(self, request: web.Request) -> web.Response:
        """Empty the state, the counters and the fault settings."""
        self.store.clear()
        self.stats.clear()
        self.rate_limited.clear()
        self.peak.clear()
        self.total = 0
        self.limiter.clear()
        self.faults.clear()
        self.faults.injected.clear()
        return web.json_response({"ok": True})

    async def handle_get_faults(self, request: web.Request) -> web.Response:
        return web.json_response({"settings": self.faults.settings.to_json(),
                                  "injected": self.faults.counts()})

    async def handle_set_faults(self, request: web.Request) -> web.Response:
        """Replace the fault settings (fields left out take their harmless defaults)."""
        try:
            settings = FaultSettings.from_json(await request.json())
        except (ValueError, FaultConfigError) as e:
            return web.json_response({"error": str(e)}, status=400)
        self.faults.configure(settings)
        return web.json_response({"settings": settings.to_json()})

    async def handle_clear_faults(self, request: web.Request) -> web.Response:
        self.faults.clear()
        return web.json_response({"settings": self.faults.settings.to_json()})

    # --- API ------------------------------------------------------------------------------

    async def handle_api(self, request: web.Request) -> web.StreamResponse:
        info = request.match_info
        ctx = ApiContext(request, info["service"], info["command"])
        self.total += 1
        self.stats[ctx.command] += 1
        self.peak.record(ctx.command)
        for hook in self.interceptors:
            early = await hook.before(ctx)
            if early is not None:
                return early
        try:
            response: web.StreamResponse = await self._process(ctx)
        except ChatError as e:
            response = envelope(e.code, e.info)
        except Exception:  # a bug in the emulator: answer like Tencent's internal error
            log.exception("internal error in %s", ctx.command)
            response = envelope(INTERNAL_ERROR, "internal server error")
        for hook in self.interceptors:
            response = await hook.after(ctx, response)
        return response

    async def handle_unknown_path(self, request: web.Request) -> web.Response:
        """Any other path (e.g. an empty command word): counted, answered 60009."""
        self.total += 1
        self.stats[""] += 1
        return envelope(U.UNKNOWN_PATH_CODE, "request resource error: check the URL")

    async def _process(self, ctx: ApiContext) -> web.Response:
        request = ctx.request
        if request.method != "POST":
            raise ChatError(U.NON_POST_CODE, "only POST is supported")
        self._check_query(request.query)
        if self.settings.rate_limit and not self.limiter.allow(ctx.command):
            self.rate_limited[ctx.command] += 1
            raise ChatError(_RATE_LIMIT_CODES.get(ctx.command, U.RATE_LIMIT_CODE),
                            "REST call frequency over limit")
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            raise ChatError(U.BODY_TOO_LARGE_CODE, "request body too large") from None
        except (ConnectionError, web.RequestPayloadError):  # client gone or body undecodable
            raise ChatError(HTTP_PARSE, "request body could not be read") from None
        ctx.body = self._parse_body(raw)
        handler = self._resolve(ctx.service, ctx.command)
        with self.store.transaction():
            fields = handler(ctx.body)
        return envelope(0, "", fields)

    def _check_query(self, q: Any) -> None:
        sdkappid = q.get("sdkappid")
        if sdkappid is None or sdkappid == "":
            raise ChatError(SDKAPPID_MISSING, "sdkappid missing from the URL")
        if sdkappid != self._sdkappid_text:
            code = SDKAPPID_INVALID if sdkappid.isdigit() else U.NON_NUMERIC_SDKAPPID_CODE
            raise ChatError(code, "SDKAppID invalid")
        identifier = q.get("identifier")
        if not identifier:
            raise ChatError(U.MISSING_IDENTIFIER_CODE, "request requires App admin permission")
        if identifier not in self._admins:
            raise ChatError(NOT_ADMIN, "request requires App admin permission")
        sig = q.get("usersig")
        if not sig:
            raise ChatError(U.MISSING_USERSIG_CODE, "UserSig missing")
        self.verifier.verify(sig, self.settings.sdkappid, identifier)
        if U.REQUIRE_CONTENTTYPE_JSON and q.get("contenttype") != "json":
            raise ChatError(U.CONTENTTYPE_CODE, "contenttype must be json")
        rnd = q.get("random")
        if rnd is None:
            if U.RANDOM_REQUIRED:
                raise ChatError(U.RANDOM_CODE, "random missing")
        elif not (rnd.isascii() and rnd.isdigit() and len(rnd.lstrip("0")) <= 10
                  and int(rnd) <= _UINT32_MAX):
            raise ChatError(U.RANDOM_CODE, "random must be a 32-bit unsigned integer")

    @staticmethod
    def _parse_body(raw: bytes) -> Body:
        if not raw.strip():
            raise ChatError(U.EMPTY_BODY_CODE, "empty request body")
        try:
            # Decode strictly (json.loads would let encoded surrogates through), then refuse
            # lone surrogate escapes ("\ud800") too: neither is Unicode text, and a field
            # holding one would fail later, when it is stored or echoed.
            text = raw.decode(json.detect_encoding(raw))
            body = json.loads(text)
            if "\\" in text:
                json.dumps(body, ensure_ascii=False).encode("utf-8")
        except (ValueError, RecursionError):  # UnicodeError is a ValueError
            raise ChatError(JSON_PARSE, "JSON parse error in the request body") from None
        if not isinstance(body, dict):
            raise ChatError(U.NON_OBJECT_BODY_CODE, "request body must be a JSON object")
        return body

    def _resolve(self, service: str, command: str) -> Callable[[Body], Body]:
        handler = self.backend.handlers.get(command)
        expected = routes.COMMAND_SERVICES.get(command)
        if handler is None or expected is None:
            raise IllegalCommand(f"illegal command word {command!r}")
        if U.ENFORCE_COMMAND_SERVICE and service != expected:
            raise ChatError(U.WRONG_SERVICE_CODE,
                            f"command {command!r} is not served by {service!r}")
        if not U.ENFORCE_COMMAND_SERVICE and service not in routes.SERVICES:
            raise IllegalCommand(f"unknown service {service!r}")
        return handler


EMULATOR_KEY = web.AppKey("emulator", Emulator)
