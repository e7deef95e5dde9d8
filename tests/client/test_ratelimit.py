"""Token bucket: minimum spacing, thread safety, the process-wide shared bucket."""

from __future__ import annotations

import threading
import time

import pytest
from pulumi_tencentchat import ratelimit
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.ratelimit import TokenBucket, shared_limiter

from .conftest import SECRET


def test_n_calls_take_at_least_n_minus_burst_over_rate() -> None:
    bucket = TokenBucket(100)
    assert bucket.burst == 10
    started = time.monotonic()
    for _ in range(60):
        bucket.acquire()
    assert time.monotonic() - started >= (60 - 10) / 100


def test_eight_threads_share_the_budget() -> None:
    bucket = TokenBucket(80)  # burst 8
    stamps: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(10):
            bucket.acquire()
            with lock:
                stamps.append(time.monotonic())

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(stamps) == 80
    assert time.monotonic() - started >= (80 - 8) / 80



class FakeTime:
    """A clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now


def max_in_window(starts: list[float], window: float) -> int:
    starts = sorted(starts)
    best, j = 0, 0
    for i, start in enumerate(starts):
        while starts[j] <= start - window:
            j += 1
        best = max(best, i - j + 1)
    return best


@pytest.mark.parametrize("rate", [200, 178.5, 20, 1])
def test_rate_is_a_hard_cap_per_window_even_with_the_burst(rate: float) -> None:
    t = FakeTime()
    bucket = TokenBucket(rate, clock=t.clock, sleep=lambda s: None)
    starts: list[float] = []
    # Callers arrive in clumps (4 at once, like the plugin's threads), then pause.
    for step in range(int(rate) * 4):
        starts.append(t.now + bucket.reserve())
        if step % 4 == 3:
            t.now += 0.5 / rate if step % 40 else 1.5
    # (a hair under the window: starts exactly one window apart are allowed)
    assert max_in_window(starts, ratelimit.WINDOW_SECONDS - 1e-9) <= max(1, int(rate))
    # ... and the bucket still lets the full rate through over time.
    span = max(starts) - min(starts)
    assert len(starts) / span > 0.8 * rate


def test_starts_never_go_backwards() -> None:
    t = FakeTime()
    bucket = TokenBucket(50, clock=t.clock, sleep=lambda s: None)
    starts = []
    for i in range(300):
        starts.append(t.now + bucket.reserve())
        t.now += 0.001 * (i % 7)
    assert starts == sorted(starts)


def test_small_burst_and_rate_validation() -> None:
    assert TokenBucket(5).burst == 1
    assert TokenBucket(200).burst == 20
    for bad in (0, -1, 201):
        with pytest.raises(ValueError):
            TokenBucket(bad)


def test_reconfigure_keeps_balance_within_new_burst() -> None:
    bucket = TokenBucket(200)
    bucket.configure(10)
    assert bucket.rate == 10 and bucket.burst == 1
    started = time.monotonic()
    for _ in range(4):
        bucket.acquire()
    assert time.monotonic() - started >= 3 / 10 - 0.01


def test_process_wide_bucket_shared_by_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "_shared", None)
    a = TencentChatClient(1, secret_key=SECRET, region="china")
    b = TencentChatClient(2, secret_key=SECRET, region="tokyo", requests_per_second=20)
    assert a._limiter is b._limiter is shared_limiter()
    assert shared_limiter().rate == 20  # the later client reconfigured the shared bucket
    shared_limiter(40)
    assert a._limiter.rate == 40
    monkeypatch.setattr(ratelimit, "_shared", None)
    assert TencentChatClient(3, secret_key=SECRET, region="china")._limiter.rate == 50


def test_client_calls_are_throttled(scripted, make_client) -> None:
    server = scripted()
    client = make_client(server.url, limiter=TokenBucket(20))  # burst 2
    started = time.monotonic()
    for i in range(12):
        client.modify_permission_group("@TGS#_g", f"@PMG#_{i}")
    assert time.monotonic() - started >= (12 - 2) / 20
    assert server.count == 12
