"""How one permission group's topic permissions go from one mapping to another.

A change is sent in two phases: first removals and reductions, then grants and additions. A
topic whose bits go both up and down is first set to the bits its old and new values share,
then to the new value. So during the first phase every topic holds only bits of the old
mapping, and during the second only bits of the new one: a change never grants, even briefly,
a right that neither the old nor the new declaration grants.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass
class Plan:
    """The writes of one change, phase by phase (see the module's docstring)."""

    #: Topics whose permission goes, with the value they had (to put back on undo).
    deletes: dict[str, int | None] = field(default_factory=dict)
    #: Topics losing bits: topic -> (value before, value after this phase).
    reductions: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: Topics gaining bits: topic -> (value before, value after).
    grants: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: Topics that get a permission: topic -> value.
    adds: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.deletes or self.reductions or self.grants or self.adds)


def plan(before: Mapping[str, int], after: Mapping[str, int],
         remove: Iterable[str] = ()) -> Plan:
    """The writes from ``before`` to ``after`` for the topics of ``after``, plus deleting
    ``remove`` (topics of ``before`` or of the server that ``after`` does not list)."""
    out = Plan(deletes={topic: before.get(topic) for topic in remove if topic not in after})
    for topic, new in after.items():
        old = before.get(topic)
        if old is None:
            out.adds[topic] = new
        elif old != new:
            shared = old & new
            if old & ~new:  # bits to take away first
                out.reductions[topic] = (old, shared if new & ~old else new)
            if new & ~old:
                out.grants[topic] = (shared if old & ~new else old, new)
    return out
