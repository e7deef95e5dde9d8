"""A small Pulumi engine, a user who reruns ``pulumi up`` after a failure, and a state auditor.

Used by ``test_nothing_lost.py``. The engine drives the real ``pulumi.dynamic`` plugin exactly as
the Pulumi engine drives a dynamic provider, and records what the engine would record:

* ``up``: pending deletes of earlier failed replacements first (dependents before their
  permission group); then, in program order (permission groups before the resources that use
  them), Check -> Create for a new resource, Check -> Diff -> Update for a changed one, and for a
  replacement the fresh Check -> Create of the new object, the old one becoming a pending delete
  (create-before-delete); finally Deletes of resources gone from the program and of the replaced
  objects, dependents first.
* ``refresh``: Read of every recorded resource, then Diff in the refresh direction (refreshed
  outputs against the old inputs); a Read that reports the object gone drops it from state.
* A failed Create records nothing; a failed Update keeps the old state; a failed Delete keeps
  the resource (a replaced object stays a pending delete). Nothing else is recorded for a
  failure: the provider has no partial-failure path.

The auditor lists the emulator's real objects with faults off and compares them with the
recorded state and with the program: duplicates (two server objects for one resource),
orphans (server objects no recorded resource owns) and mismatches (values differing between
state, program and server; deleted objects still present; recorded objects missing).
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from pulumi_tencentchat import PermissionGroup, PermissionGroupMembers, TopicPermission
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.naming import auto_name

from tests.protocol.conftest import MEMBERS_TYPE, PG_TYPE, TP_TYPE, Declared, declare
from tests.support.plugin import DEFAULT_PROJECT, DEFAULT_STACK, PluginCallError, PluginProcess

T = TypeVar("T")

# -- the program ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PGSpec:
    """A declared PermissionGroup; ``pg_id`` None means auto-named by the program."""

    name: str
    pg_id: str | None
    title: str
    permission: int
    custom_string: str

    @property
    def resolved_id(self) -> str:
        return self.pg_id or auto_name(DEFAULT_PROJECT, DEFAULT_STACK, self.name)


@dataclass(frozen=True)
class TPSpec:
    """A declared TopicPermission of the permission group resource ``pg``."""

    name: str
    pg: str
    topic_id: str
    permission: int


@dataclass(frozen=True)
class MembersSpec:
    """A declared PermissionGroupMembers of the permission group resource ``pg``."""

    name: str
    pg: str
    members: tuple[str, ...]


Spec = PGSpec | TPSpec | MembersSpec


@dataclass
class Program:
    """What the user's program declares: permission groups first, then what refers to them."""

    group_id: str
    pgs: dict[str, PGSpec] = field(default_factory=dict)
    tps: dict[str, TPSpec] = field(default_factory=dict)
    members: dict[str, MembersSpec] = field(default_factory=dict)

    def copy(self) -> Program:
        return Program(self.group_id, dict(self.pgs), dict(self.tps), dict(self.members))

    def specs(self) -> list[Spec]:
        return [*self.pgs.values(), *self.tps.values(), *self.members.values()]

    def run(self) -> None:
        """The Pulumi program: dependents take their permission group's output ID."""
        made: dict[str, PermissionGroup] = {}
        for s in self.pgs.values():
            made[s.name] = PermissionGroup(
                s.name, group_id=self.group_id, permission_group_id=s.pg_id, name=s.title,
                permission=s.permission, custom_string=s.custom_string or None)
        for t in self.tps.values():
            TopicPermission(t.name, group_id=self.group_id,
                            permission_group_id=made[t.pg].permission_group_id,
                            topic_id=t.topic_id, permission=t.permission)
        for m in self.members.values():
            PermissionGroupMembers(m.name, group_id=self.group_id,
                                   permission_group_id=made[m.pg].permission_group_id,
                                   members=list(m.members))


# -- the engine -----------------------------------------------------------------------------------


