"""Process-wide, thread-safe rate limiter for Tencent Chat REST calls.

The API allows 200 requests/s, shared with the user's own application, so the provider
defaults to 50/s. Every client in the process draws from one bucket (the plugin serves a
whole stack from one process with 4 threads).

Two rules apply together: a token bucket with a small burst spaces requests out, and a
sliding-window log makes ``rate`` a hard cap: at most ``rate`` requests start in any window of
``WINDOW_SECONDS`` (one second plus a guard for requests that overtake each other in flight).
A request that spends longer than the guard between taking its slot and reaching the server
(a paused thread, network jitter) can still land in the server's one-second window with the
next ``rate``; with N threads calling, the server then counts at most ``rate + N``, and the
frequency error it may answer is retried (``retry.RetryPolicy``).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

DEFAULT_RATE = 50.0
MAX_RATE = 200.0
# One second plus a guard for the time between a request taking its slot and reaching the
# server, which differs between the plugin's concurrent threads.
WINDOW_SECONDS = 1.1


def _burst_for(rate: float) -> float:
    return max(1.0, rate / 10.0)


class TokenBucket:
    """Token bucket with a small burst (max(1, rate/10)) and a hard per-window cap.

    :meth:`acquire` reserves a start time under the lock and sleeps until it outside the
    lock, so waiters are served in arrival order. Start times honour the bucket (the balance
    may go negative) and the window: at most ``floor(rate)`` of them in any
    ``WINDOW_SECONDS``.
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
        self._starts: deque[float] = deque(maxlen=1)
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
            self._starts = deque(self._starts, maxlen=max(1, int(rate)))

    def _refill(self) -> None:
        now = self._clock()
        elapsed = now - self._stamp
        self._stamp = now
        if elapsed > 0 and self._rate > 0:
            self._tokens = min(self._burst, self._tokens + elapsed * self._rate)

    def reserve(self) -> float:
        """Take one token and a start time; return how long the caller must wait for it."""
        with self._lock:
            self._refill()
            now = self._stamp
            self._tokens -= 1.0
            start = now if self._tokens >= 0 else now - self._tokens / self._rate
            starts = self._starts
            if starts:
                start = max(start, starts[-1])
                if len(starts) == starts.maxlen:
                    start = max(start, starts[0] + WINDOW_SECONDS)
            starts.append(start)
            return start - now

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
