"""Which server objects belong to a live resource of this deployment.

The engine starts one plugin process per deployment and serves every resource of the stack
from it, so this process-wide record is exactly "what this deployment knows". Two facts about
an object's identity (a tuple such as ``("PermissionGroup", group, permission_group_id)``) are
kept, both learned from the engine's own calls:

* **held**: a live resource keeps the object after this deployment. Learned from a Check or
  Diff whose old and new inputs name the same identity (the resource keeps it), and from every
  successful create or update. A Delete of a held identity is stale and is skipped: it comes
  from a pending delete of an earlier, failed deployment, from the old side of a replacement
  the engine forced without asking the provider (``pulumi up --replace``,
  ``replacement_trigger``, ``deleted_with``/``replace_with``: Diff is not called, so the
  replacement is create-before-delete, ``pkg/resource/deploy/step_generator.go:2890-2917``),
  or from a resource renamed without an alias. Deleting it would remove the object a live
  resource just created or kept (pending deletes run at the *end* of the next deployment,
  ``step_generator.go:2390-2423``).
* **ours**: this stack's state names the object. Learned from the old inputs the engine passes
  to Check (they come from this stack's state). A create that finds such an object may take it
  over: it is not another stack's or the console's.

Within one deployment the engine never deletes an object a live resource created or kept, so
nothing legitimate is skipped; a new process (the next deployment) starts empty.

Writes to one object are serialised (:func:`exclusive`): the engine may run a resource that
frees an object and one that takes it at the same time, and "is it held?" followed by a delete
must not interleave with another resource's create of that object.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable, Iterator
from contextlib import ExitStack, contextmanager

Identity = tuple[Hashable, ...]

_lock = threading.Lock()
_held: set[Identity] = set()
_ours: set[Identity] = set()
_locks: dict[Identity, threading.RLock] = {}


@contextmanager
def exclusive(identities: Iterable[Identity]) -> Iterator[None]:
    """Hold the write locks of these objects (taken in one order: no deadlock)."""
    with _lock:
        locks = [_locks.setdefault(i, threading.RLock()) for i in sorted(set(identities), key=repr)]
    with ExitStack() as stack:
        for lock in locks:
            stack.enter_context(lock)
        yield


def hold(identities: Iterable[Identity]) -> None:
    """Record that a live resource keeps these objects after this deployment."""
    with _lock:
        for identity in identities:
            _held.add(identity)
            _ours.add(identity)


def recognise(identities: Iterable[Identity]) -> None:
    """Record that this stack's state names these objects."""
    with _lock:
        _ours.update(identities)


def is_held(identity: Identity) -> bool:
    with _lock:
        return identity in _held


def is_ours(identity: Identity) -> bool:
    """True when this deployment has seen the object in this stack's state or made it."""
    with _lock:
        return identity in _ours


def forget_all() -> None:
    """Start afresh, as a new plugin process (a new deployment) does."""
    with _lock:
        _held.clear()
        _ours.clear()
        _locks.clear()