@dataclass
class Recorded:
    """What the engine keeps for one resource: URN, type, ID, inputs, outputs."""

    urn: str
    type: str
    id: str
    inputs: dict[str, Any]
    outs: dict[str, Any]


class CheckRejected(AssertionError):
    """Check refused inputs the walk generated (a bug in the walk, not a fault)."""


@dataclass
class Engine:
    """The engine's side of ``pulumi up`` / ``refresh`` / ``destroy`` for one stack.

    With ``parallel`` > 1, independent steps run concurrently as the engine runs them
    (permission groups together, then the resources that use them; deletes in the reverse
    order); a failed step lets the others of its wave finish, then the deployment fails.
    """

    plugin: PluginProcess
    parallel: int = 1
    state: dict[str, Recorded] = field(default_factory=dict)
    pending: list[Recorded] = field(default_factory=list)
    #: (type, id) of objects a successful Delete removed (and no Create brought back since).
    deleted: set[tuple[str, str]] = field(default_factory=set)
    ops: Counter[str] = field(default_factory=Counter)
    failed_ops: Counter[str] = field(default_factory=Counter)
    #: Refresh Diffs that reported a change although nothing changed out of band.
    drift: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- plugin calls, counted --------------------------------------------------------------
    def _op(self, kind: str, call: Callable[[], Any]) -> Any:
        with self._lock:
            self.ops[kind] += 1
        try:
            return call()
        except PluginCallError:
            with self._lock:
                self.failed_ops[kind] += 1
            raise

    def _wave(self, items: Iterable[T], step: Callable[[T], None]) -> None:
        """Run ``step`` for each item: in order, or concurrently with ``parallel`` workers."""
        items = list(items)
        if self.parallel <= 1 or len(items) <= 1:
            for item in items:
                step(item)
            return
        with ThreadPoolExecutor(self.parallel) as pool:
            futures = [pool.submit(step, item) for item in items]
        errors = [f.exception() for f in futures if f.exception() is not None]
        if errors:
            raise errors[0]  # type: ignore[misc]

    def _check(self, d: Declared, olds: dict[str, Any]) -> dict[str, Any]:
        checked = self.plugin.check(d.urn, olds, d.inputs)
        if checked.failures:
            raise CheckRejected(f"{d.urn}: {checked.failures}")
        return checked.inputs

    def _create(self, d: Declared, inputs: dict[str, Any]) -> Recorded:
        rid, outs = self._op("create", lambda: self.plugin.create(d.urn, inputs))
        with self._lock:
            self.deleted.discard((d.type, rid))
        return Recorded(d.urn, d.type, rid, inputs, outs)

    def _delete_all(self, doomed: Iterable[Recorded]) -> None:
        """Delete TopicPermissions and member lists first, then permission groups.

        Each deleted resource leaves the state (a replaced object leaves the pending list).
        """
        doomed = list(doomed)

        def delete(r: Recorded) -> None:
            self._op("delete", lambda: self.plugin.delete(r.urn, r.id, r.outs,
                                                          old_inputs=r.inputs))
            with self._lock:
                self.deleted.add((r.type, r.id))
                if r in self.pending:
                    self.pending.remove(r)
                elif self.state.get(r.urn) is r:
                    del self.state[r.urn]

        self._wave([r for r in reversed(doomed) if r.type != PG_TYPE], delete)
        self._wave([r for r in reversed(doomed) if r.type == PG_TYPE], delete)

    # -- deployments --------------------------------------------------------------------------
    def _apply(self, d: Declared) -> None:
        """Create, update or replace one declared resource, recording the outcome."""
        current = self.state.get(d.urn)
        if current is None:
            created = self._create(d, self._check(d, {}))
            with self._lock:
                self.state[d.urn] = created
            return
        news = self._check(d, current.inputs)
        diff = self.plugin.diff(d.urn, current.id, current.outs, news, old_inputs=current.inputs)
        if diff.changes != "some":
            return
        if diff.replaces:
            created = self._create(d, self._check(d, {}))
            with self._lock:
                self.state[d.urn] = created
                self.pending.append(current)
            return
        outs = self._op("update", lambda: self.plugin.update(
            d.urn, current.id, current.outs, news, old_inputs=current.inputs))
        with self._lock:
            self.state[d.urn] = Recorded(d.urn, d.type, current.id, news, outs)

    def up(self, program: Program) -> None:
        """One ``pulumi up``; raises PluginCallError when a step failed (state kept)."""
        declared = list(declare(program.run).values())
        self._delete_all(self.pending)
        self._wave([d for d in declared if d.type == PG_TYPE], self._apply)
        self._wave([d for d in declared if d.type != PG_TYPE], self._apply)
        wanted = {d.urn for d in declared}
        self._delete_all([*[r for urn, r in self.state.items() if urn not in wanted],
                          *self.pending])

    def refresh(self) -> None:
        """One ``pulumi refresh``: Read each resource, then the refresh-direction Diff."""

        def refresh_one(r: Recorded) -> None:
            read = self._op("read", lambda: self.plugin.read(r.urn, r.id, r.outs,
                                                             inputs=r.inputs))
            if not read.id:
                with self._lock:
                    del self.state[r.urn]
                return
            inputs = read.inputs if read.inputs is not None else r.inputs
            diff = self.plugin.diff(r.urn, read.id, read.outs, r.inputs, old_inputs=inputs)
            with self._lock:
                if diff.changes == "some":
                    self.drift.append(f"refresh of {r.urn} reported drift with no change")
                self.state[r.urn] = Recorded(r.urn, r.type, read.id, inputs, read.outs)

        self._wave(list(self.state.values()), refresh_one)

    def destroy(self) -> None:
        """``pulumi destroy``: pending deletes, then every resource, dependents first."""
        self._delete_all([*self.state.values(), *self.pending])

    @property
    def total_ops(self) -> int:
        return sum(self.ops.values())


