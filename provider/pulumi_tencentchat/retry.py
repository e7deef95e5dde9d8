"""Retry policy: which failures are transient, backoff with full jitter, a total deadline.

Rules:

* Only transient failures are retried: connection errors, timeouts, HTTP 429 and 5xx,
  ErrorCode 10002 and the frequency codes 60007/60011/60018/60019/10006. Validation, auth,
  not-found, answers that are not Tencent's envelope and every other API error are raised
  at once.
* Backoff is exponential with full jitter: ``uniform(0, min(cap, base * 2**n))``, and at
  least ``frequency_floor`` seconds after a frequency code. A ``Retry-After`` the server
  sent (on 429 or 503) is honoured: the wait is at least that long.
* Attempts stop at ``max_attempts`` or when the next attempt could not start before the
  total ``deadline`` (measured from the first attempt); a ``Retry-After`` reaching past the
  deadline ends the call at once with the server's error.
* A non-idempotent call (a create without a client-chosen ID) is retried only when the
  failed attempt certainly had no effect: a connect error (nothing sent), a frequency code
  or an explicit HTTP 429/502/503 answer. Never after a read timeout or a dropped connection.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from .codes import RETRYABLE_FREQUENCY_CODES
from .errors import (
    TencentChatError,
    certainly_not_applied,
    is_transient,
)

T = TypeVar("T")

log = logging.getLogger("pulumi_tencentchat.client")


def is_frequency_error(exc: BaseException) -> bool:
    return isinstance(exc, TencentChatError) and exc.code in RETRYABLE_FREQUENCY_CODES


def server_delay(exc: BaseException) -> float | None:
    """Seconds the server asked to wait (``Retry-After``), if it said."""
    value = getattr(exc, "retry_after", None)
    if isinstance(value, int | float) and value >= 0:
        return float(value)
    return None


def should_retry(exc: BaseException, idempotent: bool) -> bool:
    """Whether ``exc`` may be retried for a call of the given idempotency."""
    if not is_transient(exc):
        return False
    return idempotent or certainly_not_applied(exc)


@dataclass
class RetryPolicy:
    """Retry settings plus the loop that applies them (thread-safe: no mutable state)."""

    max_attempts: int = 6
    deadline: float = 60.0
    base_delay: float = 0.2
    max_delay: float = 5.0
    frequency_floor: float = 1.0
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be >= 1")
        if self.deadline <= 0:
            raise ValueError("deadline must be > 0")

    def backoff(self, retry_number: int, exc: BaseException | None = None) -> float:
        """Delay before retry ``retry_number`` (1 for the first retry)."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** (retry_number - 1)))
        delay = self.rng.uniform(0, ceiling)
        if exc is not None and is_frequency_error(exc):
            delay = max(delay, self.frequency_floor + self.rng.uniform(0, self.base_delay))
        return delay

    def timeouts(self, remaining: float) -> tuple[float, float]:
        """(connect, read) timeouts for an attempt, clipped to the time left."""
        remaining = max(0.05, remaining)
        return (min(self.connect_timeout, remaining), min(self.read_timeout, remaining))

    def run(
        self,
        attempt: Callable[[int, float], T],
        *,
        idempotent: bool = True,
        command: str = "",
        on_doubt: Callable[[], None] | None = None,
    ) -> T:
        """Call ``attempt(attempt_number, seconds_left)`` until it succeeds or must stop.

        When an attempt failed in a way that may have applied it (an answer lost after the
        request was sent) and a later attempt ends the call, ``on_doubt`` is called (success)
        or the raised exception carries ``after_doubtful_attempt = True`` (failure): a
        conflict then may be this very call's own earlier attempt.
        """
        start = self.clock()
        number = 0
        doubtful = False
        while True:
            number += 1
            remaining = self.deadline - (self.clock() - start)
            try:
                result = attempt(number, remaining)
            except Exception as exc:
                if doubtful:
                    exc.after_doubtful_attempt = True  # type: ignore[attr-defined]
                if not should_retry(exc, idempotent):
                    raise
                if number >= self.max_attempts:
                    log.debug("%s: giving up after %d attempts", command, number)
                    raise
                delay = self.backoff(number, exc)
                asked = server_delay(exc)
                if asked is not None:
                    delay = max(delay, asked)
                left = self.deadline - (self.clock() - start)
                if delay >= left:
                    log.debug("%s: giving up, deadline of %.1fs reached (next wait %.2fs)",
                              command, self.deadline, delay)
                    raise
                doubtful = doubtful or not certainly_not_applied(exc)
                log.debug("%s: attempt %d failed, retrying in %.2fs", command, number, delay)
                self.sleep(delay)
            else:
                if doubtful and on_doubt is not None:
                    on_doubt()
                return result
