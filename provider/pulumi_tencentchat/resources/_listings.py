"""Batched refresh: one listing of a scope, shared by the reads that arrive close together.

During ``pulumi refresh`` the engine reads every resource, up to 4 at a time, in one plugin
process. Reading N permission groups of a community one by one costs N calls; one paged
listing of the community costs ceil(M/20) for its M groups. The same holds for the topic
permissions of one permission group (one unpaged call lists them all). The policy, per scope:

* A read counts itself. While its scope saw fewer than ``LIST_AFTER_READS`` reads (itself
  included) in the last ``WINDOW_SECONDS``, it reads alone: a lone read stays one call.
* The read that reaches ``LIST_AFTER_READS`` fetches the whole scope once; reads arriving
  meanwhile wait for that listing instead of listing too.
* A listing serves only reads that start at most ``WINDOW_SECONDS`` after it was received.
  So a refresh of N >= ``LIST_AFTER_READS`` groups costs ``LIST_AFTER_READS - 1`` lookups plus
  one listing (ceil(M/20) calls) as long as its reads keep within the window.
* Every write through this process (any create, update or delete: ``BaseProvider`` wraps them
  in :func:`writing`) drops all listings and read counts when it starts and when it ends, and
  a listing in flight across a write is never used. A read that starts after a write returned
  therefore never sees data from before it. Changes made outside this process are seen once
  the window has passed.
* A listing that fails is not retried within the window: its readers read alone, which reports
  the error exactly as an uncached read does.

Only ``read`` uses listings; create and update always ask the server themselves.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

#: How long a listing may serve reads after it was received, in seconds.
WINDOW_SECONDS = 2.0
#: The read of a scope that fetches the whole scope, counting reads within the window.
LIST_AFTER_READS = 3

#: The time source (seconds, monotonic); tests replace it.
clock: Callable[[], float] = time.monotonic

Key = tuple[str, ...]


@dataclass(eq=False)
class _Listing:
    """The whole of one scope as fetched for one client, or a fetch still under way."""

    client: object
    generation: int
    done: threading.Event = field(default_factory=threading.Event)
    items: dict[str, Any] | None = None  # None while in flight, or after a failure
    received: float = 0.0

    def usable_at(self, now: float) -> bool:
        return not self.done.is_set() or now - self.received <= WINDOW_SECONDS


_lock = threading.Lock()
_generation = 0  # bumped by every drop: a listing fetched across a drop is stale
_listings: dict[Key, _Listing] = {}
_reads: dict[Key, list[float]] = {}


def shared(key: Key, client: object,
           fetch_all: Callable[[], dict[str, Any]]) -> dict[str, Any] | None:
    """The whole scope ``key`` by item ID when reads share a listing; None: read alone.

    ``fetch_all`` lists the scope with ``client``; it runs at most once per listing, in the
    calling thread, outside the lock.
    """
    now = clock()
    with _lock:
        recent = [t for t in _reads.get(key, ()) if now - t <= WINDOW_SECONDS][
            -LIST_AFTER_READS:]
        recent.append(now)
        _reads[key] = recent
        listing = _listings.get(key)
        if listing is not None and listing.client is client and listing.usable_at(now):
            owner = False
        elif len(recent) >= LIST_AFTER_READS:
            listing = _listings[key] = _Listing(client, _generation)
            owner = True
        else:
            return None
    if owner:
        _fill(listing, fetch_all)
    else:
        listing.done.wait()
    with _lock:
        return listing.items if listing.generation == _generation else None


def _fill(listing: _Listing, fetch_all: Callable[[], dict[str, Any]]) -> None:
    items = None
    try:
        items = fetch_all()
    except Exception:
        pass  # each reader then reads alone and reports the error as it always does
    finally:
        with _lock:
            listing.items = items
            listing.received = clock()
        listing.done.set()


def drop_all() -> None:
    """Forget every listing and read count (a write changes what a listing would say)."""
    global _generation
    with _lock:
        _generation += 1
        _listings.clear()
        _reads.clear()


@contextmanager
def writing() -> Iterator[None]:
    """Around a write: no listing from before its end serves a read that starts after it."""
    drop_all()
    try:
        yield
    finally:
        drop_all()