# -- the random walk ------------------------------------------------------------------------------


@dataclass
class Walker:
    """Seeded changes to the program, as a user editing it between deployments would make."""

    rng: random.Random
    group_id: str
    topics: tuple[str, ...]
    accounts: tuple[str, ...]
    pg_names: tuple[str, ...] = tuple(f"pg{i}" for i in range(7))
    max_pgs: int = 5
    _serial: int = 0
    #: Slots a resource left during this step: ("tp", pg, topic) and ("members", pg).
    _freed: set[tuple[str, ...]] = field(default_factory=set)

    def _next(self) -> int:
        self._serial += 1
        return self._serial

    def _members(self) -> tuple[str, ...]:
        return tuple(self.rng.sample(self.accounts, self.rng.randint(1, 4)))

    def _custom_id(self, name: str) -> str:
        return f"@PMG#_{name}_v{self._next()}"

    def begin_step(self) -> None:
        """Start a new deployment's worth of changes."""
        self._freed.clear()

    def _free_pairs(self, p: Program) -> list[tuple[str, str]]:
        used = {(t.pg, t.topic_id) for t in p.tps.values()}
        return [(pg, topic) for pg in p.pgs for topic in self.topics
                if (pg, topic) not in used and ("tp", pg, topic) not in self._freed]

    def _pgs_without_members(self, p: Program) -> list[str]:
        taken = {m.pg for m in p.members.values()}
        return [pg for pg in p.pgs if pg not in taken and ("members", pg) not in self._freed]

    def _free(self, spec: TPSpec | MembersSpec) -> None:
        """A slot left in this step is not taken again before the next deployment.

        In one deployment the engine creates before it deletes, so a new resource taking over
        the object of one being deleted (e.g. a rename without an alias) sees that object
        deleted right after: two resources must not manage one object within a deployment.
        """
        if isinstance(spec, TPSpec):
            self._freed.add(("tp", spec.pg, spec.topic_id))
        else:
            self._freed.add(("members", spec.pg))

    def mutate(self, p: Program) -> str:
        """Apply one random change to ``p``; return its name."""
        r = self.rng
        free_names = [n for n in self.pg_names if n not in p.pgs]
        choices: list[tuple[str, int]] = []
        if len(p.pgs) < self.max_pgs and free_names:
            choices.append(("pg_create", 6 if len(p.pgs) < 3 else 3))
        if p.pgs:
            choices += [("pg_update", 4), ("pg_replace", 2), ("pg_delete", 1)]
        if self._free_pairs(p):
            choices.append(("tp_create", 4))
        if p.tps:
            choices += [("tp_update", 3), ("tp_replace", 2), ("tp_delete", 2)]
        if self._pgs_without_members(p):
            choices.append(("members_create", 3))
        if p.members:
            choices += [("members_update", 4), ("members_delete", 1)]
            if self._pgs_without_members(p):
                choices.append(("members_replace", 1))
        kinds, weights = zip(*choices, strict=True)
        kind = r.choices(kinds, weights)[0]
        getattr(self, kind)(p)
        return kind

    # permission groups
    def pg_create(self, p: Program) -> None:
        name = self.rng.choice([n for n in self.pg_names if n not in p.pgs])
        custom = self._custom_id(name) if self.rng.random() < 0.5 else None
        p.pgs[name] = PGSpec(name, custom, f"{name} team {self._next()}",
                             self.rng.randrange(2048), self.rng.choice(["", f"cs{self._next()}"]))

    def pg_update(self, p: Program) -> None:
        s = p.pgs[self.rng.choice(list(p.pgs))]
        fields = self.rng.sample(["title", "permission", "custom_string"], self.rng.randint(1, 3))
        new = {"title": f"{s.name} renamed {self._next()}",
               "permission": self.rng.randrange(2048),
               "custom_string": self.rng.choice(["", f"cs{self._next()}"])}
        p.pgs[s.name] = replace(s, **{f: new[f] for f in fields})

    def pg_replace(self, p: Program) -> None:
        s = p.pgs[self.rng.choice(list(p.pgs))]
        new_id = None if s.pg_id and self.rng.random() < 0.3 else self._custom_id(s.name)
        p.pgs[s.name] = replace(s, pg_id=new_id)

    def pg_delete(self, p: Program) -> None:
        name = self.rng.choice(list(p.pgs))
        del p.pgs[name]
        for spec in [*p.tps.values(), *p.members.values()]:
            if spec.pg == name:
                self._free(spec)
        p.tps = {k: t for k, t in p.tps.items() if t.pg != name}
        p.members = {k: m for k, m in p.members.items() if m.pg != name}

    # topic permissions
    def tp_create(self, p: Program) -> None:
        pg, topic = self.rng.choice(self._free_pairs(p))
        name = f"tp{self._next()}"
        p.tps[name] = TPSpec(name, pg, topic, self.rng.randrange(128))

    def tp_update(self, p: Program) -> None:
        t = p.tps[self.rng.choice(list(p.tps))]
        p.tps[t.name] = replace(t, permission=(t.permission + self.rng.randrange(1, 128)) % 128)

    def tp_replace(self, p: Program) -> None:
        t = p.tps[self.rng.choice(list(p.tps))]
        pairs = self._free_pairs(p)
        if not pairs:
            return
        pg, topic = self.rng.choice(pairs)
        self._free(t)
        p.tps[t.name] = replace(t, pg=pg, topic_id=topic)

    def tp_delete(self, p: Program) -> None:
        self._free(p.tps.pop(self.rng.choice(list(p.tps))))

    # members
    def members_create(self, p: Program) -> None:
        pg = self.rng.choice(self._pgs_without_members(p))
        name = f"members{self._next()}"
        p.members[name] = MembersSpec(name, pg, self._members())

    def members_update(self, p: Program) -> None:
        m = p.members[self.rng.choice(list(p.members))]
        kept = [a for a in m.members if self.rng.random() < 0.6]
        added = [a for a in self.rng.sample(self.accounts, 3) if a not in m.members]
        members = tuple(kept + added) or self._members()
        p.members[m.name] = replace(m, members=members)

    def members_replace(self, p: Program) -> None:
        m = p.members[self.rng.choice(list(p.members))]
        self._free(m)
        p.members[m.name] = replace(m, pg=self.rng.choice(self._pgs_without_members(p)))

    def members_delete(self, p: Program) -> None:
        self._free(p.members.pop(self.rng.choice(list(p.members))))


