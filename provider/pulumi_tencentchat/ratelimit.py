"""Process-wide, thread-safe token bucket for Tencent Chat REST calls.

The API allows 200 requests/s, shared with the user's own application, so the provider
defaults to 50/s. Every client in the process draws from one bucket (the plugin serves a
whole stack from one process with 4 threads).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

DEFAULT_RATE = 50.0
MAX_RATE = 200.0


def _burst_for(rate: float) -> float:
    return max(1.0, rate / 10.0)


class TokenBucket:
    """Token bucket whose capacity (burst) is small: max(1, rate/10).

    :meth:`acquire` reserves a token under the lock (the balance may go negative) and sleeps
    for the deficit outside the lock, so waiters are served in arrival order and the rate
    over any one-second window stays within ``rate + burst``.
    """

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep
        self._rate = 0.0
        self._burst = 1.0
        self._tokens = 0.0
        self._stamp = clock()
        self.configure(rate)
        self._tokens = self._burst

    @property
    def rate(self) -> float:
        return self._rate

    @property
    def burst(self) -> float:
        return self._burst

    def configure(self, rate: float) -> None:
        """Change the rate (requests per second); the balance is kept within the new burst."""
        rate = float(rate)
        if not (0 < rate <= MAX_RATE):
            raise ValueError(f"rate must be > 0 and <= {MAX_RATE:g} requests per second")
        with self._lock:
            self._refill()
            self._rate = rate
            self._burst = _burst_for(rate)
            self._tokens = min(self._tokens, self._burst)

    def _refill(self) -> None:
        now = self._clock()
        elapsed = now - self._stamp
        self._stamp = now
        if elapsed > 0 and self._rate > 0:
            self._tokens = min(self._burst, self._tokens + elapsed * self._rate)

    def reserve(self) -> float:
        """Take one token; return how long the caller must wait before using it."""
        with self._lock:
            self._refill()
            self._tokens -= 1.0
            if self._tokens >= 0:
                return 0.0
            return -self._tokens / self._rate

    def acquire(self) -> float:
        """Block until a request may be sent; return the time waited."""
        wait = self.reserve()
        if wait > 0:
            self._sleep(wait)
        return wait

    def __repr__(self) -> str:
        return f"TokenBucket(rate={self._rate:g}/s, burst={self._burst:g})"


_shared: TokenBucket | None = None
_shared_lock = threading.Lock()


def shared_limiter(rate: float | None = None) -> TokenBucket:
    """The process-wide bucket; ``rate`` (when given) reconfigures it for every client."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = TokenBucket(DEFAULT_RATE if rate is None else rate)
        elif rate is not None and float(rate) != _shared.rate:
            _shared.configure(rate)
        return _shared
