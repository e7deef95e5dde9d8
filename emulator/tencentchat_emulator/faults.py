"""Fault injection: Tencent error codes, bare 502s, dropped answers and latency, on demand.

Configured with ``POST /_emulator/faults`` (or the ``tencentchat-emulator`` fault flags) and
cleared with ``DELETE /_emulator/faults``. Each API request that matches ``commands`` draws one
number from a generator seeded with ``seed``, so the same request sequence meets the same
faults. The draw picks at most one fault:

- ``error``: answer ``error_code`` without doing the work;
- ``http_502``: a bare HTTP 502 without doing the work;
- ``drop_response``: do the work and commit it, then close the connection without answering.

``fail_next=N`` replaces the draw: the next N matching requests get the fault the settings
name (``drop_response`` if ``drop_response_rate`` > 0, else ``http_502`` if
``http_502_rate`` > 0, else ``error``), then injection stops. ``latency_ms`` delays every
matching answer, faulted or not.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from aiohttp import web

from .envelope import envelope
from .errors import INTERNAL_ERROR

KINDS = ("error", "http_502", "drop_response")
_RATES = ("error_rate", "http_502_rate", "drop_response_rate")


class FaultConfigError(ValueError):
    """Fault settings that cannot be applied (bad type or range)."""


@dataclass(frozen=True)
class FaultSettings:
    """What to inject; every field has a harmless default."""

    seed: int = 0
    error_rate: float = 0.0
    error_code: int = INTERNAL_ERROR
    http_502_rate: float = 0.0
    drop_response_rate: float = 0.0
    latency_ms: float = 0.0
    commands: tuple[str, ...] = ()
    fail_next: int = 0

    @classmethod
    def from_json(cls, doc: Any) -> FaultSettings:
        """Validate a ``POST /_emulator/faults`` body; unknown keys are refused."""
        if not isinstance(doc, dict):
            raise FaultConfigError("fault settings must be a JSON object")
        unknown = sorted(set(doc) - set(cls.__dataclass_fields__))
        if unknown:
            raise FaultConfigError(f"unknown fault settings: {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for name in ("seed", "error_code", "fail_next"):
            if name in doc:
                value = doc[name]
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise FaultConfigError(f"{name} must be a non-negative integer")
                values[name] = value
        for name in (*_RATES, "latency_ms"):
            if name in doc:
                value = doc[name]
                if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                    raise FaultConfigError(f"{name} must be a non-negative number")
                if name != "latency_ms" and value > 1:
                    raise FaultConfigError(f"{name} must be between 0 and 1")
                values[name] = float(value)
        if "commands" in doc:
            commands = doc["commands"]
            if commands is None:
                commands = []
            if not isinstance(commands, list) or not all(isinstance(c, str) for c in commands):
                raise FaultConfigError("commands must be a list of command words")
            values["commands"] = tuple(commands)
        settings = cls(**values)
        if sum(getattr(settings, r) for r in _RATES) > 1:
            raise FaultConfigError("error_rate + http_502_rate + drop_response_rate exceeds 1")
        if "error_code" in doc and settings.error_code == 0:
            raise FaultConfigError("error_code must be non-zero")
        return settings

    def to_json(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["commands"] = list(self.commands)
        return doc

    @property
    def active(self) -> bool:
        return self.latency_ms > 0 or self.fail_next > 0 or any(
            getattr(self, r) > 0 for r in _RATES)

    @property
    def named_kind(self) -> str:
        """The fault ``fail_next`` injects."""
        if self.drop_response_rate > 0:
            return "drop_response"
        if self.http_502_rate > 0:
            return "http_502"
        return "error"


@dataclass
class FaultInjector:
    """The emulator's interceptor that applies :class:`FaultSettings`."""

    settings: FaultSettings = field(default_factory=FaultSettings)
    injected: Counter[str] = field(default_factory=Counter)
    _rng: random.Random = field(default_factory=random.Random)
    _remaining: int = 0

    def configure(self, settings: FaultSettings) -> None:
        self.settings = settings
        self._rng = random.Random(settings.seed)
        self._remaining = settings.fail_next

    def clear(self) -> None:
        self.configure(FaultSettings())

    def counts(self) -> dict[str, int]:
        return {kind: self.injected[kind] for kind in KINDS}

    def _matches(self, command: str) -> bool:
        return not self.settings.commands or command in self.settings.commands

    def _draw(self) -> str | None:
        s = self.settings
        if s.fail_next:
            if self._remaining <= 0:
                return None
            self._remaining -= 1
            return s.named_kind
        roll = self._rng.random()
        edge = 0.0
        for kind, rate in zip(KINDS, (s.error_rate, s.http_502_rate, s.drop_response_rate),
                              strict=True):
            edge += rate
            if roll < edge:
                return kind
        return None

    # --- interceptor hooks ----------------------------------------------------------------

    async def before(self, ctx: Any) -> web.StreamResponse | None:
        s = self.settings
        if not s.active or not self._matches(ctx.command):
            return None
        kind = self._draw()
        if s.latency_ms > 0:
            await asyncio.sleep(s.latency_ms / 1000)
        if kind is None:
            return None
        self.injected[kind] += 1
        if kind == "error":
            return envelope(s.error_code, f"injected fault {s.error_code}")
        if kind == "http_502":
            return web.Response(status=502, text="Bad Gateway")
        ctx.extra["drop_response"] = True
        return None

    async def after(self, ctx: Any, response: web.StreamResponse) -> web.StreamResponse:
        if ctx.extra.get("drop_response"):
            # The work is committed; the client never hears about it.
            # aiohttp skips writing the answer to an aborted transport.
            transport = ctx.request.transport
            if transport is not None:
                transport.abort()
        return response