# -- the audit ------------------------------------------------------------------------------------


@dataclass
class Findings:
    duplicates: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)

    def extend(self, other: Findings) -> None:
        self.duplicates += other.duplicates
        self.orphans += other.orphans
        self.mismatches += other.mismatches

    def __bool__(self) -> bool:
        return bool(self.duplicates or self.orphans or self.mismatches)


def _int(value: Any) -> int:
    """A permission as stored in state (a float, or a decimal string above 2**53)."""
    return int(value) if isinstance(value, str) else int(float(value))


def _repeated(values: Iterable[str]) -> list[str]:
    return sorted(k for k, n in Counter(values).items() if n > 1)


@dataclass
class Server:
    """The emulator's real objects in one community, listed with faults off."""

    pgs: dict[str, Any]
    tps: dict[tuple[str, str], int]
    members: set[tuple[str, str]]
    repeats: list[str]

    @classmethod
    def read(cls, raw: TencentChatClient, group_id: str) -> Server:
        listing = [p for p in raw.iter_permission_groups(group_id) if p.ok]
        repeats = [f"permission group {i} listed twice"
                   for i in _repeated(p.permission_group_id for p in listing)]
        pgs = {p.permission_group_id: p for p in listing}
        tps: dict[tuple[str, str], int] = {}
        members: set[tuple[str, str]] = set()
        for pg_id in pgs:
            items = [i for i in raw.get_topic_permissions(group_id, pg_id).items if i.ok]
            repeats += [f"topic permission {pg_id}/{t} listed twice"
                        for t in _repeated(i.topic_id for i in items)]
            tps.update({(pg_id, i.topic_id): int(i.permission or 0) for i in items})
            accounts = list(raw.iter_permission_group_members(group_id, pg_id))
            repeats += [f"member {a} of {pg_id} listed twice" for a in _repeated(accounts)]
            members.update((pg_id, a) for a in accounts)
        return cls(pgs, tps, members, repeats)


def audit(engine: Engine, program: Program, server: Server, *,
          member_counts: bool = False) -> Findings:
    """Compare recorded state with the server, and with the program the last ``up`` applied.

    ``member_counts``: also compare each group's recorded ``member_count`` (right after a
    refresh, when it was just read).
    """
    f = Findings(duplicates=list(server.repeats))
    f.mismatches += engine.drift
    engine.drift.clear()
    if engine.pending:
        f.mismatches += [f"{r.urn} ({r.id}) still pending deletion" for r in engine.pending]

    rec_pgs: dict[str, Recorded] = {}
    rec_tps: dict[tuple[str, str], Recorded] = {}
    rec_members: dict[tuple[str, str], Recorded] = {}
    for r in engine.state.values():
        o = r.outs
        if r.type == PG_TYPE:
            key: Any = o.get("permission_group_id")
            owners: dict[Any, Recorded] = rec_pgs
            keys = [key]
        elif r.type == TP_TYPE:
            keys = [(o.get("permission_group_id"), o.get("topic_id"))]
            owners = rec_tps
        else:
            keys = [(o.get("permission_group_id"), a) for a in o.get("members") or []]
            owners = rec_members
        for key in keys:
            if key in owners:
                f.duplicates.append(f"{key} recorded by both {owners[key].urn} and {r.urn}")
            owners[key] = r

    # Recorded resources against the server.
    for pg_id, r in rec_pgs.items():
        item = server.pgs.get(pg_id)
        if item is None:
            f.mismatches.append(f"{r.urn}: recorded {pg_id} is not on the server")
            continue
        got = (item.name, item.permission, item.custom_string or "")
        want = (r.outs.get("name"), _int(r.outs.get("permission")),
                r.outs.get("custom_string") or "")
        if got != want:
            f.mismatches.append(f"{r.urn}: recorded {want}, server has {got}")
        if member_counts and _int(r.outs.get("member_count") or 0) != (item.member_count or 0):
            f.mismatches.append(f"{r.urn}: recorded member_count {r.outs.get('member_count')}, "
                                f"server has {item.member_count}")
    for key, r in rec_tps.items():
        if key not in server.tps:
            f.mismatches.append(f"{r.urn}: recorded topic permission {key} is not on the server")
        elif server.tps[key] != _int(r.outs.get("permission")):
            f.mismatches.append(f"{r.urn}: recorded permission {r.outs.get('permission')}, "
                                f"server has {server.tps[key]}")
    for key, r in rec_members.items():
        if key not in server.members:
            f.mismatches.append(f"{r.urn}: recorded member {key} is not on the server")

    # Server objects nobody records.
    declared_pg_values = {(s.title, s.permission, s.custom_string) for s in program.pgs.values()}
    for pg_id, item in server.pgs.items():
        if pg_id in rec_pgs:
            continue
        if (PG_TYPE, f"{program.group_id}/{pg_id}") in engine.deleted:
            f.mismatches.append(f"deleted permission group {pg_id} is still on the server")
        elif (item.name, item.permission, item.custom_string or "") in declared_pg_values:
            f.duplicates.append(f"permission group {pg_id} duplicates a declared one")
        else:
            f.orphans.append(f"permission group {pg_id} ({item.name!r}) is owned by no resource")
    for (pg_id, topic), bits in server.tps.items():
        if (pg_id, topic) in rec_tps:
            continue
        if (TP_TYPE, f"{pg_id}/{topic}") in engine.deleted:
            f.mismatches.append(f"deleted topic permission {pg_id}/{topic} is still on the server")
        else:
            f.orphans.append(f"topic permission {pg_id}/{topic} ({bits}) is owned by no resource")
    for pg_id, account in sorted(server.members - set(rec_members)):
        f.orphans.append(f"member {account} of {pg_id} is owned by no resource")

    # The state is what the program declared (outputs echo the declared inputs).
    f.mismatches += _program_vs_state(engine, program)
    return f


def _program_vs_state(engine: Engine, program: Program) -> list[str]:
    problems: list[str] = []
    by_name = {r.urn.rsplit("::", 1)[1]: r for r in engine.state.values()}
    names = {s.name for s in program.specs()}
    problems += [f"{r.urn} is recorded but not declared" for n, r in by_name.items()
                 if n not in names]
    for s in program.specs():
        r = by_name.get(s.name)
        if r is None:
            problems.append(f"{s.name} is declared but not recorded")
            continue
        o = r.outs
        if isinstance(s, PGSpec):
            got: tuple[Any, ...] = (o.get("permission_group_id"), o.get("name"),
                                    _int(o.get("permission")), o.get("custom_string") or "")
            want: tuple[Any, ...] = (s.resolved_id, s.title, s.permission, s.custom_string)
        elif isinstance(s, TPSpec):
            got = (o.get("permission_group_id"), o.get("topic_id"), _int(o.get("permission")))
            want = (program.pgs[s.pg].resolved_id, s.topic_id, s.permission)
        else:
            got = (o.get("permission_group_id"), frozenset(o.get("members") or []))
            want = (program.pgs[s.pg].resolved_id, frozenset(s.members))
        if got != want:
            problems.append(f"{r.urn}: state {got} differs from the program {want}")
    return problems


__all__ = ["MEMBERS_TYPE", "PG_TYPE", "TP_TYPE", "Engine", "Findings", "PGSpec", "Program",
           "Recorded", "Server", "Walker", "audit"]
